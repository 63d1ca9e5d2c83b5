"""Several processes appending to one ledger at once (the small version of bench/concurrency.py):
no event lost or duplicated, seq 1..N with no gaps, the chain verifies, projection == replay."""
import os
import sys

BENCH = os.path.join(os.path.dirname(__file__), "..", "bench")
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)       # spawned workers inherit sys.path, so they find it too

import concurrency  # noqa: E402

PROCS, EVENTS, COALITIONS = 4, 300, 100


def test_concurrent_appends_lose_nothing_and_keep_one_chain(db_url):
    concurrency.prepare(db_url, COALITIONS)
    figures = concurrency.run(db_url, PROCS, EVENTS, COALITIONS, timeout=600)
    print(f"\n{db_url.split(':')[0]}: {PROCS} x {EVENTS} appends in {figures['seconds']:.1f} s "
          f"({figures['per_second']:.0f}/s)")
    assert figures["errors"] == []          # no "database is locked", no deadlock, no conflict
    assert figures["exitcodes"] == [0] * PROCS
    result = concurrency.check(db_url, PROCS, EVENTS, COALITIONS)
    assert result["problems"] == []
    assert result["appended_by_workers"] == PROCS * EVENTS
    assert result["events_in_ledger"] == PROCS * EVENTS
