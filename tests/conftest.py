import os
import uuid

import pytest
import sqlalchemy as sa

from ledger import Ledger

HERE = os.path.dirname(__file__)
DATA = os.path.join(HERE, "data")
PG_URL = os.environ.get("LEDGER_TEST_POSTGRES_URL")


def data(name: str) -> str:
    return os.path.join(DATA, name)


def _postgres_or_skip() -> str:
    """The PostgreSQL URL; in CI a missing server is a failure, elsewhere a skip."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not PG_URL:
        if in_ci:
            pytest.fail("CI=true but LEDGER_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tests need LEDGER_TEST_POSTGRES_URL (e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # unreachable server or missing driver
        if in_ci:
            pytest.fail(f"PostgreSQL at LEDGER_TEST_POSTGRES_URL is unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL is unreachable: {exc}")
    return PG_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    base = _postgres_or_skip()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """A ledger of the bundled data, loaded once per test process and only read by the tests
    (modules with a test world of their own define their own `world`)."""
    ledger = Ledger.open(f"sqlite:///{tmp_path_factory.mktemp('bundled') / 'ledger.sqlite'}")
    yield ledger
    ledger.close()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def empty(db_url):
    ledger = Ledger.open(db_url, bundled_data=False)
    yield ledger
    ledger.close()


@pytest.fixture
def ledger(empty):
    """A ledger with the small test world of tests/data/world.yaml (actors, coalitions, sources)."""
    empty.import_file(data("world.yaml"))
    return empty


@pytest.fixture
def sqlite_ledger(sqlite_url):
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    yield ledger
    ledger.close()


@pytest.fixture
def run_cli(monkeypatch, capsys):
    """Run the real entry point `ledger.cli.main.main` (errors -> `Error: ...`, exit 1):
    returns (exit code, stdout, stderr)."""
    import sys
    from ledger.cli.main import main

    def run(*args: str):
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["ledger", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch):
    """Tables fit COLUMNS where it is set (README): a test that is about fitting sets it itself;
    the others must not depend on the width of whatever runs them (a terminal, a test worker)."""
    monkeypatch.delenv("COLUMNS", raising=False)
