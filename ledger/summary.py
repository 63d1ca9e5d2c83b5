"""Turning the records of one day into an `AsOf` answer (shared by the library and the fast path)."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

from .results import AsOf, Member
from .state import IN


def summarise(cid: str, name: str, kind: str, day: date, known: str | None, recs: dict,
              names: dict, cites: dict, claims: list) -> AsOf:
    members = tuple(sorted((member(r, names, cites) for r in recs.values() if r["status"] in IN),
                           key=sort_key))
    return answer(cid, name, kind, day, known, list(recs.values()), members, claims)


def answer(cid: str, name: str, kind: str, day: date, known: str | None, recs: list,
           members: tuple[Member, ...], claims: list) -> AsOf:
    """The answer from a day's records and its members (already built and sorted)."""
    certain = [r for r in recs if not r["uncertain"]]
    counts = None
    if kind == "treaty":
        counts = treaty_counts((r["status"], r["signed"]) for r in certain)
        count = counts["parties"]
    else:
        count = sum(1 for r in certain if r["status"] in IN)
    troops = sum(r["troops"] or 0 for r in certain if r["status"] in IN)
    uncertain = sum(1 for m in members if m.uncertain)
    return AsOf(cid, name, kind, day.isoformat(), known, count, troops, members, uncertain, counts,
                tuple(claims))


def sort_key(m: Member) -> tuple[str, str]:
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
    return Member(r["actor"], names.get(r["actor"], r["actor"]), r["status"], r["troops"], r["since"],
                  r["uncertain"], tuple(cites.get(s, {"id": s}) for s in r["sources"]),
                  r["approx"], r["possibly"], tuple(r["disputed"]), r["mode"], r["cause"])


def claim(date_text: str, payload: str, sources: str) -> dict:
    """A `count_claim` event as shown in an answer."""
    p = json.loads(payload)
    return {"count": p["count"], "date": date_text, "label": p.get("label"),
            "sources": [c["source"] for c in json.loads(sources)]}


def event_claim(ev) -> dict:
    """A `count_claim` event, as its corrections leave it (README, rule 8), as shown in an answer."""
    return {"count": ev.payload["count"], "date": ev.date.text, "label": ev.payload.get("label"),
            "sources": list(ev.source_ids)}
