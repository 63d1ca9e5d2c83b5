"""The `terms` table: every distinct text a row refers to, stored once and named by an integer.

Events and spells hold term ids for their type, coalition, actor, payload and citation JSON,
recording instant and the texts of a spell's record. Terms are append-only like the events (the
database refuses to change them) and are never removed, so an id, once committed, names its text
for good. Ids assigned inside a write transaction are only known to that transaction: `Terms` is
made for one transaction (`store.writing` hands it out) and dropped with it, so an id from a
transaction that rolled back is never used again.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy.engine import Connection

from . import schema
from .sql import insert_rows, select_in


class Terms:
    """Ids of texts for one write transaction: looked up in the table, or added to it."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.ids: dict[str, int] = {}
        self.next: int | None = None
        self.declared: dict[str, int] = {}     # declarations heads (digests) -> their seq

    def id(self, text: str | None) -> int | None:
        if text is None:
            return None
        found = self.ids.get(text)
        if found is None:
            self.add([text])
            found = self.ids[text]
        return found

    def add(self, texts: Iterable[str | None]) -> None:
        """Make sure each of these texts has an id (one query for those not yet known here)."""
        missing = sorted({t for t in texts if t is not None and t not in self.ids})
        if not missing:
            return
        for text, tid in select_in(self.conn, "SELECT text, id FROM terms WHERE text IN ({})",
                                   missing):
            self.ids[text] = tid
        new = [t for t in missing if t not in self.ids]
        if not new:
            return
        if self.next is None:
            top = self.conn.exec_driver_sql("SELECT max(id) FROM terms").scalar()
            self.next = (top or 0) + 1
        rows = []
        for text in new:
            self.ids[text] = self.next
            rows.append((self.next, text))
            self.next += 1
        insert_rows(self.conn, schema.terms, ("id", "text"), rows)


def find(conn: Connection, text: str) -> int | None:
    """The id of a text, if the table holds it."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return conn.exec_driver_sql(f"SELECT id FROM terms WHERE text = {mark}", (text,)).scalar()


def texts(conn: Connection, ids: Iterable[int | None]) -> dict[int, str]:
    """The texts of these term ids."""
    wanted = sorted({i for i in ids if i is not None})
    return dict(select_in(conn, "SELECT id, text FROM terms WHERE id IN ({})", wanted))
