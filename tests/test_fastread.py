"""The standard-library read path of `ledger asof` answers exactly as the library does."""
from datetime import date

from ledger import Ledger, fastread
from conftest import data


def test_fast_path_equals_the_library(sqlite_url):
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("join", "test", "2003", actor="aaa", source="s3")
    ledger.append("count_claim", "test", "2004-01", count=30, source="s2")
    for day in ("2003-03-19", "2003-06-30", "2004-01-01", "2004-05-21", "2009-01-01"):
        fast = fastread.asof(sqlite_url, "test", date.fromisoformat(day), bundled=False)
        assert fast is not None, day
        assert fast == ledger.asof(day, "test"), day
        replayed = ledger.asof(day, "test", known_at="2999-01-01")
        assert fast.to_dict() | {"known_at": None} == replayed.to_dict() | {"known_at": None}, day


def test_fast_path_applies_corrections_and_retractions_of_count_claims(sqlite_url):
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("count_claim", "test", "2004-01", count=30, source="s2", id="claim-30")
    ledger.append("count_claim", "test", "2004-02", count=33, source="s2", id="claim-33")
    day = date(2004, 6, 1)
    assert fastread.asof(sqlite_url, "test", day, bundled=False) == ledger.asof(day, "test")
    ledger.append("correct", "test", "2006-01-01", ref="claim-30", set={"count": 31}, source="s1")
    ledger.append("correct", "test", "2006-01-02", ref="claim-33", set={"date": "2004-07"}, source="s2")
    fast = fastread.asof(sqlite_url, "test", day, bundled=False)
    assert [(c["count"], c["sources"]) for c in fast.claims] == [(31, ["s2", "s1"])]
    assert fast == ledger.asof(day, "test")
    later = date(2004, 8, 1)
    assert fastread.asof(sqlite_url, "test", later, bundled=False) == ledger.asof(later, "test")
    ledger.append("retract", "test", "2006-02-01", ref="claim-30", source="s1")
    fast = fastread.asof(sqlite_url, "test", later, bundled=False)
    assert [c["count"] for c in fast.claims] == [33] and fast == ledger.asof(later, "test")


def test_fast_path_steps_aside_when_it_cannot_answer(sqlite_url, tmp_path):
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    day = date(2004, 1, 1)
    assert fastread.asof(sqlite_url, "no-such-coalition", day, bundled=False) is None
    assert fastread.asof(sqlite_url, "test", day, bundled=True) is None        # bundle not loaded
    assert fastread.asof(f"sqlite:///{tmp_path / 'missing.sqlite'}", "test", day) is None
    assert fastread.asof("postgresql+psycopg://x@127.0.0.1/y", "test", day) is None


def test_the_cold_asof_command_never_imports_sqlalchemy(sqlite_url):
    """The fast path is what keeps a cold `ledger asof` quick: a table of the answer, with each
    figure's provenance, must not pull in SQLAlchemy (measured in bench/run.py, never timed here)."""
    import subprocess
    import sys
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    code = ("import sys; from ledger.cli.main import main; sys.argv = ['ledger', '--database', "
            f"{sqlite_url!r}, '--no-bundled', 'asof', '2004-01-01', '-c', 'test']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'CLEAN')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("CLEAN"), out.stdout + out.stderr
