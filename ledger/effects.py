"""From the log to a timeline of effects: corrections, disagreements and treaty time.

The steps, in order (each documented in the README's "Temporal rules"):
1. retractions remove events; corrections replace fields of their target and add their sources;
2. events that state the same fact (same type, actor and dates) from different sources either agree
   (their sources are pooled) or disagree: the claim whose source was published last wins, ties
   going to the claim recorded last, and the others are kept as `disputed` alternatives;
3. each event becomes one or more effects, each taking effect on a day inside an interval [lo, hi];
   a treaty ratification also yields the day the treaty enters into force for that state, and a
   treaty withdrawal the day it takes effect, by the treaty's own rules (see `treaty.py`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Mapping

from .dates import FuzzyDate, parse_date, span
from .model import Coalition, Event, freeze
from . import treaty as treaty_rules

# Order of effects on the same day: entering before changing before leaving.
RANK = {"join": 0, "sign": 0, "note": 0, "ratify": 1, "troops": 1, "party": 2, "announce": 3,
        "notify": 3, "held": 3, "unsign": 4, "leave": 4, "withdrawn": 4, "end": 5}

KIND_OF = {"join": "join", "commit_troops": "troops", "withdraw": "leave",
           "announce_withdrawal": "announce", "sign_treaty": "sign", "ratify": "ratify",
           "unsign": "unsign", "withdraw_treaty": "notify", "end": "end"}

# One-off facts: a coarser date for the same fact is refined by a finer one inside it.
REFINABLE = {"join", "withdraw", "announce_withdrawal", "sign_treaty", "ratify", "unsign",
             "withdraw_treaty", "entry_into_force", "start", "end"}

DISPUTABLE = {"join", "commit_troops", "withdraw", "announce_withdrawal", "sign_treaty", "ratify",
              "unsign", "withdraw_treaty", "entry_into_force", "start", "end"}


@dataclass(frozen=True, slots=True)
class Effect:
    lo: date
    hi: date
    rank: int
    seq: int
    kind: str
    actor: str | None
    when: FuzzyDate            # the day (or interval) it takes effect, as shown
    event: Event               # the event, as corrected, that causes it
    disputed: tuple = ()       # alternatives other sources give for the same fact

    @property
    def order(self) -> tuple:
        return (self.lo, self.hi, self.rank, self.seq)


def apply_corrections(events: Iterable[Event]) -> list[Event]:
    """The events that stand, with corrections applied, in recording order."""
    events = sorted(events, key=lambda e: e.seq or 0)
    retracted = {e.payload["ref"] for e in events if e.type == "retract"}
    current: dict[str, Event] = {}
    for ev in events:
        if ev.type not in ("correct", "retract") and ev.key not in retracted:
            current[ev.key] = ev
    for ev in events:
        if ev.type == "correct" and ev.key not in retracted and ev.payload["ref"] in current:
            target = current[ev.payload["ref"]]
            current[target.key] = patch(target, ev)
    return sorted(current.values(), key=lambda e: e.seq or 0)


def patch(target: Event, correction: Event) -> Event:
    fields = dict(correction.payload["set"])
    changes: dict = {}
    if "date" in fields:
        changes["date"] = parse_date(fields.pop("date"))
    if "effective" in fields:
        changes["effective"] = parse_date(fields.pop("effective"))
    payload = {**target.payload, **fields}
    return replace(target, payload=freeze(payload), sources=target.sources + correction.sources,
                   **changes)


def as_published(events: Iterable[Event], published: Mapping[str, str | None], by: date) -> list[Event]:
    """The events as the sources published by `by` give them (README, rule 9): each keeps only its
    citations of sources surely out by then (the last day of the publication date is on or before
    `by`), and an event left citing none is left out. A source without a publication date is never
    counted as out: the ledger cannot say it was."""
    out = []
    for ev in events:
        kept = tuple(c for c in ev.sources if is_out(published.get(c.source), by))
        if len(kept) == len(ev.sources):
            out.append(ev)
        elif kept:
            out.append(replace(ev, sources=kept))
    return out


def is_out(published: str | None, by: date) -> bool:
    """Whether a source with this publication date was surely out by the day `by`."""
    return published is not None and parse_date(published).hi <= by


def refine(events: list[Event]) -> list[Event]:
    """Drop an event whose date is only a coarser statement of another's ("2003" beside
    "2003-03-20" for the same join): the finer one stands and also cites the coarser one's sources."""
    by_fact: dict[tuple, list[Event]] = {}
    for ev in events:
        if ev.type in REFINABLE:
            by_fact.setdefault((ev.type, ev.actor), []).append(ev)
    dropped: set[int] = set()
    extra: dict[int, list] = {}
    for same in by_fact.values():
        if len(same) < 2:
            continue
        for coarse in same:
            if coarse.date.exact:
                continue
            finer = [f for f in same if f is not coarse and id(f) not in dropped
                     and coarse.date.lo <= f.date.lo and f.date.hi <= coarse.date.hi
                     and (f.date.hi - f.date.lo) < (coarse.date.hi - coarse.date.lo)]
            if finer:
                dropped.add(id(coarse))
                extra.setdefault(id(finer[0]), []).extend(coarse.sources)
    out = []
    for ev in events:
        if id(ev) in dropped:
            continue
        more = [c for c in extra.get(id(ev), []) if c.source not in ev.source_ids]
        out.append(replace(ev, sources=ev.sources + tuple(more)) if more else ev)
    return out


def settle_disputes(events: list[Event], published: Mapping[str, str]) -> list[tuple[Event, tuple]]:
    """Pool agreeing claims of one fact; pick one of disagreeing claims by the documented rule."""
    events = refine(events)
    groups: dict[tuple, list[Event]] = {}
    singles: list[tuple[Event, tuple]] = []
    for ev in events:
        if ev.type in DISPUTABLE:
            key = (ev.type, ev.actor, ev.date.text, ev.effective.text if ev.effective else None)
            groups.setdefault(key, []).append(ev)
        else:
            singles.append((ev, ()))
    for claims in groups.values():
        if len(claims) == 1:
            singles.append((claims[0], ()))
            continue
        by_value: dict[str, list[Event]] = {}
        for ev in claims:
            by_value.setdefault(json.dumps(dict(ev.payload), sort_keys=True), []).append(ev)
        ranked = sorted(((_latest_published(same, published), max(e.seq or 0 for e in same), _pool(same))
                         for same in by_value.values()), key=lambda t: t[:2])
        winner, losers = ranked[-1][2], [t[2] for t in ranked[:-1]]
        alternatives = tuple({"field": ev.type, "value": dict(ev.payload),
                              "sources": list(ev.source_ids), "seq": ev.seq} for ev in losers)
        singles.append((winner, alternatives))
    singles.sort(key=lambda pair: pair[0].seq or 0)
    return singles


def _pool(same: list[Event]) -> Event:
    first = same[0]
    seen = {c.source for c in first.sources}
    extra = []
    for ev in same[1:]:
        for c in ev.sources:
            if c.source not in seen:
                seen.add(c.source)
                extra.append(c)
    return replace(first, sources=first.sources + tuple(extra)) if extra else first


def _latest_published(same: list[Event], published: Mapping[str, str]) -> str:
    return max((published.get(s) or "" for ev in same for s in ev.source_ids), default="")


def expand(coalition: Coalition, events: Iterable[Event], published: Mapping[str, str]) -> list[Effect]:
    """The coalition's timeline of effects, sorted by (lo, hi, rank, seq)."""
    settled = settle_disputes(apply_corrections(events), published)
    effects: list[Effect] = []
    rules = (treaty_rules.Rules.of(coalition, [ev for ev, _ in settled])
             if coalition.kind == "treaty" else None)
    in_force = rules.entry_into_force([ev for ev, _ in settled]) if rules else None
    revoked = [ev for ev, _ in settled if ev.type == "revoke_withdrawal"]
    conflicts = treaty_rules.conflicts_of([ev for ev, _ in settled]) if rules else {}
    for ev, disputed in settled:
        kind = KIND_OF.get(ev.type, "note")
        when = ev.when
        if ev.type == "withdraw_treaty":
            effects.append(_effect(ev, "notify", ev.date, disputed))
            due = when = ev.effective or rules.withdrawal_effective(ev.date)
            holding = None
            if ev.effective is None:
                # the treaty's period may end during an armed conflict of the withdrawing state
                holding, when = rules.held_by_conflict(due, conflicts.get(ev.actor, []))
            if any(r.actor == ev.actor and ev.date.lo <= r.date.lo
                   and (when is None or r.date.hi < when.lo) for r in revoked):
                continue
            if holding is not None:
                effects.append(_effect(ev, "held", due, ()))
            if when is not None:
                effects.append(_effect(ev, "withdrawn", when, disputed))
            continue
        if ev.type == "ratify":
            retroactive = ev.effective is not None and ev.effective.hi < ev.date.lo
            # a succession counts from the day it names (often independence), though notified later
            effects.append(_effect(ev, "ratify", ev.effective if retroactive else ev.date, disputed))
            party = ev.effective or (rules.in_force_for(ev.date, in_force) if in_force else None)
            if party is not None and in_force is not None and party.lo < in_force.lo:
                # no state is a party before the treaty itself is in force (`check` notes the claim)
                party = span(max(party.lo, in_force.lo), max(party.hi, in_force.hi))
            if party is not None:
                effects.append(_effect(ev, "party", party, ()))
            continue
        effects.append(_effect(ev, kind, when, disputed))
    effects.sort(key=lambda e: e.order)
    return effects


def _effect(ev: Event, kind: str, when: FuzzyDate, disputed: tuple) -> Effect:
    return Effect(when.lo, when.hi, RANK[kind], ev.seq or 0, kind, ev.actor, when, ev, disputed)
