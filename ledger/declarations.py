"""The declarations chain: what the events stand on, made tamper-evident like the events.

Answers depend on more than the events table: a source's publication date and tier decide which
claim wins, a treaty's rules decide when it is in force for whom, an alias decides which actor a
name in a later import is. Every row the ledger writes to those tables (actors, aliases,
coalitions with their rules, sources, source ratings) is therefore also recorded here, in order,
as the SHA-256 of its content chained to the declaration before it. Each event appended since
records the head of this chain (`events.declared`) and its own digest covers it, so the head of
the events covers every declaration made before the last event.

`verify` walks this chain, then checks every row of the five tables against its declaration: a
row changed, deleted or added behind the ledger's back is named. Changing what is digested here
breaks every existing chain.
"""
from __future__ import annotations

import hashlib
from typing import Any, Iterator, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema
from .chain import GENESIS, canonical_bytes

# kind -> the table it declares a row of, and the columns that key the row
TABLES = {
    "actor": (schema.actors, ("id",)),
    "alias": (schema.aliases, ("namespace", "alias")),
    "coalition": (schema.coalitions, ("id",)),
    "source": (schema.sources, ("id",)),
    "rating": (schema.source_ratings, ("id",)),
}


def key_of(kind: str, row: Mapping[str, Any]) -> str:
    return ":".join(str(row[c]) for c in TABLES[kind][1])


def content(kind: str, row: Mapping[str, Any]) -> str:
    """The digest of a declared row: every column of its table."""
    table = TABLES[kind][0]
    return hashlib.sha256(canonical_bytes({str(c.name): row[c.name] for c in table.columns})).hexdigest()


def link(prev: str, seq: int, kind: str, key: str, digest: str) -> str:
    return hashlib.sha256(canonical_bytes([prev, seq, kind, key, digest])).hexdigest()


def head(conn: Connection) -> tuple[int, str]:
    t = schema.declarations
    row = conn.execute(sa.select(t.c.seq, t.c.hash).order_by(t.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


class Chain:
    """Appending declarations inside the caller's write transaction."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._head: tuple[int, str] | None = None

    def head(self) -> str:
        if self._head is None:
            self._head = head(self.conn)
        return self._head[1]

    def record(self, kind: str, row: Mapping[str, Any], recorded_at: str) -> None:
        self.head()
        seq, prev = self._head
        seq += 1
        key, digest = key_of(kind, row), content(kind, row)
        value = link(prev, seq, kind, key, digest)
        self.conn.execute(schema.declarations.insert().values(
            seq=seq, kind=kind, key=key, digest=digest, recorded_at=recorded_at, prev_hash=prev,
            hash=value))
        self._head = (seq, value)


def backfill(conn: Connection, recorded_at: str) -> int:
    """Declare every row already in the five tables (the migration that adds this chain): actors,
    aliases, coalitions, sources, then ratings, each in key order."""
    chain = Chain(conn)
    n = 0
    for kind, (table, keys) in TABLES.items():
        for row in conn.execute(sa.select(table).order_by(*(table.c[k] for k in keys))):
            chain.record(kind, row._mapping, recorded_at)
            n += 1
    return n


def problems(conn: Connection) -> Iterator[str]:
    """What does not match, first things first: the chain itself, then each table's rows against
    their declarations. Yields nothing when all is as declared."""
    t = schema.declarations
    prev, expected = GENESIS, 1
    declared: dict[tuple[str, str], tuple[int, str]] = {}
    for row in conn.execute(sa.select(t).order_by(t.c.seq)):
        if row.seq != expected:
            yield f"declaration #{expected} is missing (next is #{row.seq})"
            return
        if row.prev_hash != prev or link(prev, row.seq, row.kind, row.key, row.digest) != row.hash:
            yield f"declaration #{row.seq} ({row.kind} {row.key!r}) does not match its hash: it was altered"
            return
        declared[(row.kind, row.key)] = (row.seq, row.digest)
        prev, expected = row.hash, expected + 1
    for kind, (table, _) in TABLES.items():
        seen = set()
        for row in conn.execute(sa.select(table)):
            key = key_of(kind, row._mapping)
            seen.add(key)
            found = declared.get((kind, key))
            if found is None:
                yield f"{kind} {key!r} is in the {table.name} table but was never declared"
            elif content(kind, row._mapping) != found[1]:
                yield f"{kind} {key!r} was changed after it was declared (declaration #{found[0]})"
        for (k, key), (seq, _) in declared.items():
            if k == kind and key not in seen:
                yield f"{kind} {key!r} was deleted (declared in declaration #{seq})"


def positions(conn: Connection) -> dict[str, int]:
    """Each declarations head digest -> its seq (what an event's `declared` refers to)."""
    t = schema.declarations
    return {h: s for s, h in conn.execute(sa.select(t.c.seq, t.c.hash))} | {GENESIS: 0}
