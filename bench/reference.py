"""Plain sqlite3 references on the same events as the ledger (issue 19): what a hand-written schema
answers with stdlib `sqlite3` alone, with no hash chain, no sources, no uncertain dates, no treaty
rules but the withdrawal period, no corrections and no lenses. They bound what the ledger's storage
could reach, and their answers are checked against the ledger's (bench/run.py, probe check).

Both load the JSON Lines file the ledger imports into one plain `events` table (by `executemany`
from the parsed lines, in one transaction, with the ledger's pragmas), then:

- `spells`: "a spells table built in SQL": window functions turn each actor's membership events
  into in-intervals (valid_from, valid_to); asof is an indexed range query on that table.
- `seek`: "per-actor index seek": an index on (coalition, actor, effective day); asof takes the
  latest membership event of each actor on or before the day.

Diff is two asof lookups and their set differences.

The rule for who is in, as the ledger has it for exact dates: `join`, `sign_treaty` and `ratify`
put an actor in, from their date; `withdraw` takes it out on its date, `withdraw_treaty`
WITHDRAWAL_MONTHS after its notification (the month's last day if the day does not exist). An
imprecise date counts from its first day. The ledger says more than this (a state that withdraws
its instrument before the treaty is in force for it stays a signatory; an imprecise date makes an
actor uncertain, is narrowed by the actor's other events or disputes another date of the same
fact): the probe check compares only where this rule holds (bench/README.md).

Run as a script (by bench/run.py, in a child process, so that its peak memory is its own):
    python bench/reference.py KIND DATABASE FILE.jsonl   ->  one JSON line: seconds, events, peak RSS
It imports neither the ledger nor anything outside the standard library (bench/workload.py neither),
so that the child's memory is that of the reference alone.
"""
from __future__ import annotations

import json
import os
import resource
import sqlite3
import sys
import time
from datetime import date

from workload import WITHDRAWAL_MONTHS

NAMES = {"spells": "plain sqlite3, spells table built in SQL",
         "seek": "plain sqlite3, per-actor index seek"}
PRAGMAS = ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536")   # the ledger's

LATER = f"date(lo, '+{WITHDRAWAL_MONTHS} months')"
EVENTS = f"""
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,          -- the order of the file
    coalition TEXT NOT NULL,
    actor TEXT,
    type TEXT NOT NULL,
    date TEXT NOT NULL,
    source TEXT,
    payload TEXT,                     -- the event's other fields (troops, mode, id, ...) as JSON
    -- the first day the date may stand for: '2004' is '2004-01-01', '2004-03' is '2004-03-01'
    lo TEXT GENERATED ALWAYS AS (CASE length(date) WHEN 4 THEN date || '-01-01'
                                 WHEN 7 THEN date || '-01' ELSE date END) VIRTUAL,
    -- 1: puts the actor in, 0: takes it out, NULL: no membership event
    member INTEGER GENERATED ALWAYS AS (CASE WHEN type IN ('join', 'sign_treaty', 'ratify') THEN 1
                                        WHEN type IN ('withdraw', 'withdraw_treaty') THEN 0
                                        END) VIRTUAL,
    -- the day it takes effect: a treaty withdrawal's period later (SQLite's date() rolls 31 August
    -- + 6 months over to 3 March; the ledger, like the treaties, takes the month's last day)
    effective TEXT GENERATED ALWAYS AS (CASE WHEN type != 'withdraw_treaty' THEN lo
        WHEN strftime('%d', {LATER}) = strftime('%d', lo) THEN {LATER}
        ELSE date({LATER}, 'start of month', '-1 day') END) VIRTUAL
)"""

BUILD = {
    # each actor's membership changes (an event that repeats the state it is in changes nothing),
    # each one lasting until the next: the in-intervals are the spells
    "spells": ["""
        CREATE TABLE spells (coalition TEXT NOT NULL, actor TEXT NOT NULL, valid_from TEXT NOT NULL,
                             valid_to TEXT)""", """
        INSERT INTO spells
        WITH ordered AS (
            SELECT coalition, actor, effective, member,
                   lag(member) OVER (PARTITION BY coalition, actor ORDER BY effective, seq) AS before
            FROM events WHERE member IS NOT NULL),
        changes AS (
            SELECT coalition, actor, effective, member,
                   lead(effective) OVER (PARTITION BY coalition, actor ORDER BY effective) AS next
            FROM ordered WHERE before IS NULL OR before != member)
        SELECT coalition, actor, effective, next FROM changes WHERE member = 1""",
        "CREATE INDEX spells_by_day ON spells (coalition, valid_from)"],
    "seek": ["CREATE INDEX events_by_actor ON events (coalition, actor, effective)"
             " WHERE member IS NOT NULL"],
}

ASOF = {
    # the spells that began by the day and had not ended: a range of the index, then a filter
    "spells": ("SELECT actor FROM spells WHERE coalition = :c AND valid_from <= :d"
               " AND (valid_to IS NULL OR valid_to > :d)"),
    # for each actor of the coalition, one seek for its latest membership event by the day
    "seek": """
        SELECT actor FROM (SELECT DISTINCT actor FROM events
                           WHERE coalition = :c AND member IS NOT NULL) AS a
        WHERE (SELECT member FROM events AS e
               WHERE e.coalition = :c AND e.actor = a.actor AND e.member IS NOT NULL
                 AND e.effective <= :d
               ORDER BY e.effective DESC, e.seq DESC LIMIT 1) = 1""",
}


def rows(path: str):
    """The file's events as rows, parsed as they are inserted (the ledger's import parses too)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            ev = json.loads(line)
            if ev.get("record", "event") != "event":
                continue
            cols = (ev.pop("coalition"), ev.pop("actor", None), ev.pop("type"), ev.pop("date"),
                    ev.pop("source", None))
            yield cols + (json.dumps(ev, separators=(",", ":")) if ev else None,)


def load(kind: str, db: str, path: str) -> dict:
    """Build reference `kind` in a new database `db` from the JSONL file; timed from reading the
    file to the commit."""
    for stale in (db, db + "-wal", db + "-shm"):
        if os.path.exists(stale):
            os.remove(stale)
    started, cpu0 = time.perf_counter(), cpu_seconds()
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(EVENTS)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO events (coalition, actor, type, date, source, payload)"
                     " VALUES (?, ?, ?, ?, ?, ?)", rows(path))
    for sql in BUILD[kind]:
        conn.execute(sql)
    conn.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu0
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    # Reading and parsing the file again, alone: the rate without it is that of the database work
    # only (the figures of issue 19's references look like that one)
    parse_started = time.perf_counter()
    for _ in rows(path):
        pass
    parse = time.perf_counter() - parse_started
    return {"seconds": seconds, "cpu_seconds": cpu, "events": events,
            "events_per_s": events / seconds, "peak_rss_mb": peak_rss_kb() / 1024,
            "parse_seconds": parse, "events_per_s_without_parsing": events / max(seconds - parse, 1e-9)}


def asof(conn: sqlite3.Connection, kind: str, coalition: str, day: date) -> set[str]:
    return {actor for (actor,) in conn.execute(ASOF[kind], {"c": coalition, "d": day.isoformat()})}


def diff(conn: sqlite3.Connection, kind: str, coalition: str, start: date, end: date
         ) -> tuple[set[str], set[str]]:
    """(joined, left) between the two days."""
    before, after = asof(conn, kind, coalition, start), asof(conn, kind, coalition, end)
    return after - before, before - after


def imprecise(conn: sqlite3.Connection, coalition: str) -> set[str]:
    """The actors with a membership event of the coalition dated imprecisely ('2004', '2004-03').
    The ledger narrows such a date by the actor's other events (a return comes after the
    withdrawal), or takes it as another source's date of a join it already has (a dispute); no
    plain rule says the same, so the probe check leaves these actors out."""
    return {actor for (actor,) in conn.execute(
        "SELECT DISTINCT actor FROM events WHERE coalition = ? AND member IS NOT NULL"
        " AND length(date) < 10", (coalition,))}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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


if __name__ == "__main__":
    print(json.dumps(load(*sys.argv[1:4])))
