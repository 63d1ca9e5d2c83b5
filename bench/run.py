"""Benchmark of the ledger on synthetic data: python bench/run.py [--workload own|issue|both]
[--sizes 10000,100000] [--quick].

For each workload (bench/workload.py: this benchmark's own generator, and issue 19's shape) and
size it generates a deterministic JSON Lines file, imports it in a child process and measures:
import rate, peak memory of the import, asof/diff latency through the Python API,
`Ledger.rebuild()` and the database size. Beside each of these it gives two plain-sqlite3
references built from the same file (bench/reference.py: a spells table built in SQL, and a
per-actor index seek) and the ratio ledger / reference, and the floor of an import (the ledger's
own rows written again by bare `executemany`). It checks the ledger's asof answers against the
plain replay (`state.records_at` over `effects.expand`) and against the references (the probe
check), and exits 1 on any mismatch. Once per run it times a cold `ledger asof` process on the
bundled data. The ledger is used only through `Ledger`'s public methods, so that the benchmark does
not depend on the storage's tables. See bench/README.md.
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
from datetime import date, timedelta

from reference import NAMES as REFERENCES, peak_rss_kb
from workload import GENERATORS, CoalitionInfo, Generated, N_ACTORS

PROBES = 50          # asof probes per workload and size compared with the plain references


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


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (a rebuild's workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_child(cmd: list[str]) -> dict:
    """Run a child process that prints one JSON line last; its measurements."""
    done = subprocess.run([sys.executable] + cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_import(url: str, path: str, profile: str | None) -> dict:
    return run_child([os.path.abspath(__file__), "_import", url, path] + ([profile] if profile else []))


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


def day_pairs(days: list[date]) -> list[tuple[date, date]]:
    """The diff periods: each probe day with the next one, in order."""
    pairs = [(days[i], days[(i + 1) % len(days)]) for i in range(len(days))]
    return [(min(a, b), max(a, b)) for a, b in pairs]


def query_latencies(ledger, info: CoalitionInfo, days: list[date]) -> dict:
    first = None
    if isinstance(getattr(ledger, "_views", None), dict):
        first = latency(lambda d: first_asof(ledger, d, info.id), [(d,) for d in days[:20]])
    return {"asof": latency(lambda d: ledger.asof(d, info.id), [(d,) for d in days]),
            "diff": latency(lambda a, b: ledger.diff(a, b, info.id), day_pairs(days)),
            "asof_first": first}


def first_asof(ledger, day: date, coalition: str):
    """An asof as the first question after a change of the ledger: the in-memory view of the
    coalition is built again from the spells table (see ledger/view.py). This reaches into the
    ledger's cache (no public call empties it), so the figure is left out (None) once the cache
    lives elsewhere."""
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


# -- the plain-sqlite3 references (bench/reference.py) ---------------------------------------------

def run_reference(kind: str, db: str, data: str) -> dict:
    """Build one reference from the JSONL file in a child process (its own peak memory)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.py")
    return run_child([script, kind, db, data])


def reference_latencies(conn: sqlite3.Connection, kind: str, info: CoalitionInfo,
                        days: list[date]) -> dict:
    import reference
    return {"asof": latency(lambda d: reference.asof(conn, kind, info.id, d), [(d,) for d in days]),
            "diff": latency(lambda a, b: reference.diff(conn, kind, info.id, a, b), day_pairs(days))}


def probe_check(ledger, refs: dict, gen: Generated, rng: random.Random, workload: str) -> dict:
    """PROBES asof answers of the ledger against each reference's, on the same coalition and day:
    the set of actors in. Where the references' rule falls short of the ledger's (bench/reference.py)
    nothing is compared: actors with an imprecisely dated membership event in the coalition, and
    those the ledger marks uncertain, are left out of both sets (none in the issue workload, whose
    dates are exact); the days run from each coalition's start (the ledger moves an effect dated to
    an interval reaching back before the start to the start); and in the own workload only military
    coalitions are probed (its treaties withdraw instruments before the treaty is in force for the
    state, which leaves a signatory in)."""
    import reference
    kinds = ["military", "treaty"] if workload == "issue" else ["military"]
    chosen = []
    for kind in kinds:                 # as many coalitions of each kind probed, 10 in all
        of_kind = [c for c in gen.coalitions if c.kind == kind]
        chosen += rng.sample(of_kind, min(10 // len(kinds), len(of_kind)))
    any_ref = next(iter(refs.values()))
    probes = mismatches = members = left_out = 0
    examples = []
    for i in range(PROBES):
        info = chosen[i % len(chosen)]
        day = info.first + timedelta(days=rng.randrange((info.last - info.first).days + 200))
        answer = ledger.asof(day, info.id).members
        skip = {m.actor for m in answer if m.uncertain} | reference.imprecise(any_ref, info.id)
        got = {m.actor for m in answer} - skip
        probes, members, left_out = probes + 1, members + len(got), left_out + len(skip)
        wrong = {kind: reference.asof(conn, kind, info.id, day) - skip for kind, conn in refs.items()}
        wrong = {kind: want for kind, want in wrong.items() if want != got}
        mismatches += bool(wrong)
        for kind, want in wrong.items():
            if len(examples) < 3:
                examples.append({"reference": kind, "coalition": info.id, "day": day.isoformat(),
                                 "reference_only": sorted(want - got)[:3],
                                 "ledger_only": sorted(got - want)[:3]})
    return {"probes": probes, "mismatches": mismatches, "members_compared": members,
            "actors_left_out": left_out, "examples": examples}


def reference_store(db: str, path: str, events: int) -> dict:
    """The floor of an import: the rows the ledger stored (events already validated, digested and
    chained; spells already replayed) written again by plain `executemany` into a fresh database
    with the same tables, indexes and settings, in one transaction. Only the writing is timed.
    Every table is copied as it is, whatever the schema, so this needs no names of tables."""
    if os.path.exists(path):
        os.remove(path)
    src = sqlite3.connect(db)
    dst = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536"):
        dst.execute(f"PRAGMA {pragma}")      # what the ledger sets (ledger/store.py)
    tables = [name for (name,) in src.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for (ddl,) in src.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE"
                              " 'sqlite_%' ORDER BY type != 'table'"):   # then indexes, triggers
        dst.execute(ddl)
    seconds, rows = 0.0, 0
    dst.execute("BEGIN")
    for table in tables:
        cur = src.execute(f'SELECT * FROM "{table}"')
        marks = ", ".join("?" * len(cur.description))
        while chunk := cur.fetchmany(5000):
            started = time.perf_counter()
            dst.executemany(f'INSERT INTO "{table}" VALUES ({marks})', chunk)
            seconds += time.perf_counter() - started
            rows += len(chunk)
    started = time.perf_counter()
    dst.execute("COMMIT")
    seconds += time.perf_counter() - started
    src.close()
    dst.close()
    os.remove(path)
    return {"seconds": seconds, "rows": rows, "events_per_s": events / seconds}


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


def bench_size(workload: str, size: int, args, workdir: str) -> dict:
    from ledger import Ledger
    rng = random.Random(args.seed + size)
    name = f"{workload}-{size}"
    data = os.path.join(workdir, f"synthetic-{name}.jsonl")
    db = os.path.join(workdir, f"ledger-{name}.sqlite")
    for stale in (db, db + "-wal", db + "-shm"):
        if os.path.exists(stale):
            os.remove(stale)
    gen_s, gen = timed(lambda: GENERATORS[workload](data, size, args.seed))
    log(f"[{name}] generated {gen.events} events, {len(gen.coalitions)} coalitions, "
        f"{gen.sources} sources in {gen_s:.1f}s")
    profile = os.path.join(workdir, f"import-{name}.prof") if args.profile else None
    imp = run_import(f"sqlite:///{db}", data, profile)
    imp["events_per_s"] = imp["new"] / imp["seconds"]
    log(f"[{name}] imported in {imp['seconds']:.1f}s")

    floor = reference_store(db, os.path.join(workdir, f"floor-{name}.sqlite"), imp["new"])
    log(f"[{name}] its rows written again by plain executemany in {floor['seconds']:.1f}s")

    refs, conns = {}, {}
    for kind in REFERENCES:
        ref_db = os.path.join(workdir, f"reference-{kind}-{name}.sqlite")
        refs[kind] = run_reference(kind, ref_db, data)
        refs[kind]["db_mb"] = db_size_mb(ref_db)
        conns[kind] = sqlite3.connect(ref_db)
    log(f"[{name}] references loaded in " +
        ", ".join(f"{refs[k]['seconds']:.1f}s ({k})" for k in REFERENCES))

    ledger = Ledger.open(f"sqlite:///{db}", bundled_data=False)
    target = next(c for c in gen.coalitions if c.kind == "military")
    days = probe_days(rng, target, args.calls)
    queries = query_latencies(ledger, target, days)
    for kind, conn in conns.items():
        refs[kind].update(reference_latencies(conn, kind, target, days))
    cpu0 = cpu_seconds()
    rebuild_s, spells = timed(ledger.rebuild)
    rebuild_cpu = cpu_seconds() - cpu0
    log(f"[{name}] queries done; rebuild {rebuild_s:.1f}s")
    check = replay_mismatches(ledger, gen, rng, args.check_coalitions, args.check_days)
    probes = probe_check(ledger, conns, gen, rng, workload)
    ledger.close()
    for conn in conns.values():
        conn.close()

    result = {
        "workload": workload, "size": size, "events": gen.events, "coalitions": len(gen.coalitions),
        "actors": N_ACTORS, "sources": gen.sources, "imprecise_dates": gen.imprecise,
        "event_types": dict(sorted(gen.types.items())), "generate_s": gen_s,
        "import": imp, "reference_store": floor, "query_coalition": target.id,
        "asof": queries["asof"], "diff": queries["diff"], "asof_first": queries["asof_first"],
        "rebuild_s": rebuild_s, "rebuild_cpu_s": rebuild_cpu, "spells": spells,
        "db_mb": db_size_mb(db), "replay_check": check, "probe_check": probes, "references": refs,
    }
    result["ratios"] = {kind: {fig: value(result) / value(ref)
                               for fig, (_, value, _) in COMPARED.items() if value(ref)}
                        for kind, ref in refs.items()}
    return result


# -- output ---------------------------------------------------------------------------------------

# The figures given for the ledger and for each reference: how to read one from a result (the
# ledger's) or from a reference's record, and how to print it. Ratios are ledger / reference.
COMPARED = {
    "import_events_per_s": ("import (events/s)", lambda r: (r.get("import") or r)["events_per_s"], "{:,.0f}"),
    # on a busy machine the wall time grows with the load, the CPU time much less
    "import_cpu_s": ("import CPU (s)", lambda r: (r.get("import") or r)["cpu_seconds"], "{:.2f}"),
    "asof_median_ms": ("asof median (ms)", lambda r: r["asof"]["median_ms"], "{:.3f}"),
    "diff_median_ms": ("diff median (ms)", lambda r: r["diff"]["median_ms"], "{:.3f}"),
    "db_mb": ("database (MB)", lambda r: r["db_mb"], "{:.1f}"),
    "import_peak_rss_mb": ("import peak RSS (MB)", lambda r: (r.get("import") or r)["peak_rss_mb"], "{:.0f}"),
}

# The ledger's figures that have no reference.
LEDGER_ONLY = [
    ("import wall (s)", lambda r: f"{r['import']['seconds']:.1f}"),
    ("  its rows by plain executemany (ev/s)", lambda r: f"{r['reference_store']['events_per_s']:,.0f}"),
    ("  import base RSS (MB)", lambda r: f"{r['import']['base_rss_mb']:.0f}"),
    ("  each rebuild worker (MB)", lambda r: f"{r['import']['workers_peak_rss_mb']:.0f}" if r['import']['workers_peak_rss_mb'] else "none"),
    ("asof / diff p95 (ms)", lambda r: f"{r['asof']['p95_ms']:.2f} / {r['diff']['p95_ms']:.2f}"),
    ("asof first after a change (ms)", lambda r: f"{r['asof_first']['median_ms']:.1f}" if r["asof_first"] else "n/a"),
    ("rebuild wall / CPU (s)", lambda r: f"{r['rebuild_s']:.1f} / {r['rebuild_cpu_s']:.1f}"),
    ("spells", lambda r: f"{r['spells']:,}"),
    ("replay mismatches", lambda r: f"{r['replay_check']['mismatches']} / {r['replay_check']['probes']} probes"),
    ("probe mismatches (vs references)", lambda r: f"{r['probe_check']['mismatches']} / {r['probe_check']['probes']} probes"
                                                   f" ({r['probe_check']['members_compared']:,} members)"),
]


def grid(rows: list[list[str]]) -> list[str]:
    """Rows of cells as text: the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
            for row in rows]


def block(r: dict) -> str:
    """One workload at one size: each compared figure for the ledger, each reference and the
    ratio, then the ledger's other figures."""
    title = (f"{r['workload']} workload, {r['events']:,} events ({r['coalitions']:,} coalitions, "
             f"{r['actors']} actors, {r['sources']:,} sources); queries on {r['query_coalition']}")
    header = ["figure", "ledger"]
    for kind in REFERENCES:
        header += [kind, "ledger/" + kind]
    rows = [header]
    for fig, (label, value, fmt) in COMPARED.items():
        row = [label, fmt.format(value(r))]
        for kind in REFERENCES:
            ratio = r["ratios"][kind].get(fig)
            row += [fmt.format(value(r["references"][kind])),
                    f"{ratio:.2f}x" if ratio is not None else "-"]
        rows.append(row)
        if fig == "import_events_per_s":      # the references' database work alone: no ledger figure
            rows.append(["  without reading the file (ev/s)", "-"] + [
                cell for kind in REFERENCES
                for cell in (f"{r['references'][kind]['events_per_s_without_parsing']:,.0f}", "-")])
    lines = grid(rows)
    lines.insert(1, "-" * len(lines[0]))
    width = max(len(line) for line in lines)
    others = grid([[name, fmt(r)] for name, fmt in LEDGER_ONLY])
    return "\n".join([title] + lines + others + ["=" * width])


def table(results: list[dict], cli: dict | None) -> str:
    refs = "; ".join(f"{kind}: {text}" for kind, text in REFERENCES.items())
    lines = [f"references ({refs}); ratios are ledger / reference", ""]
    lines += [block(r) for r in results]
    if cli:
        lines.append(f"cold `ledger asof 2004-12-31 --coalition iraq` (bundled data): median "
                     f"{cli['median_s']:.2f}s, min {cli['min_s']:.2f}s over {cli['runs']} runs "
                     f"(first run, creating the database: {cli['first_run_s']:.2f}s)")
    for r in results:
        for check in ("replay_check", "probe_check"):
            for ex in r[check]["examples"]:
                lines.append(f"{check} mismatch, {r['workload']} at {r['size']}: {json.dumps(ex)}")
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark the ledger on synthetic data.")
    p.add_argument("--sizes", default="10000,100000,1000000",
                   help="comma-separated event counts (default: %(default)s)")
    p.add_argument("--workload", choices=["own", "issue", "both"], default="both",
                   help="own: this benchmark's generator; issue: issue 19's shape (default: %(default)s)")
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
    args.workloads = ["own", "issue"] if args.workload == "both" else [args.workload]
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    workdir = args.workdir or tempfile.mkdtemp(prefix="ledger-bench-")
    os.makedirs(workdir, exist_ok=True)
    try:
        results = [bench_size(workload, size, args, workdir)
                   for workload in args.workloads for size in args.sizes]
        cli = cold_cli(args.cli_runs) if args.cli_runs > 0 else None
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps({"results": results, "cold_cli": cli, "seed": args.seed}, indent=2))
    else:
        print(table(results, cli))
    return 1 if any(r["replay_check"]["mismatches"] or r["probe_check"]["mismatches"]
                    for r in results) else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_import":      # the child of run_import
        child_import(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        sys.exit(main(sys.argv[1:]))
