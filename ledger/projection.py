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

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema, store
from .effects import Effect
from .state import RECORD_FORMAT as FORMAT, read_record, record, run, step, stored_record


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
    conn.execute(schema.spells.delete().where(schema.spells.c.coalition_id == coalition))
    store.insert_rows(conn, schema.spells, SPELL_COLUMNS, spells)


def replace_actors(conn: Connection, coalition: str, actors: set[str], rows: list[dict]) -> None:
    """Replace the spells of these actors of a coalition."""
    t = schema.spells
    conn.execute(t.delete().where(t.c.coalition_id == coalition, t.c.actor_id.in_(sorted(actors))))
    store.insert_rows(conn, t, SPELL_COLUMNS,
                      spell_tuples(coalition, [r for r in rows if r["actor_id"] in actors]))


def spell_tuples(coalition: str, rows: list[dict]) -> list[tuple]:
    """`build`'s rows as values of SPELL_COLUMNS."""
    return [(coalition, r["actor_id"], r["valid_from"], r["valid_to"], r["status"], r["troops"],
             stored_record(r["record"])) for r in rows]


SPELL_COLUMNS = ("coalition_id", "actor_id", "valid_from", "valid_to", "status", "troops", "data")


def records_at(conn: Connection, coalition: str, day: date) -> dict[str, dict]:
    t = schema.spells
    d = day.isoformat()
    query = sa.select(t.c.actor_id, t.c.status, t.c.troops, t.c.data).where(
        t.c.coalition_id == coalition, t.c.valid_from <= d,
        sa.or_(t.c.valid_to.is_(None), t.c.valid_to > d))
    return {row.actor_id: read_record(*row) for row in conn.execute(query)}


def actor_spells(conn: Connection, actor: str) -> list:
    t = schema.spells
    return list(conn.execute(sa.select(t).where(t.c.actor_id == actor)
                             .order_by(t.c.coalition_id, t.c.valid_from)))


def coalition_spells(conn: Connection, coalition: str) -> list:
    t = schema.spells
    return list(conn.execute(sa.select(t).where(t.c.coalition_id == coalition)
                             .order_by(t.c.actor_id, t.c.valid_from)))
