"""`asof` on an SQLite ledger with the standard library only.

A command-line `ledger asof` spends most of its time importing SQLAlchemy. When the database is an
SQLite file at the current schema, the bundled data is in and the projection is current, this module
answers from the spells table directly and the process never imports SQLAlchemy or alembic.
Anything else — another database, an unknown name (which wants "did you mean"), a stale schema or
projection — returns None and the caller takes the full path, which gives the same answer
(`tests/test_fastread.py`).
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import date

from .location import read_only_uri
from .dates import parse_date
from .results import AsOf
from .schema_revision import SCHEMA_REVISION
from . import spellrows
from .eventrows import day_number
from .state import IN, RECORD_FORMAT
from .summary import OUT, summarise


def sqlite_path(url: str) -> str | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix):]
    return path if path and path != ":memory:" and os.path.exists(path) else None


def asof(url: str, coalition: str, day: date, *, bundled: bool | None = True) -> AsOf | None:
    path = sqlite_path(url)
    if path is None:
        return None
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error:
        return None
    try:
        return answer(con, coalition, day, bundled)
    finally:
        con.close()


def answer(con, coalition: str, day: date, bundled: bool = False) -> AsOf | None:
    """The answer from an open sqlite3 connection, or None where the full path must answer."""
    try:
        return _asof(con, coalition, day, bundled)
    except sqlite3.Error:
        return None


def _one(con, sql: str, *args):
    row = con.execute(sql, args).fetchone()
    return row[0] if row else None


def _asof(con, coalition: str, day: date, bundled: bool) -> AsOf | None:
    if _one(con, "SELECT version_num FROM alembic_version") != SCHEMA_REVISION:
        return None
    meta = dict(con.execute("SELECT key, value FROM ledger_meta").fetchall())
    if meta.get("projection_seq") != str(_one(con, "SELECT coalesce(max(seq), 0) FROM events")):
        return None
    if meta.get("projection_format") != RECORD_FORMAT:
        return None
    # bundled None: as the ledger was started (with the bundle, or declined); True: with it
    wants_bundle = bundled or (bundled is None and meta.get("bundle") != "declined")
    if wants_bundle:
        from .bundled import fingerprint
        if meta.get("bundle") != fingerprint():
            return None         # the bundle is to be (re)loaded: the library does that
    cid = _one(con, "SELECT id FROM coalitions WHERE id = ?", coalition) or _one(
        con, "SELECT target FROM aliases WHERE namespace = 'coalition' AND alias = ?",
        " ".join(coalition.casefold().split()))
    if cid is None:
        return None
    name, kind = con.execute("SELECT name, kind FROM coalitions WHERE id = ?", (cid,)).fetchone()
    d = day.isoformat()
    n = day_number(day)
    rows = con.execute(f"SELECT {', '.join(spellrows.COLUMNS)} FROM spells WHERE coalition = "
                       "(SELECT id FROM terms WHERE text = ?) AND valid_from <= ? AND "
                       "(valid_to IS NULL OR valid_to > ?)", (cid, n, n)).fetchall()
    text = _lookup(con, "SELECT id, text FROM terms WHERE id IN ({})", spellrows.term_ids(rows),
                   lambda row: row[1])
    recs = {}
    for row in rows:
        actor, _, _, rec = spellrows.record(row, text)
        recs[actor] = rec
    listed = [r for r in recs.values() if r["status"] in IN]
    names = _lookup(con, "SELECT id, name FROM actors WHERE id IN ({})",
                    {r["actor"] for r in recs.values() if r["status"] in IN + OUT},
                    lambda row: row[1])
    cited = {s for r in listed + [r for r in recs.values() if r["status"] in OUT] for s in r["sources"]}
    tiers = _lookup(con, "SELECT source_id, tier FROM source_ratings WHERE source_id IN ({}) "
                    "ORDER BY id", cited, lambda row: row[1])     # the latest rating wins
    cites = _lookup(con, "SELECT id, title, url FROM sources WHERE id IN ({})", cited,
                    lambda row: {"id": row[0], "title": row[1], "url": row[2],
                                 "tier": tiers.get(row[0], "unrated")})
    return summarise(cid, name, kind, day, None, recs, names, cites, _claims(con, cid, d))


def _claims(con, cid: str, d: str) -> list[dict]:
    """The coalition's count claims dated by day `d`, as their corrections and retractions leave
    them (README, rule 8; what `effects.apply_corrections` does for the library), in recording
    order."""
    rows = con.execute("SELECT seq, eid, type, date, payload, sources FROM event_log WHERE "
                       "coalition_id = ? AND type IN ('count_claim', 'correct', 'retract') ORDER BY seq",
                       (cid,)).fetchall()
    retracted = {json.loads(p)["ref"] for _, _, t, _, p, _ in rows if t == "retract"}
    current = {eid: {"seq": seq, "date": date_text, "payload": json.loads(p),
                     "sources": [c["source"] for c in json.loads(src)]}
               for seq, eid, t, date_text, p, src in rows if t == "count_claim" and eid not in retracted}
    for _, eid, t, _, p, src in rows:
        payload = json.loads(p)
        if t == "correct" and eid not in retracted and payload["ref"] in current:
            target = current[payload["ref"]]
            fields = dict(payload["set"])
            if "date" in fields:
                target["date"] = parse_date(fields.pop("date")).text
            fields.pop("effective", None)
            target["payload"] = {**target["payload"], **fields}
            target["sources"] = target["sources"] + [c["source"] for c in json.loads(src)
                                                     if c["source"] not in target["sources"]]
    return [{"count": c["payload"]["count"], "date": c["date"], "label": c["payload"].get("label"),
             "sources": c["sources"]}
            for c in sorted(current.values(), key=lambda c: c["seq"])
            if parse_date(c["date"]).lo.isoformat() <= d]


def _lookup(con, sql: str, ids: set, value) -> dict:
    ids = sorted(ids)
    out = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for row in con.execute(sql.format(",".join("?" * len(chunk))), chunk):
            out[row[0]] = value(row)
    return out
