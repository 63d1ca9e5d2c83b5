"""From the log to a timeline of effects: corrections, disagreements and treaty time.

The steps, in order (each documented in the README's "Temporal rules"):
1. retractions remove events; corrections replace fields of their target and add their sources;
2. a coarser date of a one-off fact is refined by a finer one inside it;
3. events that state the same fact (same type, actor and dates) from different sources either agree
   (their sources are pooled) or disagree; claims of one one-off fact on different dates (two
   ratifications with no withdrawal between them) disagree too. The claim with the strongest
   source tier wins, then the one whose source was published last, then the one recorded last;
   the others are kept as `disputed` alternatives, each saying which rule it lost by;
4. each event becomes one or more effects, each taking effect on a day inside an interval [lo, hi];
   a treaty ratification also yields the day the treaty enters into force for that state, and a
   treaty withdrawal the day it takes effect, by the treaty's own rules (see `treaty.py`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable

from .dates import FuzzyDate, parse_date, span
from .evidence import Evidence
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
    cited = set(target.source_ids)      # a correction citing the target's own source adds nothing
    more = tuple(c for c in correction.sources if c.source not in cited)
    return replace(target, payload=freeze(payload), sources=target.sources + more, **changes)


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


def settle_disputes(events: list[Event], evidence: Evidence) -> list[tuple[Event, tuple]]:
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
    settled: list[tuple[Event, tuple]] = []
    for claims in groups.values():
        if len(claims) == 1:
            settled.append((claims[0], ()))
            continue
        by_value: dict[str, list[Event]] = {}
        for ev in claims:
            by_value.setdefault(json.dumps(dict(ev.payload), sort_keys=True), []).append(ev)
        settled.append(_decide([(_pool(same), ()) for same in by_value.values()], evidence, "value"))
    out = singles + _date_disputes(settled, evidence)
    out.sort(key=lambda pair: pair[0].seq or 0)
    return out


# One-off facts and what ends one, so that a later claim of the same type is another fact: two
# joins with no withdrawal between them are one join whose date sources give differently; a join
# after a withdrawal is a return.
ONE_OFF = {"join": {"withdraw"}, "withdraw": {"join"}, "sign_treaty": {"unsign"},
           "unsign": {"sign_treaty"}, "ratify": {"withdraw_treaty"},
           "withdraw_treaty": {"ratify", "revoke_withdrawal"}, "entry_into_force": set(),
           "start": set(), "end": set()}


def _date_disputes(settled: list[tuple[Event, tuple]], evidence: Evidence) -> list[tuple[Event, tuple]]:
    """Claims of one one-off fact of one actor on different days: one wins (README, rule 7)."""
    by_actor: dict[str | None, list[tuple[Event, tuple]]] = {}
    out = []
    for pair in settled:
        if pair[0].type in ONE_OFF or any(pair[0].type in ends for ends in ONE_OFF.values()):
            by_actor.setdefault(pair[0].actor, []).append(pair)
        else:
            out.append(pair)
    for pairs in by_actor.values():
        pairs.sort(key=lambda p: (p[0].when.lo, p[0].when.hi, p[0].seq or 0))
        open_: dict[str, list] = {}
        clusters = []
        for pair in pairs:
            for kind, ends in ONE_OFF.items():
                if pair[0].type in ends and kind in open_:
                    clusters.append(open_.pop(kind))
            if pair[0].type in ONE_OFF:
                open_.setdefault(pair[0].type, []).append(pair)
            else:
                out.append(pair)      # only ends others (a revocation)
        clusters.extend(open_.values())
        out.extend(c[0] if len(c) == 1 else _decide(c, evidence, "date") for c in clusters)
    return out


def _pool(same: list[Event]) -> Event:
    """Agreeing claims as one: the latest recorded, citing every source of them all."""
    same = sorted(same, key=lambda e: e.seq or 0)
    seen, cites = set(), []
    for ev in same:
        for c in ev.sources:
            if c.source not in seen:
                seen.add(c.source)
                cites.append(c)
    last = same[-1]
    return replace(last, sources=tuple(cites)) if len(cites) != len(last.sources) else last


def strength(ev: Event, evidence: Evidence) -> tuple:
    """How a claim ranks against another of the same fact: its strongest source's tier, then its
    latest-published source, then its recording."""
    return (max((evidence.rank(s) for s in ev.source_ids), default=0),
            max((evidence.date(s) or "" for s in ev.source_ids), default=""), ev.seq or 0)


RULES = ("tier", "publication", "recording")


def _decide(claims: list[tuple[Event, tuple]], evidence: Evidence, field: str) -> tuple[Event, tuple]:
    """The winner of disagreeing claims, with the others as its disputed alternatives."""
    ranked = sorted(claims, key=lambda pair: strength(pair[0], evidence), reverse=True)
    winner, kept = ranked[0]
    top = strength(winner, evidence)
    alternatives = list(kept)
    for ev, theirs in ranked[1:]:
        theirs_strength = strength(ev, evidence)
        rule = next(r for r, a, b in zip(RULES, top, theirs_strength) if a != b)
        alt = {"field": ev.type if field == "value" else "date",
               "value": dict(ev.payload) if field == "value" else ev.when.text,
               "sources": list(ev.source_ids), "tiers": [evidence.tier(s) for s in ev.source_ids],
               "seq": ev.seq, "lost_by": rule}
        alternatives.append(alt)
        alternatives.extend(theirs)
    return winner, tuple(alternatives)


def expand(coalition: Coalition, events: Iterable[Event], evidence: Evidence) -> list[Effect]:
    """The coalition's timeline of effects, sorted by (lo, hi, rank, seq)."""
    settled = settle_disputes(apply_corrections(events), evidence)
    effects: list[Effect] = []
    rules = (treaty_rules.Rules.of(coalition, [ev for ev, _ in settled])
             if coalition.kind == "treaty" else None)
    in_force = rules.entry_into_force([ev for ev, _ in settled]) if rules else None
    revoked = [ev for ev, _ in settled if ev.type == "revoke_withdrawal"]
    conflicts = treaty_rules.conflicts_of([ev for ev, _ in settled]) if rules else {}
    for ev, disputed in settled:
        kind = KIND_OF.get(ev.type, "note")
        # an event that changes no state is shown when it was made, with its target (rule 2)
        when = ev.date if kind in ("announce", "note") else ev.when
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
    if coalition.kind != "treaty" and coalition.start:
        effects = _from_start(effects, parse_date(coalition.start).lo)
    effects.sort(key=lambda e: e.order)
    return effects


def _from_start(effects: list[Effect], start: date) -> list[Effect]:
    """Nothing happens in a coalition before it starts: an effect dated to an interval that
    reaches back before the start (a join known only as "1999" in a force formed on 20 September
    1999) takes effect on a day from the start (README, rule 4). One dated wholly before the start
    stays where its source puts it, and `ledger check` reports it."""
    out = []
    for eff in effects:
        if eff.lo < start <= eff.hi:
            eff = replace(eff, lo=start)
        out.append(eff)
    return out


def _effect(ev: Event, kind: str, when: FuzzyDate, disputed: tuple) -> Effect:
    return Effect(when.lo, when.hi, RANK[kind], ev.seq or 0, kind, ev.actor, when, ev, disputed)
