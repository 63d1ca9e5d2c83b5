"""`Ledger.verify`: what the hash chains prove, checked, and what a replay of the log can check.

In order, stopping at the first thing that does not match:
  1. the events' chain: every event follows the one before and matches its digest; its derived
     columns (date_lo, identity, fact) are what its content gives; the declarations head it stands
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
from .dates import parse_date
from .errors import DateError
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
    for row in conn.execute(sa.select(schema.events).order_by(schema.events.c.seq)):
        row = row._mapping
        seq = row["seq"]

        def bad(reason: str) -> Verification:
            return Verification(False, count, prev, seq, reason)
        if seq != expected:
            return Verification(False, count, prev, expected,
                                f"event #{expected} is missing (next is #{seq})")
        if row["prev_hash"] != prev:
            return bad(f"event #{seq} does not follow the event before it")
        if digest(prev, row) != row["hash"]:
            return bad(f"event #{seq} does not match its hash: it was altered")
        column = _derived(row)
        if column:
            return bad(f"event #{seq}: its {column} is not what its content gives: it was altered")
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


def _derived(row) -> str | None:
    """The first derived column that does not match the event's content (None: all do)."""
    try:
        if parse_date(row["date"]).lo.isoformat() != row["date_lo"]:
            return "date_lo"
        payload, cites = json.loads(row["payload"]), json.loads(row["sources"])
    except (ValueError, DateError):
        return "content"
    fact = {"type": row["type"], "coalition": row["coalition_id"], "actor": row["actor_id"],
            "date": row["date"], "effective": row["effective"]}
    if identity(fact) != row["fact"]:
        return "fact"
    sources = sorted(c.get("source") for c in cites)
    if identity({**fact, "payload": payload, "sources": sources}) != row["identity"]:
        return "identity"
    return None


def _cited(conn: Connection, result: Verification, seq: int, cited: str) -> str | None:
    if seq > result.events:
        return (f"the cited event #{seq} is gone (the ledger has {result.events} events): events "
                "were deleted since the citation")
    have = conn.execute(sa.select(schema.events.c.hash).where(schema.events.c.seq == seq)).scalar()
    if have != cited:
        return (f"event #{seq} has the digest {have[:16]}…, not the cited {cited[:16]}…: the "
                "ledger was rewritten since the citation")
    return None


def _spells(catalog: "Catalog", conn: Connection) -> tuple[int, str | None]:
    """The number of spells checked, and the first that differs from a replay (None: none)."""
    ids = sorted(conn.execute(sa.select(schema.coalitions.c.id)).scalars())
    n = 0
    for cid in ids:
        stored = [(r.actor_id, r.valid_from, r.valid_to, r.status, r.troops, r.data)
                  for r in projection.coalition_spells(conn, cid)]
        effects = reading.effects(conn, catalog.coalition(conn, cid))
        replayed = sorted((t[1:] for t in projection.spell_tuples(
            cid, projection.build(effects))), key=lambda t: (t[0], t[1]))
        n += len(stored)
        for have, want in zip(stored + [None] * len(replayed), replayed + [None] * len(stored)):
            if have != want:
                return n, f"coalition {cid}: " + _differs(have, want)
    orphans = conn.execute(sa.select(schema.spells.c.coalition_id).where(
        schema.spells.c.coalition_id.not_in(ids)).limit(1)).scalar()
    if orphans:
        return n, f"spells of {orphans!r}, which is no coalition of the ledger"
    return n, None


def _differs(have: tuple | None, want: tuple | None) -> str:
    def show(s):
        return (f"{s[3]}" + (f", {s[4]:,} troops" if s[4] is not None else "")
                + f", {s[1]} to {s[2] or 'now'}")
    if want is None:
        return f"the stored spell of {have[0]} ({show(have)}) is not in a replay of the log"
    if have is None:
        return f"the spell of {want[0]} a replay of the log gives ({show(want)}) is not stored"
    if have[:5] == want[:5]:
        return (f"the spell of {have[0]} from {have[1]} stores other details than a replay of the "
                "log gives")
    return (f"the spell of {want[0]} from {want[1]} is stored as ({show(have)}); a replay of the "
            f"log gives ({show(want)})")
