"""A big rebuild replays coalitions in worker processes: the spells must be exactly those of one
process, and a failing worker must leave the ledger as it was."""
import sys

import pytest
import sqlalchemy as sa

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

