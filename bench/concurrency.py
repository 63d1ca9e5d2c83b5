"""Several processes appending to one ledger at once: nothing lost, nothing twice, no forks.

    python bench/concurrency.py [--database URL] [--procs 8] [--events 2000]

Without --database it uses a fresh SQLite file in a temporary directory; with a PostgreSQL URL it
appends to that database (use an empty one: the check expects only what the workers wrote).
Each worker appends its events one `Ledger.append` (one transaction) at a time, all workers
starting together. Afterwards: every event is there exactly once, seq runs 1..N without gaps,
`verify()` passes and the stored projection gives the same answers as a plain replay.
tests/test_concurrency.py runs the same code, smaller.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time
import traceback
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
WORLD = os.path.join(HERE, "..", "tests", "data", "world.yaml")
ACTORS = [f"a{n}" for n in range(60)]
COALITIONS = 200      # the events are spread over this many coalitions (see below)

# Every append rebuilds the touched coalition's projection from its whole log (inside the write
# lock), at a cost that grows faster than linearly with that coalition's events per actor. Piling
# 16,000 events onto one coalition would measure that rebuild, not concurrency, so the events are
# spread over COALITIONS coalitions and ACTORS actors, a few dozen events per coalition.


def event(worker: int, i: int, coalitions: int = COALITIONS) -> dict:
    """The i-th event of one worker: deterministic, with an id that names both."""
    rnd = random.Random(worker * 1_000_003 + i)
    kind = rnd.choice(("join", "commit_troops", "commit_troops", "withdraw"))
    day = date(2003, 3, 20) + timedelta(days=rnd.randrange(0, 3000))
    text = day.isoformat() if rnd.random() > 0.1 else day.isoformat()[:7]   # some month-only dates
    fields = {"actor": rnd.choice(ACTORS), "source": rnd.choice(("s1", "s2", "s3")),
              "id": f"w{worker}-{i}"}
    if kind == "commit_troops" or (kind == "join" and rnd.random() < 0.5):
        fields["troops"] = rnd.randrange(1, 200_000)
    return {"type": kind, "coalition": f"c{rnd.randrange(coalitions)}", "date": text, **fields}


def worker(url: str, number: int, count: int, coalitions: int, go, results) -> None:
    from ledger import Ledger
    errors, started = [], time.perf_counter()
    try:
        ledger = Ledger.open(url, bundled_data=False)
        go.wait()
        for i in range(count):
            e = dict(event(number, i, coalitions))
            try:
                ledger.append(e.pop("type"), e.pop("coalition"), e.pop("date"), **e)
            except Exception as exc:          # reported, never retried: the check counts losses
                errors.append(f"event {i}: {type(exc).__name__}: {exc}")
        ledger.close()
    except Exception:
        errors.append(traceback.format_exc())
    results.put((number, time.perf_counter() - started, errors))


def prepare(url: str, coalitions: int = COALITIONS) -> None:
    """The test world (sources s1..s3) plus the actors and military coalitions the workers use."""
    from ledger import Ledger
    from ledger.files import Record
    ledger = Ledger.open(url, bundled_data=False)
    ledger.import_file(WORLD)
    records = [Record("actor", {"id": a, "name": f"Actor {a}"}, "<bench>", 0) for a in ACTORS]
    records += [Record("coalition", {"id": f"c{n}", "name": f"Coalition {n}", "kind": "military"},
                       "<bench>", 0) for n in range(coalitions)]
    ledger.import_records(records, "<bench>")
    ledger.close()


def run(url: str, procs: int, count: int, coalitions: int = COALITIONS,
        timeout: float = 3600) -> dict:
    """Start `procs` workers appending `count` events each; return figures and the workers' errors."""
    ctx = multiprocessing.get_context("spawn")
    go, results = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=worker, args=(url, n, count, coalitions, go, results)) for n in range(procs)]
    for p in workers:
        p.start()
    time.sleep(0.5)
    started = time.perf_counter()
    go.set()
    reports = []
    try:
        for _ in workers:
            reports.append(results.get(timeout=timeout))
    finally:
        for p in workers:                       # never leave a worker behind
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
    elapsed = time.perf_counter() - started
    for p in workers:
        p.join()
    errors = [f"worker {n}: {e}" for n, _, errs in reports for e in errs]
    exitcodes = [p.exitcode for p in workers]
    return {"procs": procs, "events": procs * count, "seconds": elapsed,
            "per_second": procs * count / elapsed if elapsed else 0.0,
            "errors": errors, "exitcodes": exitcodes}


def check(url: str, procs: int, count: int, coalitions: int = COALITIONS, samples: int = 40) -> dict:
    """Nothing lost or duplicated, seq 1..N, the chain verifies, projection == replay."""
    import sqlalchemy as sa
    from ledger import Ledger, projection, schema, store
    from ledger.state import IN, records_at

    ledger = Ledger.open(url, bundled_data=False)
    try:
        with store.reading(ledger.engine) as conn:
            log = schema.event_log       # ids as the events give them (derived ones too)
            rows = conn.execute(sa.select(log.c.seq, log.c.eid)
                                .order_by(log.c.seq)).all()
        seqs = [r.seq for r in rows]
        eids = [r.eid for r in rows]
        expected = {f"w{w}-{i}" for w in range(procs) for i in range(count)}
        ours = [e for e in eids if e in expected]
        problems = []
        if len(ours) != len(set(ours)):
            problems.append(f"{len(ours) - len(set(ours))} event(s) appended twice")
        if expected - set(ours):
            problems.append(f"{len(expected - set(ours))} event(s) lost")
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append("seq does not run 1..N without gaps")
        verification = ledger.verify()
        if not verification.ok or verification.events != len(seqs):
            problems.append(f"verify failed: {verification.reason}")
        rnd = random.Random(len(seqs))
        days = [date(2003, 1, 1) + timedelta(days=rnd.randrange(0, 3400)) for _ in range(samples)]
        picked = [f"c{rnd.randrange(coalitions)}" for _ in days]
        for day, cid in zip(days, picked):
            with store.reading(ledger.engine) as conn:
                replay = records_at(ledger._effects(conn, cid), day)
                stored = projection.records_at(conn, cid, day)
            if stored != replay:
                problems.append(f"{cid}: projection differs from replay on {day}")
            asof = ledger.asof(day, cid)
            shown = {m.actor: (m.status, m.troops, m.uncertain) for m in asof.members}
            want = {a: (r["status"], r["troops"], r["uncertain"])
                    for a, r in replay.items() if r["status"] in IN}
            if shown != want:
                problems.append(f"{cid}: asof differs from replay on {day}")
        return {"events_in_ledger": len(seqs), "appended_by_workers": len(ours),
                "sampled_days": len(days), "problems": problems}
    finally:
        ledger.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="URL (default: a fresh SQLite file)")
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--events", type=int, default=2000, help="events per process")
    parser.add_argument("--coalitions", type=int, default=COALITIONS,
                        help="coalitions the events are spread over")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{os.path.join(tmp, 'ledger.sqlite')}"
        prepare(url, args.coalitions)
        figures = run(url, args.procs, args.events, args.coalitions)
        result = check(url, args.procs, args.events, args.coalitions)
    from ledger.store import redact
    print(f"{redact(url)}: {figures['procs']} processes x {args.events} events = "
          f"{figures['events']} appends in {figures['seconds']:.1f} s "
          f"({figures['per_second']:.0f}/s); {len(figures['errors'])} error(s)")
    print(f"ledger holds {result['events_in_ledger']} events, {result['appended_by_workers']} "
          f"from the workers; projection checked on {result['sampled_days']} days")
    for line in figures["errors"][:20] + result["problems"]:
        print("  " + line.strip().splitlines()[-1])
    ok = not figures["errors"] and not result["problems"] and set(figures["exitcodes"]) == {0}
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
