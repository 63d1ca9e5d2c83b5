"""`Ledger.verify`: what the hash chains prove, checked, and what a replay of the log can check.

In order, stopping at the first thing that does not match:
  1. the events' chain: every event follows the one before and matches its digest (over its
     textual form, `event_log`); its identity is what its content gives; the declarations head it stands
     on is in the declarations chain, never earlier than the one the event before stood on;
  2. the declarations chain, and every actor, alias, coalition, source and rating against its
     declaration (`declarations.problems`);
  3. with `cited` (SEQ, DIGEST): the chain's digest at SEQ is the cited one;
  4. with `deep`: the stored spells are those a replay of the log gives.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import declarations, projection, reading, schema
from .chain import GENESIS, digest, identity
from .results import Verification

if TYPE_CHECKING:
    from .catalog import Catalog


def verify(catalog: "Catalog", conn: Connection, deep: bool = False,
           cited: tuple[int, str] | None = None) -> Verification:
    result = _events(conn)
    if not result.ok:
        return result
    count = conn.execute(sa.select(sa.func.count()).select_from(schema.declarations)).scalar()
    result = replace(result, declarations=count)
    for problem in declarations.problems(conn):
        return replace(result, ok=False, reason=problem)
    if cited is not None:
        reason = _cited(conn, result, *cited)
        if reason:
            return replace(result, ok=False, reason=reason)
    if deep:
        spells, reason = _spells(catalog, conn)
        result = replace(result, spells=spells)
        if reason:
            return replace(result, ok=False, reason=reason)
    return result


def _events(conn: Connection) -> Verification:
    at = declarations.positions(conn)
    prev, expected, count, standing = GENESIS, 1, 0, None
    log = schema.event_log
    for row in conn.execute(sa.select(log).order_by(log.c.seq)):
        row = dict(row._mapping)
        seq = row["seq"]

        def bad(reason: str) -> Verification:
            return Verification(False, count, prev, seq, reason)
        if seq != expected:
            return Verification(False, count, prev, expected,
                                f"event #{expected} is missing (next is #{seq})")
        if row["declared"] is None and row["declared_seq"] is not None:
            return bad(f"event #{seq} stands on declaration #{row['declared_seq']}, which is not "
                       "in the declarations chain: declarations were rewritten")
        row["fact"] = identity({"type": row["type"], "coalition": row["coalition_id"],
                                "actor": row["actor_id"], "date": row["date"],
                                "effective": row["effective"]})
        if digest(prev, row) != row["hash"]:
            return bad(f"event #{seq} does not match its hash: it was altered")
        if not _identity_holds(row):
            return bad(f"event #{seq}: its identity is not what its content gives: it was altered")
        declared = row["declared"]
        if declared is None and standing is not None:
            return bad(f"event #{seq} stands on no declarations, after events that do")
        if declared is not None:
            if declared not in at:
                return bad(f"event #{seq} stands on declarations head {declared[:16]}…, which is "
                           "not in the declarations chain: declarations were rewritten")
            if standing is not None and at[declared] < standing:
                return bad(f"event #{seq} stands on an earlier declarations head than the event "
                           "before it")
            standing = at[declared]
        prev, expected, count = row["hash"], expected + 1, count + 1
    return Verification(True, count, prev)


def _identity_holds(row: dict) -> bool:
    """The stored identity (what duplicates are found by) is the digest of the event's content."""
    try:
        payload, cites = json.loads(row["payload"]), json.loads(row["sources"])
    except ValueError:
        return False
    fact = {"type": row["type"], "coalition": row["coalition_id"], "actor": row["actor_id"],
            "date": row["date"], "effective": row["effective"]}
    sources = sorted(c.get("source") for c in cites)
    return identity({**fact, "payload": payload, "sources": sources}) == row["identity"]


def _cited(conn: Connection, result: Verification, seq: int, cited: str) -> str | None:
    if seq > result.events:
        return (f"the cited event #{seq} is gone (the ledger has {result.events} events): events "
                "were deleted since the citation")
    have = conn.execute(sa.select(schema.events.c.hash).where(schema.events.c.seq == seq)).scalar()
    have = bytes(have).hex()
    if have != cited:
        return (f"event #{seq} has the digest {have[:16]}…, not the cited {cited[:16]}…: the "
                "ledger was rewritten since the citation")
    return None


def _spells(catalog: "Catalog", conn: Connection) -> tuple[int, str | None]:
    """The number of spells checked, and the first that differs from a replay (None: none)."""
    ids = sorted(conn.execute(sa.select(schema.coalitions.c.id)).scalars())
    n = 0
    for cid in ids:
        stored = projection.coalition_spells(conn, cid)
        replayed = sorted(((r["actor_id"], r["valid_from"], r["valid_to"], r["record"])
                           for r in projection.build(
                               reading.effects(conn, catalog.coalition(conn, cid)))),
                          key=lambda t: (t[0], t[1]))
        n += len(stored)
        for have, want in zip(stored + [None] * len(replayed), replayed + [None] * len(stored)):
            if have != want:
                return n, f"coalition {cid}: " + _differs(have, want)
    known = sa.select(schema.terms.c.id).where(schema.terms.c.text.in_(ids))
    orphan = conn.execute(sa.select(schema.spells.c.coalition).where(
        schema.spells.c.coalition.not_in(known)).limit(1)).scalar()
    orphans = conn.execute(sa.select(schema.terms.c.text).where(
        schema.terms.c.id == orphan)).scalar() if orphan is not None else None
    if orphans:
        return n, f"spells of {orphans!r}, which is no coalition of the ledger"
    return n, None


def _differs(have: tuple | None, want: tuple | None) -> str:
    """have, want: (actor, valid_from, valid_to, record)."""
    def show(s):
        rec = s[3]
        return (f"{rec['status']}" + (f", {rec['troops']:,} troops" if rec["troops"] is not None
                                      else "") + f", {s[1]} to {s[2] or 'now'}")
    if want is None:
        return f"the stored spell of {have[0]} ({show(have)}) is not in a replay of the log"
    if have is None:
        return f"the spell of {want[0]} a replay of the log gives ({show(want)}) is not stored"
    if have[:3] == want[:3] and (have[3]["status"], have[3]["troops"]) == (
            want[3]["status"], want[3]["troops"]):
        return (f"the spell of {have[0]} from {have[1]} stores other details than a replay of the "
                "log gives")
    return (f"the spell of {want[0]} from {want[1]} is stored as ({show(have)}); a replay of the "
            f"log gives ({show(want)})")
