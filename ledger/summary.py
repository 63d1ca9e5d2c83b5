"""Turning the records of one day into an `AsOf` answer (shared by the library and the fast path)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import date

from .dates import before, horizon_text, parse_date
from .results import AsOf, Former, Member
from .state import IN

OUT = ("left", "withdrawn", "unsigned", "ended")     # was in, is out (README, rule 12)
HORIZON = (6, 0)     # months, days: a troop figure older than this is stale (README, rule 12)


def summarise(cid: str, name: str, kind: str, day: date, known: str | None, recs: dict,
              names: dict, cites: dict, claims: list, horizon: tuple[int, int] = HORIZON) -> AsOf:
    members = tuple(sorted((member(r, names, cites) for r in recs.values() if r["status"] in IN),
                           key=sort_key))
    former = tuple(sorted((former_member(r, names, cites) for r in recs.values()
                           if r["status"] in OUT), key=sort_key))
    return answer(cid, name, kind, day, known, list(recs.values()), members, claims, former,
                  horizon)


def answer(cid: str, name: str, kind: str, day: date, known: str | None, recs: list,
           members: tuple[Member, ...], claims: list, former: tuple[Former, ...] = (),
           horizon: tuple[int, int] = HORIZON, stale: dict | None = None) -> AsOf:
    """The answer from a day's records and its members (already built and sorted). `stale`
    keeps the stale copy of a member (by id) for a caller that asks about many days."""
    certain = [r for r in recs if not r["uncertain"]]
    counts = None
    if kind == "treaty":
        counts = treaty_counts((r["status"], r["signed"]) for r in certain)
        count = counts["parties"]
    else:
        count = sum(1 for r in certain if r["status"] in IN)
    troops = sum(r["troops"] or 0 for r in certain if r["status"] in IN)
    uncertain = sum(1 for m in members if m.uncertain)
    cutoff = before(day, horizon)
    stale = {} if stale is None else stale
    members = tuple(_stale(m, stale) if is_stale(m, cutoff) else m for m in members)
    known_figures = [m for m in members if not m.uncertain and m.troops is not None]
    return AsOf(cid, name, kind, day.isoformat(), known, count, troops, members, uncertain, counts,
                tuple(claims), stale_after=horizon_text(horizon), troops_known=len(known_figures),
                troops_stale=sum(1 for m in known_figures if m.stale), former=former)


def _stale(m: Member, copies: dict) -> Member:
    found = copies.get(id(m))
    if found is None:
        found = copies[id(m)] = replace(m, stale=True)
    return found


def is_stale(m: Member, cutoff: date) -> bool:
    """A figure is stale when even the last day its date may stand for is before the cutoff."""
    return m.troops is not None and m.troops_as_of is not None and \
        parse_date(m.troops_as_of).hi < cutoff


def sort_key(m) -> tuple[str, str]:
    """Members are listed by name, then id."""
    return (m.name.casefold(), m.actor)


def treaty_counts(states) -> dict:
    """signed / ratified / parties / withdrawn over (status, signed) pairs (README, rule 10)."""
    states = list(states)
    status = Counter(s for s, _ in states)
    return {"signed": sum(1 for s, signed in states if signed and s != "unsigned"),
            "ratified": status["ratified"] + status["party"], "parties": status["party"],
            "withdrawn": status["withdrawn"]}


def member(r: dict, names: dict, cites: dict) -> Member:
    cite = lambda ids: tuple(cites.get(s, {"id": s}) for s in ids)
    return Member(r["actor"], names.get(r["actor"], r["actor"]), r["status"], r["troops"], r["since"],
                  r["uncertain"], cite(r["sources"]), r["approx"], r["possibly"],
                  tuple(r["disputed"]), r["mode"], r["cause"], cite(r["status_sources"]),
                  r["status_event"], r["troops_as_of"], cite(r["troops_sources"]),
                  r["troops_event"], r["troops_uncertain"])


def former_member(r: dict, names: dict, cites: dict) -> Former:
    return Former(r["actor"], names.get(r["actor"], r["actor"]), r["status"], r["since"],
                  tuple(cites.get(s, {"id": s}) for s in r["status_sources"]))


def claim(date_text: str, payload: str, sources: str) -> dict:
    """A `count_claim` event as shown in an answer."""
    p = json.loads(payload)
    return {"count": p["count"], "date": date_text, "label": p.get("label"),
            "sources": [c["source"] for c in json.loads(sources)]}


def event_claim(ev) -> dict:
    """A `count_claim` event, as its corrections leave it (README, rule 8), as shown in an answer."""
    return {"count": ev.payload["count"], "date": ev.date.text, "label": ev.payload.get("label"),
            "sources": list(ev.source_ids)}
