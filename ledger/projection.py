"""The spells projection: each actor's state in a coalition as piecewise-constant spells.

A spell [valid_from, valid_to) holds the record `state.record` gives for every day in it. Spells are
rebuilt in the transaction that appends: for the actors the new events name, or for the whole
coalition when an event names none (an end, a correction) or the coalition is a treaty, where one
deposit can move entry into force and so every party's dates. Building sweeps each actor's
breakpoints (every day an effect may or surely takes effect); `state.records_at` is the plain
replay it must agree with.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterable

from sqlalchemy.engine import Connection

from . import schema, spellrows, store, terms
from .eventrows import day_number
from .effects import Effect
from .state import RECORD_FORMAT as FORMAT, record, run, step  # noqa: F401  (FORMAT re-exported)


def build(effects: list[Effect]) -> list[dict]:
    """Spell rows (without coalition_id) for one coalition's sorted effects."""
    own: dict[str, list[Effect]] = defaultdict(list)
    shared: list[Effect] = []
    for eff in effects:
        (shared if eff.actor is None else own[eff.actor]).append(eff)
    rows: list[dict] = []
    for actor, mine in own.items():
        timeline = sorted(mine + shared, key=lambda e: e.order)
        exact = all(e.lo == e.hi for e in timeline)
        rows.extend(_spells(actor, (_exact_records if exact else _records)(actor, timeline)))
    return rows


def _spells(actor: str, records: Iterable[tuple[date, dict | None]]) -> Iterable[dict]:
    """Spells from the actor's record on each breakpoint day: a spell runs while it is unchanged."""
    open_row: dict | None = None
    for day, rec in records:
        if open_row is not None and rec == open_row["record"]:
            continue
        if open_row is not None:
            open_row["valid_to"] = day.isoformat()
            yield open_row
            open_row = None
        if rec is not None:
            open_row = {"actor_id": actor, "valid_from": day.isoformat(), "valid_to": None,
                        "status": rec["status"], "troops": rec["troops"], "record": rec}
    if open_row is not None:
        yield open_row


def _records(actor: str, timeline: list[Effect]) -> Iterable[tuple[date, dict | None]]:
    """One sweep over the actor's breakpoints. The early scenario grows as a prefix of the timeline
    (it is sorted by lo). The late one takes effects as their hi falls due; when one falls due
    before an effect already applied (a wide date overtaken by a narrow one), the late state is
    replayed from scratch in timeline order, so both stay exactly what `state.scenarios_at` gives."""
    points = sorted({e.lo for e in timeline} | {e.hi for e in timeline})
    by_hi = sorted(range(len(timeline)), key=lambda k: (timeline[k].hi, k))
    early: dict = {}
    late: dict = {}
    applied: list[int] = []
    next_lo = next_hi = 0
    for day in points:
        while next_lo < len(timeline) and timeline[next_lo].lo <= day:
            step(early, timeline[next_lo])
            next_lo += 1
        due = []
        while next_hi < len(by_hi) and timeline[by_hi[next_hi]].hi <= day:
            due.append(by_hi[next_hi])
            next_hi += 1
        if due:
            due.sort()
            if not applied or due[0] > applied[-1]:
                for k in due:
                    step(late, timeline[k])
                applied.extend(due)
            else:
                applied = sorted(applied + due)
                late = run(timeline[k] for k in applied)
        yield day, record(actor, early.get(actor), late.get(actor))


def _exact_records(actor: str, timeline: list[Effect]) -> Iterable[tuple[date, dict | None]]:
    """`_records` when every date is exact: the two scenarios are one, stepped once."""
    states: dict = {}
    i, n = 0, len(timeline)
    while i < n:
        day = timeline[i].lo
        while i < n and timeline[i].lo == day:
            step(states, timeline[i])
            i += 1
        state = states.get(actor)
        yield day, record(actor, state, state)


def replace_coalition(conn: Connection, coalition: str, spells: list[tuple]) -> None:
    """Replace a coalition's spells with these `spell_tuples`."""
    terms = store.terms_of(conn)
    cid = terms.id(coalition)
    conn.execute(schema.spells.delete().where(schema.spells.c.coalition == cid))
    insert(conn, spells, terms)


def insert(conn: Connection, spells: list[tuple], terms=None) -> None:
    """Store `spell_tuples` (text form) as rows."""
    terms = terms or store.terms_of(conn)
    terms.add(spellrows.term_texts(spells))
    store.insert_rows(conn, schema.spells, spellrows.COLUMNS,
                      [spellrows.stored(row, terms) for row in spells])


def replace_actors(conn: Connection, coalition: str, actors: set[str], rows: list[dict]) -> None:
    """Replace the spells of these actors of a coalition."""
    t = schema.spells
    terms = store.terms_of(conn)
    terms.add([coalition, *actors])
    conn.execute(t.delete().where(t.c.coalition == terms.id(coalition),
                                  t.c.actor.in_(sorted(terms.id(a) for a in actors))))
    insert(conn, spell_tuples(coalition, [r for r in rows if r["actor_id"] in actors]), terms)


def spell_tuples(coalition: str, rows: list[dict]) -> list[tuple]:
    """`build`'s rows as stored rows in text form (`spellrows.flat`)."""
    return [spellrows.flat(coalition, r["actor_id"], r["valid_from"], r["valid_to"], r["record"])
            for r in rows]


def _read(conn: Connection, where: str, args: tuple) -> list[tuple]:
    """(coalition, actor, valid_from, valid_to, record) of the spells `where` selects."""
    cols = ", ".join(spellrows.COLUMNS)
    rows = conn.exec_driver_sql(f"SELECT {cols} FROM spells WHERE {where}", args).fetchall()
    text = terms.texts(conn, spellrows.term_ids(rows))
    return [(text[row[0]], *spellrows.record(row, text)) for row in rows]


def records_at(conn: Connection, coalition: str, day: date) -> dict[str, dict]:
    cid = terms.find(conn, coalition)
    if cid is None:
        return {}
    d = day_number(day)
    m = store.marks(conn, 1)
    rows = _read(conn, f"coalition = {m} AND valid_from <= {m} AND (valid_to IS NULL OR "
                       f"valid_to > {m})", (cid, d, d))
    return {actor: rec for _, actor, _, _, rec in rows}


def actor_spells(conn: Connection, actor: str) -> list[tuple]:
    """(coalition, valid_from, valid_to, record) of an actor's spells, by coalition and start."""
    return _spells_of(conn, "actor", actor)


def coalition_spells(conn: Connection, coalition: str) -> list[tuple]:
    """(actor, valid_from, valid_to, record) of a coalition's spells, by actor and start."""
    return _spells_of(conn, "coalition", coalition)


def _spells_of(conn: Connection, column: str, value: str) -> list[tuple]:
    """The spells whose `column` (coalition or actor) is `value`, each without that column, sorted
    by the other and by start."""
    tid = terms.find(conn, value)
    if tid is None:
        return []
    rows = _read(conn, f"{column} = {store.marks(conn, 1)}", (tid,))
    other = 1 if column == "coalition" else 0
    return sorted(((r[other], r[2], r[3], r[4]) for r in rows), key=lambda r: (r[0], r[1]))
