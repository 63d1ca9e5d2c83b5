"""The answers read from a ledger: who was in a coalition on a day (`asof`), what changed between
two days (`diff`), its effects in order (`replay`), which events decide an actor's state (`blame`),
an actor's spells (`history`), a coalition's size over time (`growth`), its stored spells, and the
listings. Each is the body of the `Ledger` method of its name, where its documentation is."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import projection, reading, schema, store
from .blame import blame_of
from .catalog import Catalog
from .dates import parse_date, parse_day, parse_horizon, period_ends
from .diffs import inside
from .effects import expand
from .errors import UnknownIdError
from .evidence import heard
from .frames import Results
from .model import Actor, Coalition, Event, Source
from .reading import Lens
from .results import (AsOf, Blame, Change, Diff, GrowthPoint, ReplayRow, Spell, Within,
                      disputed_text)
from .state import IN, apply, records_at
from .summary import HORIZON, OUT, event_claim, summarise, treaty_counts
from .view import CoalitionView


def asof(engine: Engine, catalog: Catalog, day: str | date, coalition: str,
         known_at: str | None = None, published_by: str | date | None = None, *,
         min_tier: str | None = None, stale_after: str | None = None) -> AsOf:
    day = day if isinstance(day, date) else parse_day(day)
    lens = Lens.of(known_at, published_by, min_tier)
    horizon = parse_horizon(stale_after) if stale_after is not None else HORIZON
    if lens.plain:
        return catalog.view(coalition).asof(day, horizon)
    with store.reading(engine) as conn:
        cid = catalog.resolve(conn, "coalition", coalition)
        coal = catalog.coalition(conn, cid)
        recs = records_at(reading.effects(conn, coal, lens), day)
        shown = [r for r in recs.values() if r["status"] in IN + OUT]
        names = catalog.names(conn, [r["actor"] for r in shown])
        cites = catalog.cite(conn, [s for r in shown for s in r["sources"]])
        answer = summarise(coal.id, coal.name, coal.kind, day, lens.known, recs, names, cites,
                           _claims(conn, coal.id, day, lens), horizon)
        note = before_first_record(conn, lens.known) if not recs else None
    return replace(answer, published_by=lens.by.isoformat() if lens.by else None,
                   min_tier=lens.min_tier, note=note)


def before_first_record(conn: Connection, known: str | None) -> str | None:
    """Why an answer known at an instant before anything was recorded is empty (rule 9)."""
    if known is None:
        return None
    first = conn.execute(sa.select(sa.func.min(schema.event_log.c.recorded_at))).scalar()
    if first is None or first <= known:
        return None
    return (f"nothing had been recorded by {known}: the first event was recorded at {first}. "
            "Events are recorded when first loaded into this ledger (the bundled ones too); "
            "to ask what the sources had said by a date, use --published-by DATE.")


def _claims(conn, cid: str, day: date, lens: Lens) -> list[dict]:
    return [event_claim(ev) for ev in reading.claim_events(conn, cid, lens) if ev.date.lo <= day]


def diff(engine: Engine, catalog: Catalog, start: str | date, end: str | date, coalition: str,
         known_at: str | None = None, published_by: str | date | None = None, *,
         min_tier: str | None = None) -> Diff:
    d0 = start if isinstance(start, date) else parse_day(start)
    d1 = end if isinstance(end, date) else parse_day(end)
    lens = Lens.of(known_at, published_by, min_tier)
    if lens.plain:
        view = catalog.view(coalition)
        cid, names, cites = view.coalition.id, view.names, view.cites
        spells = view.spells_changing(d0, d1)
        before, after = view.records_at(d0), view.records_at(d1)
    else:
        with store.reading(engine) as conn:
            cid = catalog.resolve(conn, "coalition", coalition)
            # one replay for both days
            effects = reading.effects(conn, catalog.coalition(conn, cid), lens)
            before, after = records_at(effects, d0), records_at(effects, d1)
            spells = [(r["valid_from"], r["valid_to"], r["record"])
                      for r in projection.build(effects)]
            names = catalog.names(conn, {rec["actor"] for _, _, rec in spells})
            cites = catalog.cite(conn, [s for r in after.values() for s in r["sources"]])
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
        with store.reading(engine) as conn:
            note = before_first_record(conn, lens.known)
    return Diff(cid, d0.isoformat(), d1.isoformat(), tuple(joined), tuple(left), tuple(changed),
                lens.by.isoformat() if lens.by else None, within, lens.min_tier, lens.known,
                note)


def replay(engine: Engine, catalog: Catalog, coalition: str, start: str | None = None,
           end: str | None = None, published_by: str | date | None = None, *,
           actor: str | None = None, min_tier: str | None = None) -> list[ReplayRow]:
    d0 = parse_date(start).lo if start else None
    d1 = parse_date(end).hi if end else None
    lens = Lens.of(None, published_by, min_tier)
    with store.reading(engine) as conn:
        cid = catalog.resolve(conn, "coalition", coalition)
        aid = catalog.resolve(conn, "actor", actor) if actor else None
        coal = catalog.coalition(conn, cid)
        effects = reading.effects(conn, coal, lens)
        names = catalog.names(conn, [e.actor for e in effects if e.actor])
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


def blame(engine: Engine, catalog: Catalog, day: str | date, coalition: str, actor: str,
          known_at: str | None = None, published_by: str | date | None = None, *,
          min_tier: str | None = None) -> Blame:
    day = day if isinstance(day, date) else parse_day(day)
    lens = Lens.of(known_at, published_by, min_tier)
    with store.reading(engine) as conn:
        cid = catalog.resolve(conn, "coalition", coalition)
        aid = catalog.resolve(conn, "actor", actor)
        evidence = reading.evidence(conn, lens.known)
        events = reading.events(conn, cid, lens.known)
        if lens.by is not None or lens.min_tier is not None:
            events = heard(events, evidence, lens.by, lens.min_tier)
        effects = expand(catalog.coalition(conn, cid), events, evidence)
        rec = records_at(effects, day).get(aid)
        found = blame_of(aid, day, events, effects, rec, evidence)
        note = before_first_record(conn, lens.known) if not events else None
        cites = catalog.cite(conn, [s for ev in found["events"] for s in ev["sources"]])
        for ev in found["events"]:       # the tiers as known then (`known_at`)
            ev["sources"] = [{**cites.get(s, {"id": s}), "tier": evidence.tier(s)}
                             for s in ev["sources"]]
    return Blame(cid, aid, day.isoformat(), found["fields"], found["events"], note)


def history(engine: Engine, catalog: Catalog, actor: str) -> list[Spell]:
    with store.reading(engine) as conn:
        aid = catalog.resolve(conn, "actor", actor)
        out = []
        for coalition, valid_from, valid_to, rec in projection.actor_spells(conn, aid):
            out.append(Spell(coalition, aid, rec["status"], valid_from, valid_to,
                             rec["troops"], rec["since"], tuple(rec["sources"]), rec["uncertain"]))
        return Results(out)


def growth(engine: Engine, catalog: Catalog, coalition: str, every: str = "year",
           start: str | None = None, end: str | None = None,
           published_by: str | date | None = None, *,
           min_tier: str | None = None) -> list[GrowthPoint]:
    lens = Lens.of(None, published_by, min_tier)
    view = catalog.view(coalition) if lens.plain else heard_view(engine, catalog, coalition, lens)
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


def heard_view(engine: Engine, catalog: Catalog, coalition: str, lens: Lens) -> CoalitionView:
    """The coalition's spells as the sources heard give them, built in memory (not stored):
    enough for counts, so without names, citations or claims."""
    with store.reading(engine) as conn:
        cid = catalog.resolve(conn, "coalition", coalition)
        coal = catalog.coalition(conn, cid)
        effects = reading.effects(conn, coal, lens)
    spells = [(r["valid_from"], r["valid_to"], r["record"]) for r in projection.build(effects)]
    return CoalitionView(coal, None, spells, {}, {}, [])


def spells(engine: Engine, catalog: Catalog, coalition: str) -> list[tuple[str, str | None, dict]]:
    with store.reading(engine) as conn:
        cid = catalog.resolve(conn, "coalition", coalition)
        return [(f, t, rec) for _, f, t, rec in projection.coalition_spells(conn, cid)]


def coalitions(engine: Engine, catalog: Catalog) -> list[Coalition]:
    with store.reading(engine) as conn:
        ids = conn.execute(sa.select(schema.coalitions.c.id).order_by(schema.coalitions.c.id))
        return [catalog.coalition(conn, cid) for cid in ids.scalars().all()]


def coalition(engine: Engine, catalog: Catalog, name: str) -> Coalition:
    with store.reading(engine) as conn:
        return catalog.coalition(conn, catalog.resolve(conn, "coalition", name))


def actors(engine: Engine, used_only: bool = False) -> list[Actor]:
    with store.reading(engine) as conn:
        t, al = schema.actors, schema.aliases
        alias: dict[str, list[str]] = {}
        for r in conn.execute(sa.select(al.c.target, al.c.display).where(al.c.namespace == "actor")):
            alias.setdefault(r.target, []).append(r.display)
        query = sa.select(t).order_by(t.c.id)
        if used_only:
            query = query.where(t.c.id.in_(sa.select(schema.event_log.c.actor_id).distinct()))
        return [Actor(r.id, r.name, r.kind, tuple(a for a in alias.get(r.id, []) if a != r.name))
                for r in conn.execute(query)]


def sources(engine: Engine) -> list[Source]:
    with store.reading(engine) as conn:
        t = schema.source_ratings
        rated = {r.source_id: r for r in conn.execute(sa.select(t).order_by(t.c.id))}
        out = []
        for r in conn.execute(sa.select(schema.sources).order_by(schema.sources.c.id)):
            rating = rated.get(r.id)
            out.append(Source(r.id, r.title, r.publisher, r.author, r.url, r.published,
                              r.accessed, rating.tier if rating else "unrated",
                              rating.original if rating else None))
        return out


def log(engine: Engine, catalog: Catalog, coalition: str | None = None,
        actor: str | None = None) -> list[Event]:
    with store.reading(engine) as conn:
        cid = catalog.resolve(conn, "coalition", coalition) if coalition else None
        aid = catalog.resolve(conn, "actor", actor) if actor else None
        return Results(store.to_event(r) for r in store.event_rows(conn, coalition=cid, actor=aid))


def event_id(engine: Engine, seq: int) -> str:
    with store.reading(engine) as conn:
        log = schema.event_log
        eid = conn.execute(sa.select(log.c.eid).where(log.c.seq == seq)).scalar()
    if eid is None:
        raise UnknownIdError(f"no event #{seq}", field="ref")
    return eid


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
