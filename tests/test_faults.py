"""Faults: a killed import leaves nothing behind; a vanished database is a clear `Error: ...`,
never a traceback; a password never appears in any message."""
import json
import multiprocessing
import os
import random
import shutil
import signal

import pytest
import sqlalchemy as sa

from ledger import Ledger
from ledger.errors import DatabaseError

# 50,000 was tried by hand (LEDGER_TEST_BIG=50000); the default keeps the suite quick.
BIG = int(os.environ.get("LEDGER_TEST_BIG", "20000"))


def write_big(path, n, coalitions=400, actors=200, tag="k"):
    """A JSON Lines file declaring its own actors and coalitions, then n events spread over them."""
    rnd = random.Random(n)
    with open(path, "w") as f:
        for a in range(actors):
            f.write(json.dumps({"record": "actor", "id": f"{tag}a{a}", "name": f"Actor {tag}{a}"}) + "\n")
        for c in range(coalitions):
            f.write(json.dumps({"record": "coalition", "id": f"{tag}c{c}", "name": f"C {tag}{c}",
                                "kind": "military"}) + "\n")
        for i in range(n):
            f.write(json.dumps({
                "type": "commit_troops", "coalition": f"{tag}c{i % coalitions}",
                "actor": f"{tag}a{rnd.randrange(actors)}",
                "date": f"{2003 + i % 7}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "troops": i + 1, "source": "s1", "id": f"{tag}{i}"}) + "\n")
    return path


def _import_until_killed(url, path, midway, reached):
    ledger = Ledger.open(url, bundled_data=False)
    done = 0

    def progress(n):
        nonlocal done
        done += n
        if done >= midway:
            reached.set()      # several chunks are already inserted, uncommitted

    ledger.import_file(path, progress=progress)


def _counts(ledger):
    with ledger.engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("events", "coalitions", "actors", "aliases", "spells")}


def test_sigkill_midway_appends_nothing_and_a_rerun_appends_once(ledger, db_url, tmp_path):
    path = write_big(str(tmp_path / "big.jsonl"), BIG)
    before, head = _counts(ledger), ledger.head()
    ctx = multiprocessing.get_context("spawn")
    reached = ctx.Event()
    child = ctx.Process(target=_import_until_killed, args=(db_url, path, BIG // 2, reached))
    child.start()
    try:
        assert reached.wait(timeout=300), "the import never got halfway"
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
    finally:
        if child.is_alive():
            child.kill()
    assert child.exitcode == -signal.SIGKILL

    assert _counts(ledger) == before and ledger.head() == head
    assert ledger.verify().ok

    summary = ledger.import_file(path)          # waits for nothing: the lock died with the child
    assert summary.new + summary.conflicting == BIG and summary.duplicate == 0
    with ledger.engine.connect() as conn:
        eids = conn.execute(sa.text("SELECT count(*), count(DISTINCT eid) FROM events "
                                    "WHERE eid LIKE 'k%'")).one()
    assert tuple(eids) == (BIG, BIG)
    result = ledger.verify()
    assert result.ok and result.events == before["events"] + BIG


def test_wrong_port_is_a_clear_error_without_the_password(run_cli):
    url = "postgresql+psycopg://ledger:hunter2@127.0.0.1:1/nowhere"
    code, out, err = run_cli("--database", url, "--no-bundled", "asof", "2004-01-01", "-c", "x")
    assert code == 1
    assert err.startswith("Error: database postgresql+psycopg://ledger:***@127.0.0.1:1/nowhere")
    assert "hunter2" not in out + err and "Traceback" not in err
    with pytest.raises(DatabaseError) as info:
        Ledger.open(url, bundled_data=False)
    assert "hunter2" not in str(info.value) and "***" in str(info.value)


@pytest.mark.parametrize("url", ["postgresql+nodriver://ledger:hunter2@host/db",
                                 "nosuch://ledger:hunter2@host/db"])
def test_unusable_url_is_a_clear_error_without_the_password(run_cli, url):
    code, out, err = run_cli("--database", url, "--no-bundled", "head")
    assert code == 1 and err.startswith("Error: cannot use database")
    assert "hunter2" not in out + err and "***" in err and "Traceback" not in err


def test_sqlite_directory_gone_is_a_clear_error(tmp_path, run_cli):
    folder = tmp_path / "shared"
    folder.mkdir()
    url = f"sqlite:///{folder / 'ledger.sqlite'}"
    assert run_cli("--database", url, "--no-bundled", "head")[0] == 0
    shutil.rmtree(folder)
    for args in (["head"], ["verify"], ["add-source", "s9", "--title", "T"]):
        code, out, err = run_cli("--database", url, "--no-bundled", *args)
        assert code == 1, args
        assert err.startswith("Error: database sqlite:///") and "unable to open" in err
        assert "Traceback" not in err


def test_sqlite_file_that_is_not_a_database(tmp_path, run_cli):
    bad = tmp_path / "ledger.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    code, _, err = run_cli("--database", f"sqlite:///{bad}", "--no-bundled", "head")
    assert code == 1 and err.startswith("Error: ") and "not a database" in err


def _terminate(ledger, pid):
    admin = sa.create_engine(ledger.engine.url.set(query={}))
    with admin.begin() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    admin.dispose()


def test_postgres_connection_lost_mid_command(ledger, tmp_path):
    if ledger.engine.dialect.name != "postgresql":
        pytest.skip("terminating a server connection is a PostgreSQL test")
    ledger.append("join", "test", "2003-03-20", actor="aaa", source="s1")
    answer = ledger.asof("2004-01-01", "test")
    # a connection that died while idle in the pool is replaced: the next question is answered
    with ledger.engine.connect() as conn:
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    _terminate(ledger, pid)
    assert ledger.asof("2004-01-01", "test") == answer and [m.actor for m in answer.members] == ["aaa"]
    before = _counts(ledger)
    # a connection that dies in the middle of an import's transaction
    path = write_big(str(tmp_path / "mid.jsonl"), 12000, coalitions=50, actors=20, tag="m")
    with ledger.engine.connect() as conn:
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    fired = []

    def progress(n):
        if not fired:
            fired.append(n)
            _terminate(ledger, pid)
    with pytest.raises(DatabaseError, match="failed: "):
        ledger.import_file(path, progress=progress)
    assert fired
    assert _counts(ledger) == before and ledger.verify().ok
