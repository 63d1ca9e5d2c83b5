"""Names to ids, and a Ledger's read caches: the ids found, the coalitions, actor names and source
citations, and the coalitions' spells in memory (`CoalitionView`).

The caches hold what changes rarely: found ids only, so another process's additions are still
looked up; a write of this process clears them all (`forget`)."""
from __future__ import annotations

import difflib
import json
import threading
from collections import OrderedDict
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import projection, reading, schema, store
from .errors import UnknownIdError
from .ingest import Rows, by_code, normalise
from .model import Coalition
from .summary import event_claim
from .view import CoalitionView

VIEWS = 32      # coalitions whose spells a Ledger keeps in memory (least recently used dropped)


class Catalog:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.ids: dict[tuple[str, str], str] = {}
        self.coalitions: dict[str, Coalition] = {}
        self.labels: dict[str, dict] = {"actor": {}, "source": {}}
        self.views: OrderedDict[str, CoalitionView] = OrderedDict()
        self.views_lock = threading.Lock()     # a Ledger may serve several threads

    def forget(self) -> None:
        self.ids.clear()
        self.coalitions.clear()
        self.labels = {"actor": {}, "source": {}}
        self.views.clear()

    def resolve(self, conn: Connection, namespace: str, value: str) -> str:
        found = self.ids.get((namespace, value))
        if found is None:
            found = self.ids[(namespace, value)] = self.lookup(conn, namespace, value)
        return found

    @staticmethod
    def lookup(conn: Connection, namespace: str, value: str) -> str:
        table = schema.coalitions if namespace == "coalition" else schema.actors
        if conn.execute(sa.select(table.c.id).where(table.c.id == value)).first():
            return value
        t = schema.aliases
        hit = conn.execute(sa.select(t.c.target).where(t.c.namespace == namespace,
                                                       t.c.alias == normalise(value))).scalar()
        if hit:
            return hit
        if namespace == "actor":
            hit = by_code(value, Rows(conn, schema.actors, "id"))
            if hit:
                return hit
        names = list(conn.execute(sa.select(table.c.id)).scalars()) + list(conn.execute(
            sa.select(t.c.alias).where(t.c.namespace == namespace)).scalars())
        close = difflib.get_close_matches(normalise(value), list(dict.fromkeys(names)), n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise UnknownIdError(f"unknown {namespace} '{value}'{hint}")

    def coalition(self, conn: Connection, cid: str) -> Coalition:
        if cid not in self.coalitions:
            self.coalitions[cid] = self.load_coalition(conn, cid)
        return self.coalitions[cid]

    @staticmethod
    def load_coalition(conn: Connection, cid: str) -> Coalition:
        r = conn.execute(sa.select(schema.coalitions).where(schema.coalitions.c.id == cid)).one()
        t = schema.aliases
        names = conn.execute(sa.select(t.c.display).where(t.c.namespace == "coalition",
                                                          t.c.target == cid)).scalars()
        return Coalition(r.id, r.name, r.kind, r.model, tuple(json.loads(r.lead)), tuple(names),
                         r.start, r.end, r.description, json.loads(r.treaty) if r.treaty else None)

    def names(self, conn: Connection, ids: Iterable[str]) -> dict[str, str]:
        return self.label(conn, "actor", ids)

    def cite(self, conn: Connection, ids: Iterable[str]) -> dict[str, dict]:
        return self.label(conn, "source", ids)

    def label(self, conn: Connection, kind: str, ids: Iterable[str]) -> dict:
        """Actor names or source citations {id, title, url, tier}, cached."""
        known = self.labels[kind]
        ids = set(ids)
        missing = sorted(ids - set(known))
        t = schema.actors if kind == "actor" else schema.sources
        cols = (t.c.id, t.c.name) if kind == "actor" else (t.c.id, t.c.title, t.c.url)
        tiers = store.tiers(conn, missing) if kind == "source" and missing else {}
        for i in range(0, len(missing), 500):
            for r in conn.execute(sa.select(*cols).where(t.c.id.in_(missing[i:i + 500]))):
                known[r.id] = r.name if kind == "actor" else {
                    "id": r.id, "title": r.title, "url": r.url, "tier": tiers.get(r.id, "unrated")}
        return {i: known[i] for i in ids if i in known}

    def view(self, coalition: str) -> CoalitionView:
        """The coalition's spells in memory, valid for the current head of the log."""
        token = store.head_token(self.engine)
        cid = self.ids.get(("coalition", coalition))
        with self.views_lock:
            view = self.views.get(cid) if cid else None
            if view is not None and view.token == token:
                self.views.move_to_end(cid)
                return view
        with store.reading(self.engine) as conn:
            cid = self.resolve(conn, "coalition", coalition)
            token = store.token(conn)
            self.labels["source"] = {}     # tiers may have changed with the token
            spells = [(f, t, rec) for _, f, t, rec in projection.coalition_spells(conn, cid)]
            names = self.names(conn, {rec["actor"] for _, _, rec in spells})
            cites = self.cite(conn, {s for _, _, rec in spells for s in rec["sources"]})
            claims = [(ev.date.lo.isoformat(), ev.seq, event_claim(ev))
                      for ev in reading.claim_events(conn, cid)]
            view = CoalitionView(self.coalition(conn, cid), token, spells, names, cites, claims)
        with self.views_lock:
            self.views[cid] = view
            while len(self.views) > VIEWS:
                self.views.popitem(last=False)
        return view
