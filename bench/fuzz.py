"""The long fuzz run: hostile event files of every class and format (tests/hostile_inputs.py)
imported one by one into one ledger.

    python bench/fuzz.py [--cases 10000] [--seed 0] [--database URL]

For each file: either it is imported, or it is refused with a LedgerError naming FILE:LINE and
nothing of it is in the ledger (every table of the log and the declarations, and the head, as
before). Anything else is a crash (a traceback), counted and shown with its seed. At the end the
chains verify, the spells match a replay, and it prints the cases, imported, refused, crashes,
partial appends and the peak memory of the process. Exit status 1 if any crash or partial append.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

import hostile_inputs  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from ledger import Ledger  # noqa: E402
from ledger.errors import LedgerError  # noqa: E402

TABLES = ("events", "sources", "source_ratings", "actors", "coalitions", "aliases", "declarations")


def counts(ledger: Ledger) -> tuple:
    with ledger.engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0, help="first seed (cases use seed, seed+1, ...)")
    parser.add_argument("--database", help="a ledger URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="ledger-fuzz-")
    url = args.database or f"sqlite:///{os.path.join(work, 'fuzz.sqlite')}"
    ledger = Ledger.open(url, bundled_data=False)
    ledger.import_file(os.path.join(HERE, "..", "tests", "data", "world.yaml"))
    tally: Counter = Counter()
    by_class: Counter = Counter()
    started = time.perf_counter()
    for seed in range(args.seed, args.seed + args.cases):
        cls, ext, raw = hostile_inputs.case(seed)
        path = os.path.join(work, f"case-{seed}.{ext}")
        with open(path, "wb") as handle:
            handle.write(raw)
        before = (counts(ledger), ledger.head())
        try:
            summary = ledger.import_file(path)
        except LedgerError as exc:
            tally["refused"] += 1
            by_class[cls, "refused"] += 1
            if not re.match(re.escape(path) + r":\d+: ", str(exc)):
                tally["unlocated"] += 1
                print(f"refused without FILE:LINE: seed {seed} ({cls}, {ext}): {str(exc)[:200]}")
            if (counts(ledger), ledger.head()) != before:
                tally["partial"] += 1
                print(f"PARTIAL: seed {seed} ({cls}, {ext}) left rows behind")
        except Exception as exc:  # noqa: BLE001  (a crash is what this run looks for)
            tally["crashes"] += 1
            print(f"CRASH: seed {seed} ({cls}, {ext}): {type(exc).__name__}: {str(exc)[:200]}")
        else:
            tally["imported"] += 1
            by_class[cls, "imported"] += 1
            if counts(ledger)[0] != before[0][0] + summary.new + summary.conflicting:
                tally["partial"] += 1
                print(f"PARTIAL: seed {seed} ({cls}, {ext}) appended other than it reported")
        os.unlink(path)
    seconds = time.perf_counter() - started
    verified = ledger.verify(deep=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cases {args.cases:,} (seeds {args.seed}..{args.seed + args.cases - 1}) on "
          f"{ledger.engine.dialect.name} in {seconds:.0f} s")
    print(f"imported {tally['imported']:,}, refused {tally['refused']:,} "
          f"(without FILE:LINE: {tally['unlocated']}), crashes {tally['crashes']}, "
          f"partial {tally['partial']}, max RSS {peak:.0f} MB")
    print("by class (imported / refused): " + ", ".join(
        f"{c} {by_class[c, 'imported']}/{by_class[c, 'refused']}" for c in hostile_inputs.CLASSES))
    print(f"verify --deep: {'ok' if verified.ok else verified.reason}; {verified.events} events, "
          f"{verified.declarations} declarations, {verified.spells} spells")
    ledger.close()
    return 1 if tally["crashes"] or tally["partial"] or tally["unlocated"] or not verified.ok else 0


if __name__ == "__main__":
    sys.exit(main())
