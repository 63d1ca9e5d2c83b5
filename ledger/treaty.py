"""Treaty time, from the rules stored on the coalition (never special cases in code).

A coalition of kind `treaty` carries rules like (Ottawa Convention, Art. 15, 17, 20):

    signature_open: {from: 1997-12-03, until: entry_into_force}
    entry_into_force: {threshold: 40, days: 0, months: 6, first_of_month: true}
    later_states:     {days: 0, months: 6, first_of_month: true}
    withdrawal:       {months: 6}

A date rule maps a deposit day d to: first day of the month of (d + days), plus months (and years),
when `first_of_month`; else d + days + months + years. Rome Statute Art. 126 is
{days: 60, months: 1, first_of_month: true}: the first day of the month after the 60th day.

What the model-two treaties add (README, Temporal rules 10):
- `entry_into_force.counts`: the kinds of instrument that count toward the threshold (the Arms Trade
  Treaty, Art. 22, counts ratification, acceptance and approval, not accession); default all.
- `later_states.after`: which deposits the later-states rule applies to: those made after the
  threshold-th deposit (`threshold`, the default: Ottawa, Rome, CCM, TPNW) or only those made on or
  after the day the treaty enters into force (`entry_into_force`: ATT Art. 22(2), OPAC Art. 10(2));
  a state that deposited earlier is bound from the treaty's own entry into force.
- `treaty_rule` events state rules a coalition's declaration left out (declarations are never
  edited), e.g. Ottawa's Art. 20(3); they hold for the whole history, whatever their date.
- `withdrawal.armed_conflict: true`: a withdrawal does not take effect while the withdrawing state
  is engaged in an armed conflict at the end of the period (Ottawa Art. 20(3), CCM 20(2), TPNW
  17(3), OPAC 11), but on the day its recorded conflict ends (`conflict_begins`, `conflict_ends`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from .dates import FuzzyDate, parse_date, shift, span
from .model import Coalition, Event
from .treaty_rules import (ANCHORS, DATE_KEYS, RULE_KEYS, RULE_LIMITS,  # noqa: F401 (as before)
                           TREATY_KEYS, check_rules)


@dataclass(frozen=True)
class Conflict:
    """An armed conflict of one state, from the day it began up to (not including) the day it
    ended; `end` None while no end is recorded."""
    begin: FuzzyDate
    end: FuzzyDate | None
    event: Event


def conflicts_of(events: list[Event]) -> dict[str, list[Conflict]]:
    """Each actor's recorded armed conflicts: in date order, a `conflict_begins` ends at the first
    `conflict_ends` of the same actor on or after it that no earlier conflict took."""
    out: dict[str, list[Conflict]] = {}
    by_date = lambda e: (e.date.lo, e.date.hi, e.seq or 0)
    ends = sorted((e for e in events if e.type == "conflict_ends"), key=by_date)
    for ev in sorted((e for e in events if e.type == "conflict_begins"), key=by_date):
        end = next((x for x in ends if x.actor == ev.actor and x.date.lo >= ev.date.hi), None)
        if end is not None:
            ends.remove(end)
        out.setdefault(ev.actor, []).append(Conflict(ev.date, end.date if end else None, ev))
    return out


@dataclass(frozen=True)
class Rules:
    raw: Mapping[str, Any]

    @classmethod
    def of(cls, coalition: Coalition, events: list[Event] = ()) -> "Rules":
        """The coalition's declared rules, with what its `treaty_rule` events state, in recording
        order, added to each rule (a key they give replaces the declared one)."""
        raw = dict(coalition.treaty or {})
        for ev in sorted((e for e in events if e.type == "treaty_rule"), key=lambda e: e.seq or 0):
            for name, value in ev.payload["rule"].items():
                old = raw.get(name)
                raw[name] = ({**old, **value} if isinstance(old, Mapping) and isinstance(value, Mapping)
                             else value)
        return cls(raw)

    def _apply(self, rule: Mapping[str, Any] | None, day: date) -> date:
        if not rule:
            return day
        return shift(day, days=rule.get("days", 0), months=rule.get("months", 0),
                     years=rule.get("years", 0), first=bool(rule.get("first_of_month")))

    def _on(self, rule: Mapping[str, Any] | None, when: FuzzyDate) -> FuzzyDate:
        return span(self._apply(rule, when.lo), self._apply(rule, when.hi))

    def entry_into_force(self, events: list[Event]) -> FuzzyDate | None:
        """The treaty's own entry into force: a recorded event if there is one, else computed from the
        threshold-th deposit. None while it is not (known to be) in force."""
        recorded = [e for e in events if e.type == "entry_into_force"]
        if recorded:
            return min(recorded, key=lambda e: (e.when.lo, e.when.hi)).when
        return self.computed_entry_into_force(events)

    def computed_entry_into_force(self, events: list[Event]) -> FuzzyDate | None:
        rule = self.raw.get("entry_into_force")
        if not rule or not rule.get("threshold"):
            return None
        # one deposit per state: two sources dating one deposit differently are not two deposits;
        # the earliest claim counts, as it does for the state's own status. Only the kinds of
        # instrument the treaty names count (`counts`; default all).
        counts = rule.get("counts")
        first: dict[str, FuzzyDate] = {}
        for e in events:
            if (e.type == "ratify" and (counts is None or e.payload.get("mode") in counts)
                    and (e.actor not in first or e.date.lo < first[e.actor].lo)):
                first[e.actor] = e.date
        deposits = list(first.values())
        n = rule["threshold"]
        if len(deposits) < n:
            return None
        nth_lo = sorted(d.lo for d in deposits)[n - 1]
        nth_hi = sorted(d.hi for d in deposits)[n - 1]
        return span(self._apply(rule, nth_lo), self._apply(rule, nth_hi))

    def in_force_for(self, deposit: FuzzyDate, in_force: FuzzyDate) -> FuzzyDate:
        """When the treaty enters into force for a state that deposited on `deposit`: the later of
        the treaty's own entry into force and the later-states rule applied to the deposit."""
        rule = self.raw.get("later_states") or self.raw.get("entry_into_force")
        if (rule or {}).get("after") == "entry_into_force":
            # the rule is for deposits made once the treaty is in force; earlier ones wait for it
            def when(day: date, force: date) -> date:
                return force if day < force else self._apply(rule, day)
            return span(when(deposit.lo, in_force.lo), when(deposit.hi, in_force.hi))
        own = self._on(rule, deposit)
        return span(max(own.lo, in_force.lo), max(own.hi, in_force.hi))

    def withdrawal_effective(self, notified: FuzzyDate) -> FuzzyDate:
        return self._on(self.raw.get("withdrawal"), notified)

    def held_by_conflict(self, due: FuzzyDate, conflicts: list[Conflict]
                         ) -> tuple[Conflict | None, FuzzyDate | None]:
        """A withdrawal due to take effect on `due`, under a rule that holds it off during an armed
        conflict of the withdrawing state: (the conflict that holds it, or None; the day it takes
        effect, None while that conflict has no recorded end). A conflict that may have been under
        way on the day (its dates overlap it) holds it; it then takes effect on the day the conflict
        ends, or later if another conflict is then under way."""
        if not (self.raw.get("withdrawal") or {}).get("armed_conflict"):
            return None, due
        holding, when, passed = None, due, []
        while True:
            on = next((c for c in conflicts if c not in passed and c.begin.lo <= when.hi
                       and (c.end is None or c.end.hi > when.lo)), None)
            if on is None:
                return holding, when
            holding = holding or on
            passed.append(on)
            if on.end is None:
                return holding, None
            when = span(max(when.lo, on.end.lo), max(when.hi, on.end.hi))

    def last_signature_day(self, in_force: FuzzyDate | None) -> date | None:
        """The last day the treaty is open for signature (None: still open, or no rule)."""
        sig = self.raw.get("signature_open") or {}
        until = sig.get("until")
        if until == "entry_into_force":
            if in_force is None:
                return None
            return in_force.lo - timedelta(days=1) if in_force.lo > date.min else date.min
        return parse_date(until).hi if until else None
