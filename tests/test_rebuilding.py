"""A big rebuild replays coalitions in worker processes: the spells must be exactly those of one
process, and a failing worker must leave the ledger as it was."""
import os
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from conftest import data
from ledger import Ledger, rebuilding, schema, store

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="worker processes are forked, on Linux only")


class CountingPool(rebuilding.ProcessPoolExecutor):
    started = 0

    def __init__(self, *args, **kwargs):
        CountingPool.started += 1
        super().__init__(*args, **kwargs)


def all_spells(ledger: Ledger) -> list[tuple]:
    t = schema.spells
    with store.reading(ledger.engine) as conn:
        return sorted(tuple(r) for r in conn.execute(sa.select(*(c for c in t.c if c.name != "id"))))


@pytest.fixture
def forcing_workers(monkeypatch):
    """Workers for any rebuild, and small batches so that several are in flight."""
    CountingPool.started = 0
    monkeypatch.setattr(rebuilding, "ProcessPoolExecutor", CountingPool)
    monkeypatch.setattr(rebuilding, "_cores", lambda: 2)
    monkeypatch.setattr(rebuilding, "BATCH", 40)

    def force(on: bool):
        monkeypatch.setattr(rebuilding, "PARALLEL_FROM", 1 if on else 10**9)
    return force


def test_workers_give_the_spells_of_one_process(db_url, forcing_workers):
    ledger = Ledger.open(db_url)        # with the bundled data
    forcing_workers(False)
    ledger.rebuild()
    one_process = all_spells(ledger)
    assert CountingPool.started == 0 and len(one_process) > 1000
    forcing_workers(True)
    ledger.rebuild()
    assert CountingPool.started == 1
    assert all_spells(ledger) == one_process
    assert ledger.asof("2004-12-31", "iraq").count > 20


def failing_replay(coalition, rows, published):
    raise ValueError(f"replay of {coalition.id} failed")


def test_a_failing_worker_leaves_the_spells_as_they_were(tmp_path, forcing_workers, monkeypatch):
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    before = all_spells(ledger)
    forcing_workers(True)
    monkeypatch.setattr(rebuilding, "spell_rows", failing_replay)
    with pytest.raises(ValueError, match="replay of .* failed"):
        ledger.rebuild()
    assert CountingPool.started == 1
    assert all_spells(ledger) == before



SLOW_REBUILD = """
import sys, time
from ledger import Ledger, rebuilding
def slow(coalition, rows, published):
    time.sleep(120)
rebuilding.PARALLEL_FROM, rebuilding.BATCH, rebuilding._cores = 1, 5, lambda: 2
rebuilding.spell_rows = slow
Ledger.open(sys.argv[1], bundled_data=False).rebuild()
"""


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def test_workers_leave_when_the_rebuild_is_killed(sqlite_url):
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    before = all_spells(ledger)
    run = subprocess.Popen([sys.executable, "-c", SLOW_REBUILD, sqlite_url])
    try:
        deadline = time.monotonic() + 60
        while len(workers := children(run.pid)) < 2:
            assert run.poll() is None and time.monotonic() < deadline, "no workers started"
            time.sleep(0.05)
    finally:
        run.kill()
        run.wait()
    deadline = time.monotonic() + 10
    while [w for w in workers if os.path.exists(f"/proc/{w}")] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [w for w in workers if os.path.exists(f"/proc/{w}")] == []
    assert all_spells(ledger) == before and ledger.verify().ok
