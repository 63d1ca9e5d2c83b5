"""The public face: `Ledger`. Every command of the CLI is one call here plus formatting."""
from __future__ import annotations

import difflib
import json
import os
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import bundled, location, projection, rebuilding, schema, store
from .blame import blame_of
from .clock import now
from .dates import (format_instant, parse_date, parse_day, parse_horizon, parse_instant,
                    period_ends)
from .diffs import inside
from .effects import apply_corrections, expand
from .evidence import Evidence, heard
from .errors import ConflictError, DatabaseError, InputError, UnknownIdError
from .files import Record, read
from .frames import Results
from .ingest import Rows, Summary, by_code, ingest, normalise
from .model import TIERS, Actor, Coalition, Event, Source
from .results import (AsOf, Blame, Change, Diff, GrowthPoint, Problem, ReplayRow, Spell,
                      Verification, Within, disputed_text)
from .state import IN, apply, read_record, records_at
from .summary import HORIZON, OUT, event_claim, summarise, treaty_counts
from .view import CoalitionView

VIEWS = 32      # coalitions whose spells a Ledger keeps in memory (least recently used dropped)


class _Rollback(Exception):
    pass


class Ledger:
    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        self.read_only = False          # opened read-only (an SQLite file that cannot be written)
        # Read caches of what changes rarely; found ids only, so another process's additions are
        # still looked up, and cleared by every write of this process.
        self._ids: dict[tuple[str, str], str] = {}
        self._coalitions: dict[str, Coalition] = {}
        self._labels: dict[str, dict] = {"actor": {}, "source": {}}
        self._views: OrderedDict[str, CoalitionView] = OrderedDict()
        self._views_lock = threading.Lock()     # a Ledger may serve several threads

    def _forget(self) -> None:
        self._ids.clear()
        self._coalitions.clear()
        self._labels = {"actor": {}, "source": {}}
        self._views.clear()

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, bundled_data: bool | None = None,
             writes: bool = True) -> "Ledger":
        """Open (creating and migrating if needed) the ledger at `url`; the default is an SQLite
        file in the user's data directory. With `bundled_data`, the bundled event files are
        imported on first use and whenever they change; without, the built-in states still are,
        and a ledger started without them stays so until opened with `bundled_data=True`
        (None, the default: as the ledger was started).
        With `writes=False` (the caller only reads), an SQLite ledger that cannot be written is
        opened read-only and answered as it stands; it takes a newer bundle when next opened where
        it can be written."""
        url = url or store.default_url()
        path = store.sqlite_file(url)
        why = location.read_only_reason(path) if path else None
        if why and (writes or not os.path.exists(path)):
            what = "append to it" if os.path.exists(path) else "create it"
            raise DatabaseError(
                f"the ledger {path} cannot be written: {why}. To {what}, make that writable, or "
                "pass --database URL (or set LEDGER_DATABASE_URL, or XDG_DATA_HOME) for a ledger "
                "you can write" + ("; commands that only read still work" if what != "create it"
                                   else ""))
        ledger = cls(store.make_engine(url, read_only=bool(why)))
        ledger.read_only = bool(why)
        if why:
            store.check_current(ledger.engine)
            return ledger
        store.ensure_current(ledger.engine)
        ledger._ensure_projection()
        if bundled_data is None:        # as the ledger was started: with the bundle, or without
            bundled_data = not bundled.declined(ledger)
        if bundled_data:
            bundled.sync(ledger)
        else:
            bundled.decline(ledger)
            bundled.sync_states(ledger)
        return ledger

    def _ensure_projection(self) -> None:
        """Rebuild spells stored in an earlier form (projection.FORMAT)."""
        with store.reading(self.engine) as conn:
            if store.get_meta(conn, "projection_format") == projection.FORMAT:
                return
        self.rebuild()

    def close(self) -> None:
        self.engine.dispose()

    # -- appending ---------------------------------------------------------------------------
    def import_file(self, path: str, *, dry_run: bool = False, expect_head: str | None = None,
                    progress: Callable[[int], None] | None = None) -> Summary:
        """Append one file atomically: all of it, or (on any error) nothing."""
        return self._ingest(read(path), Summary(path, dry_run=dry_run), expect_head, progress)

    def import_records(self, records: Iterable[Record], label: str = "<records>", *,
                       dry_run: bool = False, expect_head: str | None = None) -> Summary:
        return self._ingest(records, Summary(label, dry_run=dry_run), expect_head, None)

    def append(self, type: str, coalition: str, date: str, *, actor: str | None = None,
               source: str | None = None, sources: list | None = None, locator: str | None = None,
               quote: str | None = None, effective: str | None = None, note: str | None = None,
               id: str | None = None, expect_head: str | None = None, dry_run: bool = False,
               **payload: Any) -> Summary:
        """Append one event (or, with `dry_run`, check it and say what it would change). Payload
        fields (troops, mode, label, count, ref, set, ...) as keywords."""
        data = {"type": type, "coalition": coalition, "actor": actor, "date": date,
                "effective": effective, "source": source, "sources": sources, "locator": locator,
                "quote": quote, "note": note, "id": id, **payload}
        data = {k: v for k, v in data.items() if v is not None}
        return self._ingest([Record("event", data, "<append>", 0)],
                            Summary("<append>", dry_run=dry_run), expect_head, None)

    def declare_source(self, **fields: Any) -> bool:
        summary = self._ingest([Record("source", fields, "<source>", 0)], Summary("<source>"),
                               None, None)
        return summary.declared == 1

    def _ingest(self, records, summary: Summary, expect_head, progress) -> Summary:
        self._forget()
        try:
            with store.writing(self.engine) as conn:
                if expect_head is not None:
                    _, head = store.head(conn)
                    if head != expect_head:
                        raise ConflictError(f"the ledger's head is {head[:16]}…, not "
                                            f"{expect_head[:16]}…: someone appended since you looked")
                ingest(conn, records, summary, now(), progress)
                if summary.rated:
                    # a new tier can change which claim wins wherever the source is cited
                    summary.coalitions |= store.citing(conn, summary.rated)
                    for cid in summary.coalitions:
                        summary.actors[cid] = None
                touched = sorted(summary.coalitions)
                if summary.dry_run:
                    before = {c: _spell_set(conn, c) for c in touched}
                self._rebuild(conn, touched, summary.actors)
                if summary.dry_run:
                    summary.changes = {c: _spell_changes(before[c], _spell_set(conn, c))
                                       for c in touched}
                    raise _Rollback
        except _Rollback:
            pass
        finally:
            self._forget()      # what the transaction cached may have been rolled back
        return summary

    # -- projections -------------------------------------------------------------------------
    def rebuild(self) -> int:
        """Rebuild every coalition's spells from the log; returns the number of spells."""
        self._forget()
        with store.writing(self.engine) as conn:
            ids = [r[0] for r in conn.execute(sa.select(schema.coalitions.c.id))]
            # all at once: deleting a million spells coalition by coalition costs more than replaying
            conn.execute(schema.spells.delete())
            self._rebuild(conn, ids)
            store.set_meta(conn, "projection_format", projection.FORMAT)
            return conn.execute(sa.select(sa.func.count()).select_from(schema.spells)).scalar()

    def _rebuild(self, conn: Connection, coalitions: list[str], actors: dict | None = None) -> None:
        """Rebuild the spells of these coalitions. Where `actors` names the only actors a
        coalition's new events are about, only their spells are rebuilt: outside a treaty an
        actor's spells depend on its own events and the coalition-level ones alone."""
        if not coalitions:
            return
        evidence = self._evidence(conn)
        whole = []
        for cid in coalitions:
            coal = self._coalition(conn, cid)
            who = (actors or {}).get(cid)
            if who and coal.kind != "treaty":
                events = [store.to_event(r) for r in store.event_rows(conn, coalition=cid, actors=who)]
                rows = projection.build(expand(coal, events, evidence))
                projection.replace_actors(conn, cid, who, rows)
            else:
                whole.append(coal)
        rebuilding.rebuild_coalitions(conn, whole, evidence)
        seq, _ = store.head(conn)
        store.set_meta(conn, "projection_seq", str(seq))

    @staticmethod
    def _evidence(conn: Connection, known_at: str | None = None) -> Evidence:
        return Evidence(PublishedDates(Rows(conn, schema.sources, "id")), Tiers(conn, known_at))

    @staticmethod
    def _events(conn: Connection, coalition: str, known_at: str | None = None) -> list[Event]:
        return [store.to_event(r) for r in store.event_rows(conn, coalition=coalition,
                                                            known_at=known_at)]

    def _effects(self, conn: Connection, coalition: str, lens: "Lens | None" = None):
        """The coalition's timeline of effects, from the events and sources `lens` admits."""
        lens = lens or Lens()
        evidence = self._evidence(conn, lens.known)
        events = self._events(conn, coalition, lens.known)
        if lens.by is not None or lens.min_tier is not None:
            events = heard(events, evidence, lens.by, lens.min_tier)
        return expand(self._coalition(conn, coalition), events, evidence)

    # -- lookups -----------------------------------------------------------------------------
    def _resolve(self, conn: Connection, namespace: str, value: str) -> str:
        found = self._ids.get((namespace, value))
        if found is None:
            found = self._ids[(namespace, value)] = self._lookup(conn, namespace, value)
        return found

    def _lookup(self, conn: Connection, namespace: str, value: str) -> str:
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

    def _coalition(self, conn: Connection, cid: str) -> Coalition:
        if cid not in self._coalitions:
            self._coalitions[cid] = self._load_coalition(conn, cid)
        return self._coalitions[cid]

    @staticmethod
    def _load_coalition(conn: Connection, cid: str) -> Coalition:
        r = conn.execute(sa.select(schema.coalitions).where(schema.coalitions.c.id == cid)).one()
        t = schema.aliases
        names = conn.execute(sa.select(t.c.display).where(t.c.namespace == "coalition",
                                                          t.c.target == cid)).scalars()
        return Coalition(r.id, r.name, r.kind, r.model, tuple(json.loads(r.lead)), tuple(names),
                         r.start, r.end, r.description, json.loads(r.treaty) if r.treaty else None)

    def _names(self, conn: Connection, ids: Iterable[str]) -> dict[str, str]:
        return self._label(conn, "actor", ids)

    def _cite(self, conn: Connection, ids: Iterable[str]) -> dict[str, dict]:
        return self._label(conn, "source", ids)

    def _label(self, conn: Connection, kind: str, ids: Iterable[str]) -> dict:
        """Actor names or source citations {id, title, url, tier}, cached."""
        known = self._labels[kind]
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

    def _view(self, coalition: str) -> CoalitionView:
        """The coalition's spells in memory, valid for the current head of the log."""
        token = store.head_token(self.engine)
        cid = self._ids.get(("coalition", coalition))
        with self._views_lock:
            view = self._views.get(cid) if cid else None
            if view is not None and view.token == token:
                self._views.move_to_end(cid)
                return view
        with store.reading(self.engine) as conn:
            cid = self._resolve(conn, "coalition", coalition)
            token = store.token(conn)
            self._labels["source"] = {}     # tiers may have changed with the token
            spells = [(r.valid_from, r.valid_to, read_record(r.actor_id, r.status, r.troops, r.data))
                      for r in projection.coalition_spells(conn, cid)]
            names = self._names(conn, {rec["actor"] for _, _, rec in spells})
            cites = self._cite(conn, {s for _, _, rec in spells for s in rec["sources"]})
            claims = [(ev.date.lo.isoformat(), ev.seq, event_claim(ev))
                      for ev in self._claim_events(conn, cid)]
            view = CoalitionView(self._coalition(conn, cid), token, spells, names, cites, claims)
        with self._views_lock:
            self._views[cid] = view
            while len(self._views) > VIEWS:
                self._views.popitem(last=False)
        return view

    # -- queries -----------------------------------------------------------------------------
    def asof(self, day: str | date, coalition: str, known_at: str | None = None,
             published_by: str | date | None = None, *, min_tier: str | None = None,
             stale_after: str | None = None) -> AsOf:
        """Who was in `coalition` on `day`, as the ledger knows it now (or knew it at `known_at`),
        from all its sources (or from those published by `published_by`, or rated `min_tier` or
        stronger: README, rule 9). A troop figure older than `stale_after` ("6m", "90d"; 6 months
        by default) is marked stale (rule 12)."""
        day = day if isinstance(day, date) else parse_day(day)
        lens = Lens.of(known_at, published_by, min_tier)
        horizon = parse_horizon(stale_after) if stale_after is not None else HORIZON
        if lens.plain:
            return self._view(coalition).asof(day, horizon)
        with store.reading(self.engine) as conn:
            cid = self._resolve(conn, "coalition", coalition)
            coal = self._coalition(conn, cid)
            recs = records_at(self._effects(conn, cid, lens), day)
            shown = [r for r in recs.values() if r["status"] in IN + OUT]
            names = self._names(conn, [r["actor"] for r in shown])
            cites = self._cite(conn, [s for r in shown for s in r["sources"]])
            answer = summarise(coal.id, coal.name, coal.kind, day, lens.known, recs, names, cites,
                               self._claims(conn, coal.id, day, lens), horizon)
            note = self._before_first_record(conn, lens.known) if not recs else None
        return replace(answer, published_by=lens.by.isoformat() if lens.by else None,
                       min_tier=lens.min_tier, note=note)

    @staticmethod
    def _before_first_record(conn: Connection, known: str | None) -> str | None:
        """Why an answer known at an instant before anything was recorded is empty (rule 9)."""
        if known is None:
            return None
        first = conn.execute(sa.select(sa.func.min(schema.events.c.recorded_at))).scalar()
        if first is None or first <= known:
            return None
        return (f"nothing had been recorded by {known}: the first event was recorded at {first}. "
                "Events are recorded when first loaded into this ledger (the bundled ones too); "
                "to ask what the sources had said by a date, use --published-by DATE.")

    def _claim_events(self, conn, cid: str, lens: "Lens | None" = None) -> list[Event]:
        """The coalition's `count_claim` events (recorded by `known`; citing only the sources the
        lens hears) as its corrections and retractions leave them (README, rule 8), in recording
        order."""
        lens = lens or Lens()
        events = [store.to_event(r) for r in store.event_rows(
            conn, coalition=cid, known_at=lens.known, types=("count_claim", "correct", "retract"))]
        if lens.by is not None or lens.min_tier is not None:
            events = heard(events, self._evidence(conn, lens.known), lens.by, lens.min_tier)
        return [ev for ev in apply_corrections(events) if ev.type == "count_claim"]

    def _claims(self, conn, cid: str, day: date, lens: "Lens") -> list[dict]:
        return [event_claim(ev) for ev in self._claim_events(conn, cid, lens) if ev.date.lo <= day]

    def diff(self, start: str | date, end: str | date, coalition: str,
             known_at: str | None = None, published_by: str | date | None = None, *,
             min_tier: str | None = None) -> Diff:
        """Who joined, who left and whose status or troops changed between two days, and whose
        state changed inside the period more than the two days show (`within`)."""
        d0 = start if isinstance(start, date) else parse_day(start)
        d1 = end if isinstance(end, date) else parse_day(end)
        lens = Lens.of(known_at, published_by, min_tier)
        if lens.plain:
            view = self._view(coalition)
            cid, names, cites = view.coalition.id, view.names, view.cites
            spells = view.spells_changing(d0, d1)
            before, after = view.records_at(d0), view.records_at(d1)
        else:
            with store.reading(self.engine) as conn:
                cid = self._resolve(conn, "coalition", coalition)
                effects = self._effects(conn, cid, lens)     # one replay for both days
                before, after = records_at(effects, d0), records_at(effects, d1)
                spells = [(r["valid_from"], r["valid_to"], r["record"])
                          for r in projection.build(effects)]
                names = self._names(conn, {rec["actor"] for _, _, rec in spells})
                cites = self._cite(conn, [s for r in after.values() for s in r["sources"]])
        joined, left, changed = [], [], []
        for actor in sorted(set(before) | set(after), key=lambda a: names.get(a, a).casefold()):
            b, a = before.get(actor), after.get(actor)
            was, now_in = bool(b and b["status"] in IN), bool(a and a["status"] in IN)
            view_b = _seen(b)
            view_a = _seen(a)
            if view_b == view_a or (not was and not now_in):
                continue
            change = Change(actor, names.get(actor, actor), view_b if was else None, view_a,
                            a["cause"] if a else None,
                            tuple(cites.get(s, {"id": s}) for s in (a["sources"] if a else [])))
            (joined if now_in and not was else left if was and not now_in else changed).append(change)
        within = tuple(Within(actor, names.get(actor, actor), tuple(runs))
                       for actor, runs in inside(spells, d0, d1))
        note = None
        if lens.known is not None and not (before or after):
            with store.reading(self.engine) as conn:
                note = self._before_first_record(conn, lens.known)
        return Diff(cid, d0.isoformat(), d1.isoformat(), tuple(joined), tuple(left), tuple(changed),
                    lens.by.isoformat() if lens.by else None, within, lens.min_tier, lens.known,
                    note)

    def replay(self, coalition: str, start: str | None = None, end: str | None = None,
               published_by: str | date | None = None, *, actor: str | None = None,
               min_tier: str | None = None) -> list[ReplayRow]:
        """The coalition's effects in valid-time order with the running count and troop total
        (from the sources heard, if limited: README, rule 9), or only those of `actor`."""
        d0 = parse_date(start).lo if start else None
        d1 = parse_date(end).hi if end else None
        lens = Lens.of(None, published_by, min_tier)
        with store.reading(self.engine) as conn:
            cid = self._resolve(conn, "coalition", coalition)
            aid = self._resolve(conn, "actor", actor) if actor else None
            coal = self._coalition(conn, cid)
            effects = self._effects(conn, cid, lens)
            names = self._names(conn, [e.actor for e in effects if e.actor])
        states: dict = {}
        rows = []
        for eff in effects:
            before = states.get(eff.actor)
            for who in (list(states) if eff.actor is None else [eff.actor]):
                new, _ = apply(states.get(who), eff)
                if new is not None:
                    states[who] = new
            if (d0 and eff.hi < d0) or (d1 and eff.lo > d1) or (aid and eff.actor != aid):
                continue
            after = states.get(eff.actor)
            if eff.kind == "party" and after is before:
                continue        # never in force for it: its consent was withdrawn first
            detail = _detail(eff)
            if eff.kind == "withdrawn" and after is not None and after.status != "withdrawn":
                detail = "consent withdrawn before it took effect: never a party"
            status = Counter(s.status for s in states.values())
            treaty = coal.kind == "treaty"
            counts = (treaty_counts((s.status, s.signed) for s in states.values()) if treaty
                      else None)
            rows.append(ReplayRow(
                eff.when.text, eff.seq, eff.event.type, eff.kind, eff.actor,
                names.get(eff.actor) if eff.actor else None, detail,
                status["party"] if treaty else status["member"],
                sum(s.troops or 0 for s in states.values() if s.status == "member"),
                eff.event.source_ids, counts))
        return Results(rows)

    def blame(self, day: str | date, coalition: str, actor: str, known_at: str | None = None,
              published_by: str | date | None = None, *, min_tier: str | None = None) -> Blame:
        """Every event that bears on `actor`'s state in `coalition` on `day`, in effect order,
        and for each field (status, since, troops) which event won and by which rule."""
        day = day if isinstance(day, date) else parse_day(day)
        lens = Lens.of(known_at, published_by, min_tier)
        with store.reading(self.engine) as conn:
            cid = self._resolve(conn, "coalition", coalition)
            aid = self._resolve(conn, "actor", actor)
            evidence = self._evidence(conn, lens.known)
            events = self._events(conn, cid, lens.known)
            if lens.by is not None or lens.min_tier is not None:
                events = heard(events, evidence, lens.by, lens.min_tier)
            effects = expand(self._coalition(conn, cid), events, evidence)
            rec = records_at(effects, day).get(aid)
            found = blame_of(aid, day, events, effects, rec, evidence)
            note = self._before_first_record(conn, lens.known) if not events else None
            cites = self._cite(conn, [s for ev in found["events"] for s in ev["sources"]])
            for ev in found["events"]:       # the tiers as known then (`known_at`)
                ev["sources"] = [{**cites.get(s, {"id": s}), "tier": evidence.tier(s)}
                                 for s in ev["sources"]]
        return Blame(cid, aid, day.isoformat(), found["fields"], found["events"], note)

    def history(self, actor: str) -> list[Spell]:
        """Every coalition the actor was in, when, and with what."""
        with store.reading(self.engine) as conn:
            aid = self._resolve(conn, "actor", actor)
            out = []
            for row in projection.actor_spells(conn, aid):
                rec = read_record(aid, row.status, row.troops, row.data)
                out.append(Spell(row.coalition_id, aid, row.status, row.valid_from, row.valid_to,
                                 row.troops, rec["since"], tuple(rec["sources"]), rec["uncertain"]))
            return Results(out)

    def growth(self, coalition: str, every: str = "year", start: str | None = None,
               end: str | None = None, published_by: str | date | None = None, *,
               min_tier: str | None = None) -> list[GrowthPoint]:
        """The coalition's size at the end of every year or month between its first and last effect
        (from the sources heard, if limited: README, rule 9)."""
        lens = Lens.of(None, published_by, min_tier)
        view = self._view(coalition) if lens.plain else self._heard_view(coalition, lens)
        if not view.points:
            return Results()
        first = parse_date(start).lo if start else date.fromisoformat(view.points[0])
        last = parse_date(end).hi if end else date.fromisoformat(view.points[-1])
        points = []
        for period_end in period_ends(first, last, 12 if every == "year" else 1):
            asof = view.asof(period_end)
            points.append(GrowthPoint(period_end.isoformat(), asof.count, asof.troops_total,
                                      asof.uncertain, asof.counts))
        return Results(points)

    def _heard_view(self, coalition: str, lens: "Lens") -> CoalitionView:
        """The coalition's spells as the sources heard give them, built in memory (not stored):
        enough for counts, so without names, citations or claims."""
        with store.reading(self.engine) as conn:
            cid = self._resolve(conn, "coalition", coalition)
            effects = self._effects(conn, cid, lens)
            coal = self._coalition(conn, cid)
        spells = [(r["valid_from"], r["valid_to"], r["record"]) for r in projection.build(effects)]
        return CoalitionView(coal, None, spells, {}, {}, [])

    def spells(self, coalition: str) -> list[tuple[str, str | None, dict]]:
        """The coalition's projection: (valid_from, valid_to or None, record), valid_to exclusive."""
        with store.reading(self.engine) as conn:
            cid = self._resolve(conn, "coalition", coalition)
            return [(r.valid_from, r.valid_to, read_record(r.actor_id, r.status, r.troops, r.data))
                    for r in projection.coalition_spells(conn, cid)]

    def panel(self, coalition: str, every: str = "year", start: str | None = None,
              end: str | None = None, **options: Any) -> Results:
        """An actor × period panel (README, "Panels"); options: troops="end"|"max"|"mean",
        all_states=True, system="cow"|"gw". The rows have `.to_pandas()`."""
        from .exports import panel
        return Results(panel(self, coalition, every, start, end, **options))

    def export(self, coalition: str | None = None, format: str = "jsonl") -> str:
        """The events with their sources: "jsonl" (re-imports as the same events) or "csv"."""
        from . import exports
        if format not in ("jsonl", "csv"):
            raise ValueError("format is 'jsonl' or 'csv'")
        return (exports.export_jsonl if format == "jsonl" else exports.export_csv)(self, coalition)

    # -- listings ----------------------------------------------------------------------------
    def coalitions(self) -> list[Coalition]:
        with store.reading(self.engine) as conn:
            ids = conn.execute(sa.select(schema.coalitions.c.id).order_by(schema.coalitions.c.id))
            return [self._coalition(conn, cid) for cid in ids.scalars().all()]

    def coalition(self, name: str) -> Coalition:
        with store.reading(self.engine) as conn:
            return self._coalition(conn, self._resolve(conn, "coalition", name))

    def actors(self, used_only: bool = False) -> list[Actor]:
        with store.reading(self.engine) as conn:
            t, al = schema.actors, schema.aliases
            alias: dict[str, list[str]] = {}
            for r in conn.execute(sa.select(al.c.target, al.c.display).where(al.c.namespace == "actor")):
                alias.setdefault(r.target, []).append(r.display)
            query = sa.select(t).order_by(t.c.id)
            if used_only:
                query = query.where(t.c.id.in_(sa.select(schema.events.c.actor_id).distinct()))
            return [Actor(r.id, r.name, r.kind, tuple(a for a in alias.get(r.id, []) if a != r.name))
                    for r in conn.execute(query)]

    def sources(self) -> list[Source]:
        """Every source with its current tier (its latest rating) and what it is a copy of."""
        with store.reading(self.engine) as conn:
            t = schema.source_ratings
            rated = {r.source_id: r for r in conn.execute(sa.select(t).order_by(t.c.id))}
            out = []
            for r in conn.execute(sa.select(schema.sources).order_by(schema.sources.c.id)):
                rating = rated.get(r.id)
                out.append(Source(r.id, r.title, r.publisher, r.author, r.url, r.published,
                                  r.accessed, rating.tier if rating else "unrated",
                                  rating.original if rating else None))
            return out

    def log(self, coalition: str | None = None, actor: str | None = None) -> list[Event]:
        with store.reading(self.engine) as conn:
            cid = self._resolve(conn, "coalition", coalition) if coalition else None
            aid = self._resolve(conn, "actor", actor) if actor else None
            return Results(store.to_event(r) for r in store.event_rows(conn, coalition=cid, actor=aid))

    def event_id(self, seq: int) -> str:
        """The id of event #seq (what a correction or retraction refers to)."""
        with store.reading(self.engine) as conn:
            eid = conn.execute(sa.select(schema.events.c.eid).where(schema.events.c.seq == seq)).scalar()
        if eid is None:
            raise UnknownIdError(f"no event #{seq}", field="ref")
        return eid

    # -- integrity ---------------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        with store.reading(self.engine) as conn:
            return store.head(conn)

    def verify(self, *, deep: bool = False, cited: tuple[int, str] | None = None) -> Verification:
        """Recompute the hash chains of the events and the declarations, and check every declared
        row and derived column; name the first thing that does not match. `cited` (SEQ, DIGEST):
        also check that the chain's digest at SEQ is the one cited; `deep`: also check that the
        stored spells are those a replay of the log gives (README, "Integrity")."""
        from . import verifying
        with store.reading(self.engine) as conn:
            return verifying.verify(self, conn, deep, cited)

    def check(self) -> list[Problem]:
        """Inconsistencies in the events (reported, never refused)."""
        from . import checks
        with store.reading(self.engine) as conn:
            return checks.run(self, conn)


class Tiers:
    """Sources' current tiers (their latest ratings, recorded by `known_at`), read once when first
    asked for: one query of a row per rated source."""

    def __init__(self, conn: Connection, known_at: str | None = None):
        self.conn, self.known_at, self.found = conn, known_at, None

    def get(self, source: str, default: str | None = None) -> str | None:
        if self.found is None:
            self.found = store.tiers(self.conn, known_at=self.known_at)
        return self.found.get(source, default)


class PublishedDates:
    """Sources' publication dates for the disagreement rule, read as it asks for them: an append
    cites a source or two of the hundreds a ledger holds."""

    def __init__(self, rows: Rows):
        self.rows = rows

    def get(self, source: str, default: str | None = None) -> str | None:
        row = self.rows.get(source)
        return row.published if row is not None else default


@dataclass(frozen=True)
class Lens:
    """What an answer hears: the events recorded by `known` (an instant), the citations of sources
    published by `by` (a day) and rated `min_tier` or stronger (README, rule 9). The plain lens
    hears everything and is answered from the stored projection."""
    known: str | None = None
    by: date | None = None
    min_tier: str | None = None

    @classmethod
    def of(cls, known_at: str | None, published_by: str | date | None,
           min_tier: str | None = None) -> "Lens":
        """A date of publication given as a year or a month means its last day."""
        known = format_instant(parse_instant(known_at)) if known_at is not None else None
        by = published_by
        if by is not None and not isinstance(by, date):
            by = parse_date(by).hi
        if min_tier is not None and min_tier not in TIERS:
            raise InputError(f"{min_tier!r} is not a tier (one of: {', '.join(TIERS)})",
                             field="min-tier")
        return cls(known, by, min_tier)

    @property
    def plain(self) -> bool:
        return self.known is None and self.by is None and self.min_tier is None


def _seen(rec: dict | None) -> dict | None:
    """What a diff compares of an actor on a day: status, troops, and whether it is certain."""
    if rec is None:
        return None
    return {"status": rec["status"], "troops": rec["troops"], "uncertain": rec["uncertain"]}


def _detail(eff) -> str:
    p = eff.event.payload
    bits = []
    if eff.kind == "party":
        bits.append("in force for it")
    if "troops" in p:
        bits.append(("peak of " if eff.event.type == "peak_troops" else "")
                    + ("about " if p.get("approx") else "") + f"{p['troops']:,} troops")
    for key in ("mode", "role", "label"):
        if p.get(key) and not (key == "mode" and eff.kind == "party"):
            bits.append(str(p[key]))
    if "count" in p:
        bits.append(f"count {p['count']}")
    if eff.kind == "withdrawn":
        bits.append(f"withdrawal notified {eff.event.date.text} takes effect")
    if eff.kind == "held":
        bits.append(f"withdrawal notified {eff.event.date.text} held off: armed conflict")
    if eff.kind == "announce":
        target = eff.event.effective
        bits.append(f"announced; to leave by {target.text}" if target else "announced")
    elif eff.kind == "note" and eff.event.effective:
        bits.append(f"target {eff.event.effective.text}")
    if eff.disputed:
        bits.append("disputed: " + "; ".join(disputed_text(d) for d in eff.disputed))
    return "; ".join(bits)


def _spell_set(conn: Connection, cid: str) -> set:
    return {(r.actor_id, r.valid_from, r.valid_to, r.status, r.troops)
            for r in projection.coalition_spells(conn, cid)}


def _spell_changes(before: set, after: set) -> dict:
    fmt = lambda s: {"actor": s[0], "from": s[1], "to": s[2], "status": s[3], "troops": s[4]}
    return {"added": [fmt(s) for s in sorted(after - before, key=str)],
            "removed": [fmt(s) for s in sorted(before - after, key=str)]}
