"""Benchmark of the ledger on synthetic data: python bench/run.py [--sizes 10000,100000] [--quick].

For each size it generates a deterministic JSON Lines ledger (about 200 actors, one coalition per
~300 events), imports it in a child process and measures: import rate, peak memory of the import,
asof/diff latency through the Python API, `Ledger.rebuild()`, the database size, and two plain-SQL
references: the same rows written by bare `executemany` (the floor of an import) and asof. It also
checks the ledger's asof answers against the plain replay (`state.records_at` over
`effects.expand`). Once per run it times a cold `ledger asof` process on the bundled data. See
bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

N_ACTORS = 200
EVENTS_PER_COALITION = 300
TREATY_EVERY = 5                  # every 5th coalition is a treaty with treaty rules
SOURCES = {"s0": "2001-01-01", "s1": "2004-06-01", "s2": "2008-03-15", "s3": "2012"}
MEMBERSHIP = {"join": True, "withdraw": False, "sign_treaty": True, "ratify": True,
              "withdraw_treaty": False}          # what the reference counts: in (True) or out


# -- generating ----------------------------------------------------------------------------------

@dataclass
class CoalitionInfo:
    id: str
    kind: str
    first: date
    last: date


@dataclass
class Generated:
    path: str
    events: int = 0
    types: dict = field(default_factory=dict)
    imprecise: int = 0
    coalitions: list = field(default_factory=list)


class Writer:
    """Writes JSONL lines and counts what it wrote."""

    def __init__(self, handle, gen: Generated):
        self.handle, self.gen = handle, gen

    def line(self, obj: dict) -> None:
        self.handle.write(json.dumps(obj, separators=(",", ":")) + "\n")
        if obj.get("record", "event") == "event":
            self.gen.events += 1
            self.gen.types[obj["type"]] = self.gen.types.get(obj["type"], 0) + 1
            if len(obj["date"]) < 10:
                self.gen.imprecise += 1


def fuzzy(rng: random.Random, day: date) -> tuple[str, date]:
    """The date text (mostly exact, sometimes YYYY-MM or YYYY) and the last day it may stand for."""
    roll = rng.random()
    if roll < 0.03:
        return f"{day.year:04d}", date(day.year, 12, 31)
    if roll < 0.10:
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return f"{day.year:04d}-{day.month:02d}", nxt - timedelta(days=1)
    return day.isoformat(), day


def generate(path: str, size: int, seed: int) -> Generated:
    rng = random.Random(seed)
    gen = Generated(path)
    n_coalitions = max(1, round(size / EVENTS_PER_COALITION))
    actors = [f"a{i:03d}" for i in range(N_ACTORS)]
    with open(path, "w", encoding="utf-8") as handle:
        out = Writer(handle, gen)
        for sid, published in SOURCES.items():
            out.line({"record": "source", "id": sid, "title": f"Synthetic source {sid}",
                      "publisher": "Bench Wire", "url": f"https://example.org/{sid}",
                      "published": published})
        for aid in actors:
            out.line({"record": "actor", "id": aid, "name": f"Actor {aid[1:]}"})
        plans = []
        for i in range(n_coalitions):
            cid = f"c{i:05d}"
            kind = "treaty" if i % TREATY_EVERY == TREATY_EVERY - 1 else "military"
            start = date(1990 + rng.randrange(20), rng.randrange(1, 13), rng.randrange(1, 29))
            out.line(coalition_record(cid, kind, start))
            plans.append((cid, kind, start))
        for i, (cid, kind, start) in enumerate(plans):
            budget = size // n_coalitions + (1 if i < size % n_coalitions else 0)
            make = treaty_events if kind == "treaty" else military_events
            last = make(out, rng, cid, start, budget, actors)
            gen.coalitions.append(CoalitionInfo(cid, kind, start, last))
    return gen


def coalition_record(cid: str, kind: str, start: date) -> dict:
    rec = {"record": "coalition", "id": cid, "name": f"Synthetic coalition {cid}", "kind": kind,
           "start": start.isoformat(), "aliases": [f"alias of {cid}"]}
    if kind == "treaty":
        rule = {"threshold": 20, "days": 0, "months": 6, "first_of_month": True}
        rec["treaty"] = {"signature_open": {"from": start.isoformat(), "until": "entry_into_force"},
                         "entry_into_force": rule,
                         "later_states": {k: v for k, v in rule.items() if k != "threshold"},
                         "withdrawal": {"months": 6}}
    return rec


def military_events(out: Writer, rng: random.Random, cid: str, start: date, budget: int,
                    actors: list[str]) -> date:
    """Joins, troop changes, withdrawals, returns, announcements, and corrections of troop figures."""
    out.line({"type": "start", "coalition": cid, "date": start.isoformat(), "source": "s0"})
    members = rng.sample(actors, min(len(actors), max(2, budget // 5)))
    cursor = {a: start + timedelta(days=rng.randrange(0, 365)) for a in members}
    inside = {a: False for a in members}
    targets: list[tuple[str, int]] = []            # (id, troops) of events a correction may fix
    desk, last, n = date(2015, 1, 1), start, 1
    while n < budget:
        if targets and rng.random() < 0.03:
            ref, troops = rng.choice(targets)
            desk += timedelta(days=1)
            out.line({"type": "correct", "coalition": cid, "date": desk.isoformat(), "ref": ref,
                      "set": {"troops": troops + rng.randrange(1, 500)}, "source": "s3"})
            n += 1
            continue
        actor = rng.choice(members)
        day = cursor[actor] + timedelta(days=rng.randrange(5, 200))
        text, hi = fuzzy(rng, day)
        ev = {"coalition": cid, "actor": actor, "date": text, "source": rng.choice(["s0", "s1", "s2"])}
        if not inside[actor]:
            ev.update(type="join", troops=rng.randrange(10, 5000))
            inside[actor] = True
        else:
            roll = rng.random()
            if roll < 0.6:
                ev.update(type="commit_troops", troops=rng.randrange(10, 5000))
            elif roll < 0.7:
                ev.update(type="announce_withdrawal")
            else:
                ev.update(type="withdraw")
                inside[actor] = False
        if "troops" in ev and rng.random() < 0.15:
            ev["id"] = f"{cid}-e{n}"
            targets.append((ev["id"], ev["troops"]))
        out.line(ev)
        cursor[actor], last, n = hi + timedelta(days=1), max(last, hi), n + 1
    return last


def treaty_events(out: Writer, rng: random.Random, cid: str, start: date, budget: int,
                  actors: list[str]) -> date:
    """Signatures, ratifications (or accessions), some withdrawals; claims fill any spare budget."""
    out.line({"type": "start", "coalition": cid, "date": start.isoformat(), "source": "s0"})
    n, last = 1, start
    for actor in rng.sample(actors, len(actors)):
        day = start + timedelta(days=rng.randrange(0, 900))
        steps = ["sign_treaty", "ratify"] if rng.random() < 0.8 else ["ratify"]
        if rng.random() < 0.05:
            steps.append("withdraw_treaty")
        for step in steps:
            if n >= budget:
                return last
            text, hi = fuzzy(rng, day)
            ev = {"type": step, "coalition": cid, "actor": actor, "date": text, "source": "s1"}
            if step == "ratify":
                ev["mode"] = "ratification" if steps[0] == "sign_treaty" else "accession"
            out.line(ev)
            last, n = max(last, hi), n + 1
            day = hi + timedelta(days=rng.randrange(30, 1500))
    while n < budget:
        last += timedelta(days=1)
        out.line({"type": "count_claim", "coalition": cid, "date": last.isoformat(),
                  "count": rng.randrange(1, 200), "source": "s2"})
        n += 1
    return last


# -- the import, in a child process ---------------------------------------------------------------

def child_import(url: str, path: str, profile: str | None) -> None:
    """Run by the child: import one file and print timings and peak memory as JSON."""
    from ledger import Ledger
    ledger = Ledger.open(url, bundled_data=False)
    base_kb = peak_rss_kb()
    cpu0, started = cpu_seconds(), time.perf_counter()
    if profile:
        import cProfile
        prof = cProfile.Profile()
        summary = prof.runcall(ledger.import_file, path)
        prof.dump_stats(profile)
    else:
        summary = ledger.import_file(path)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu0
    peak_kb = peak_rss_kb()
    # the rebuild's worker processes, if any ran (forked: their RSS counts pages shared with this one)
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ledger.close()
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "new": summary.new,
                      "duplicate": summary.duplicate, "conflicting": summary.conflicting,
                      "base_rss_mb": base_kb / 1024, "peak_rss_mb": peak_kb / 1024,
                      "workers_peak_rss_mb": workers_kb / 1024}))


def peak_rss_kb() -> int:
    """This process's peak resident memory. On Linux ru_maxrss survives exec, so a child started by
    a big parent would report the parent's peak; /proc's VmHWM is the child's own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (a rebuild's workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_import(url: str, path: str, profile: str | None) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "_import", url, path] + ([profile] if profile else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"import failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- queries through the Python API ---------------------------------------------------------------

def probe_days(rng: random.Random, info: CoalitionInfo, count: int) -> list[date]:
    span = max(1, (info.last - info.first).days + 200)
    return [info.first + timedelta(days=rng.randrange(-100, span)) for _ in range(count)]


def latency(call, args: list) -> dict:
    """Median and p95 (ms) of warm calls: two warm-up calls, then one timed call per argument."""
    for a in args[:2]:
        call(*a)
    times = []
    for a in args:
        t0 = time.perf_counter()
        call(*a)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}


def query_latencies(ledger, info: CoalitionInfo, days: list[date]) -> dict:
    pairs = [(days[i], days[(i + 1) % len(days)]) for i in range(len(days))]
    return {"asof": latency(lambda d: ledger.asof(d, info.id), [(d,) for d in days]),
            "diff": latency(lambda a, b: ledger.diff(min(a, b), max(a, b), info.id), pairs),
            "asof_first": latency(lambda d: first_asof(ledger, d, info.id), [(d,) for d in days[:20]])}


def first_asof(ledger, day: date, coalition: str):
    """An asof as the first question after a change of the ledger: the in-memory view of the
    coalition is built again from the spells table (see ledger/view.py)."""
    ledger._views.clear()
    return ledger.asof(day, coalition)


def timed(call) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = call()
    return time.perf_counter() - t0, result


# -- correctness: the projection against the plain replay ------------------------------------------

def replay_mismatches(ledger, gen: Generated, rng: random.Random, coalitions: int, days: int) -> dict:
    from ledger.effects import expand
    from ledger.evidence import Evidence
    from ledger.state import IN, records_at
    sources = ledger.sources()
    published = Evidence({s.id: s.published for s in sources}, {s.id: s.tier for s in sources})
    chosen = rng.sample(gen.coalitions, min(coalitions, len(gen.coalitions)))
    probes = mismatches = 0
    examples = []
    for info in chosen:
        effects = expand(ledger.coalition(info.id), ledger.log(info.id), published)
        for day in probe_days(rng, info, days):
            want = {(r["actor"], r["status"], r["troops"], r["since"], r["uncertain"])
                    for r in records_at(effects, day).values() if r["status"] in IN}
            got = {(m.actor, m.status, m.troops, m.since, m.uncertain)
                   for m in ledger.asof(day, info.id).members}
            probes += 1
            if want != got:
                mismatches += 1
                if len(examples) < 3:
                    examples.append({"coalition": info.id, "day": day.isoformat(),
                                     "replay_only": sorted(map(str, want - got))[:3],
                                     "ledger_only": sorted(map(str, got - want))[:3]})
    return {"probes": probes, "mismatches": mismatches, "examples": examples}


# -- the plain-SQL reference ----------------------------------------------------------------------

def reference_spells(path: str) -> list[tuple]:
    """Spells by the simplest rule: an actor is in from a membership-in event until the next
    membership-out event (by the first day of each event's date; corrections ignored)."""
    from ledger.dates import parse_date
    timeline: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            ev = json.loads(line)
            if ev.get("record", "event") == "event" and ev["type"] in MEMBERSHIP:
                key = (ev["coalition"], ev["actor"])
                timeline.setdefault(key, []).append((parse_date(ev["date"]).lo.isoformat(),
                                                     MEMBERSHIP[ev["type"]]))
    rows = []
    for (cid, actor), items in timeline.items():
        items.sort()
        for i, (day, member) in enumerate(items):
            until = items[i + 1][0] if i + 1 < len(items) else None
            rows.append((cid, actor, day, until, int(member)))
    return rows


def reference_db(path: str, rows: list[tuple]) -> sqlite3.Connection:
    if os.path.exists(path):        # a kept --workdir from an earlier run
        os.remove(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE spells (coalition TEXT, actor TEXT, valid_from TEXT, valid_to TEXT,"
                 " member INTEGER)")
    conn.executemany("INSERT INTO spells VALUES (?, ?, ?, ?, ?)", rows)
    conn.execute("CREATE INDEX spells_by_coalition ON spells (coalition, valid_from)")
    conn.commit()
    return conn


def reference_store(db: str, path: str) -> dict:
    """The floor of an import: the rows the ledger stored (events already validated, digested and
    chained; spells already replayed) written again by plain `executemany` into a fresh database
    with the same tables, indexes and settings, in one transaction. Only the writing is timed."""
    if os.path.exists(path):
        os.remove(path)
    src = sqlite3.connect(db)
    dst = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536"):
        dst.execute(f"PRAGMA {pragma}")      # what the ledger sets (ledger/store.py)
    seconds, rows = 0.0, {}
    for table in ("events", "spells"):
        for (ddl,) in src.execute("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
                                  " ORDER BY type != 'table'", (table,)):   # then indexes, triggers
            dst.execute(ddl)
    dst.execute("BEGIN")
    for table in ("events", "spells"):
        cur = src.execute(f"SELECT * FROM {table}")
        marks = ", ".join("?" * len(cur.description))
        rows[table] = 0
        while chunk := cur.fetchmany(5000):
            started = time.perf_counter()
            dst.executemany(f"INSERT INTO {table} VALUES ({marks})", chunk)
            seconds += time.perf_counter() - started
            rows[table] += len(chunk)
    started = time.perf_counter()
    dst.execute("COMMIT")
    seconds += time.perf_counter() - started
    src.close()
    dst.close()
    os.remove(path)
    return {"seconds": seconds, "events": rows["events"], "spells": rows["spells"],
            "events_per_s": rows["events"] / seconds}


def reference_asof(conn: sqlite3.Connection, coalition: str, day: date) -> list:
    d = day.isoformat()
    return conn.execute("SELECT actor FROM spells WHERE coalition = ? AND valid_from <= ? AND "
                        "(valid_to IS NULL OR valid_to > ?) AND member = 1 ORDER BY actor",
                        (coalition, d, d)).fetchall()


# -- the whole CLI, cold, on the bundled data -------------------------------------------------------

def cli_command() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "ledger")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "ledger"]


def cold_cli(runs: int) -> dict:
    cmd = cli_command() + ["asof", "2004-12-31", "--coalition", "iraq"]
    with tempfile.TemporaryDirectory(prefix="ledger-cli-") as home:
        env = {k: v for k, v in os.environ.items() if k != "LEDGER_DATABASE_URL"}
        env["XDG_DATA_HOME"] = home
        first, _ = timed(lambda: subprocess.run(cmd, env=env, check=True, capture_output=True))
        times = []
        for _ in range(runs):
            seconds, _ = timed(lambda: subprocess.run(cmd, env=env, check=True, capture_output=True))
            times.append(seconds)
    return {"first_run_s": first, "median_s": statistics.median(times), "min_s": min(times),
            "runs": runs}


# -- one size -------------------------------------------------------------------------------------

def db_size_mb(db: str) -> float:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)) / 2**20


def bench_size(size: int, args, workdir: str) -> dict:
    from ledger import Ledger
    rng = random.Random(args.seed + size)
    data = os.path.join(workdir, f"synthetic-{size}.jsonl")
    db = os.path.join(workdir, f"ledger-{size}.sqlite")
    for stale in (db, db + "-wal", db + "-shm"):
        if os.path.exists(stale):
            os.remove(stale)
    gen_s, gen = timed(lambda: generate(data, size, args.seed))
    log(f"[{size}] generated {gen.events} events, {len(gen.coalitions)} coalitions in {gen_s:.1f}s")
    profile = os.path.join(workdir, f"import-{size}.prof") if args.profile else None
    imp = run_import(f"sqlite:///{db}", data, profile)
    log(f"[{size}] imported in {imp['seconds']:.1f}s")

    floor = reference_store(db, os.path.join(workdir, f"floor-{size}.sqlite"))
    log(f"[{size}] its rows written again by plain executemany in {floor['seconds']:.1f}s")

    ledger = Ledger.open(f"sqlite:///{db}", bundled_data=False)
    target = next(c for c in gen.coalitions if c.kind == "military")
    days = probe_days(rng, target, args.calls)
    queries = query_latencies(ledger, target, days)
    cpu0 = cpu_seconds()
    rebuild_s, spells = timed(ledger.rebuild)
    rebuild_cpu = cpu_seconds() - cpu0
    log(f"[{size}] queries done; rebuild {rebuild_s:.1f}s")
    check = replay_mismatches(ledger, gen, rng, args.check_coalitions, args.check_days)
    ledger.close()

    ref = reference_db(os.path.join(workdir, f"reference-{size}.sqlite"), reference_spells(data))
    ref_asof = latency(lambda d: reference_asof(ref, target.id, d), [(d,) for d in days])
    ref.close()
    return {
        "size": size, "events": gen.events, "coalitions": len(gen.coalitions), "actors": N_ACTORS,
        "imprecise_dates": gen.imprecise, "event_types": dict(sorted(gen.types.items())),
        "generate_s": gen_s, "import": {**imp, "events_per_s": imp["new"] / imp["seconds"]},
        "reference_store": floor,
        "query_coalition": target.id, "asof": queries["asof"], "diff": queries["diff"],
        "asof_first": queries["asof_first"],
        "reference_asof": ref_asof,
        "asof_ratio_ledger_over_reference": queries["asof"]["median_ms"] / ref_asof["median_ms"],
        "rebuild_s": rebuild_s, "rebuild_cpu_s": rebuild_cpu, "spells": spells,
        "db_mb": db_size_mb(db), "replay_check": check,
    }


# -- output ---------------------------------------------------------------------------------------

ROWS = [
    ("events", lambda r: f"{r['events']:,}"),
    ("coalitions / actors", lambda r: f"{r['coalitions']:,} / {r['actors']}"),
    ("import (events/s)", lambda r: f"{r['import']['events_per_s']:,.0f}"),
    ("  its rows by plain executemany (ev/s)", lambda r: f"{r['reference_store']['events_per_s']:,.0f}"),
    ("import wall / CPU (s)", lambda r: f"{r['import']['seconds']:.1f} / {r['import']['cpu_seconds']:.1f}"),
    ("import peak RSS (MB)", lambda r: f"{r['import']['peak_rss_mb']:.0f} (base {r['import']['base_rss_mb']:.0f})"),
    ("  each rebuild worker (MB)", lambda r: f"{r['import']['workers_peak_rss_mb']:.0f}" if r['import']['workers_peak_rss_mb'] else "none"),
    ("asof median / p95 (ms)", lambda r: f"{r['asof']['median_ms']:.2f} / {r['asof']['p95_ms']:.2f}"),
    ("diff median / p95 (ms)", lambda r: f"{r['diff']['median_ms']:.2f} / {r['diff']['p95_ms']:.2f}"),
    ("asof first after a change (ms)", lambda r: f"{r['asof_first']['median_ms']:.1f}"),
    ("reference asof median (ms)", lambda r: f"{r['reference_asof']['median_ms']:.3f}"),
    ("asof ledger / reference", lambda r: f"{r['asof_ratio_ledger_over_reference']:.0f}x"),
    ("rebuild wall / CPU (s)", lambda r: f"{r['rebuild_s']:.1f} / {r['rebuild_cpu_s']:.1f}"),
    ("spells", lambda r: f"{r['spells']:,}"),
    ("database (MB)", lambda r: f"{r['db_mb']:.1f}"),
    ("replay mismatches", lambda r: f"{r['replay_check']['mismatches']} / {r['replay_check']['probes']} probes"),
]


def table(results: list[dict], cli: dict | None) -> str:
    header = ["size"] + [f"{r['size']:,}" for r in results]
    body = [[name] + [fmt(r) for r in results] for name, fmt in ROWS]
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
             for row in [header] + body]
    lines.insert(1, "-" * len(lines[0]))
    if cli:
        lines.append(f"\ncold `ledger asof 2004-12-31 --coalition iraq` (bundled data): median "
                     f"{cli['median_s']:.2f}s, min {cli['min_s']:.2f}s over {cli['runs']} runs "
                     f"(first run, creating the database: {cli['first_run_s']:.2f}s)")
    for r in results:
        for ex in r["replay_check"]["examples"]:
            lines.append(f"mismatch at size {r['size']}: {json.dumps(ex)}")
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark the ledger on synthetic data.")
    p.add_argument("--sizes", default="10000,100000,1000000",
                   help="comma-separated event counts (default: %(default)s)")
    p.add_argument("--quick", action="store_true", help="10,000 events only")
    p.add_argument("--seed", type=int, default=6, help="generator seed (default: %(default)s)")
    p.add_argument("--calls", type=int, default=200, help="warm calls per latency figure")
    p.add_argument("--check-coalitions", type=int, default=20, help="coalitions sampled for the replay check")
    p.add_argument("--check-days", type=int, default=10, help="days probed per sampled coalition")
    p.add_argument("--cli-runs", type=int, default=5, help="timed runs of the cold CLI (0: skip)")
    p.add_argument("--profile", action="store_true", help="cProfile the import; stats saved in the workdir")
    p.add_argument("--workdir", help="keep generated files and databases here (default: a temp dir, removed)")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = p.parse_args(argv)
    args.sizes = [10_000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    workdir = args.workdir or tempfile.mkdtemp(prefix="ledger-bench-")
    os.makedirs(workdir, exist_ok=True)
    try:
        results = [bench_size(size, args, workdir) for size in args.sizes]
        cli = cold_cli(args.cli_runs) if args.cli_runs > 0 else None
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps({"results": results, "cold_cli": cli, "seed": args.seed}, indent=2))
    else:
        print(table(results, cli))
    return 1 if any(r["replay_check"]["mismatches"] for r in results) else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_import":
        child_import(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        sys.exit(main(sys.argv[1:]))
