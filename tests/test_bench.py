"""The small version of bench/run.py's checks: its generators are deterministic and load, and the
plain-sqlite3 references (bench/reference.py) answer asof as the ledger does where they claim to."""
import filecmp
import os
import random
import sqlite3
import sys

BENCH = os.path.join(os.path.dirname(__file__), "..", "bench")
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)

import reference  # noqa: E402
import run  # noqa: E402
import workload  # noqa: E402

from ledger import Ledger  # noqa: E402


def test_the_issue_workload_is_deterministic_and_out_of_valid_time_order(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    gen = workload.generate_issue(str(a), 3000, seed=1)
    workload.generate_issue(str(b), 3000, seed=1)
    assert filecmp.cmp(a, b, shallow=False)
    assert gen.events == 3000 and gen.imprecise == 0
    assert {"join", "commit_troops", "withdraw", "sign_treaty", "ratify", "withdraw_treaty"} <= set(gen.types)
    assert {c.kind for c in gen.coalitions} == {"military", "treaty"}
    # every chunk has a source of its own, declared before its events
    seen, dates = set(), {}
    for line in a.read_text().splitlines():
        rec = run.json.loads(line)
        if rec.get("record") == "source":
            seen.add(rec["id"])
        elif rec.get("record", "event") == "event":
            assert rec["source"] in seen
            dates.setdefault(rec["coalition"], []).append(rec["date"])
    assert len(seen) == gen.sources > 1
    assert any(d != sorted(d) for d in dates.values())


def test_the_references_agree_with_the_ledger_on_both_workloads(tmp_path):
    for name, size in (("own", 1000), ("issue", 2500)):
        data = str(tmp_path / f"{name}.jsonl")
        gen = workload.GENERATORS[name](data, size, 3)
        ledger = Ledger.open(f"sqlite:///{tmp_path / name}.sqlite", bundled_data=False)
        assert ledger.import_file(data).new == size
        conns = {}
        for kind in reference.NAMES:
            db = str(tmp_path / f"{name}-{kind}.sqlite")
            assert reference.load(kind, db, data)["events"] == size
            conns[kind] = sqlite3.connect(db)
        check = run.probe_check(ledger, conns, gen, random.Random(0), name)
        assert check["mismatches"] == 0, check["examples"]
        assert check["members_compared"] > 0
        ledger.close()
        for conn in conns.values():
            conn.close()
