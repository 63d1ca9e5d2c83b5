"""Treaty time, from the rules stored on the coalition (never special cases in code).

A coalition of kind `treaty` carries rules like (Ottawa Convention, Art. 15, 17, 20):

    signature_open: {from: 1997-12-03, until: entry_into_force}
    entry_into_force: {threshold: 40, days: 0, months: 6, first_of_month: true}
    later_states:     {days: 0, months: 6, first_of_month: true}
    withdrawal:       {months: 6}

A date rule maps a deposit day d to: first day of the month of (d + days), plus months (and years),
when `first_of_month`; else d + days + months + years. Rome Statute Art. 126 is
{days: 60, months: 1, first_of_month: true}: the first day of the month after the 60th day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from .dates import FuzzyDate, parse_date, shift, span
from .errors import InputError
from .model import Coalition, Event

RULE_KEYS = {"threshold", "days", "months", "years", "first_of_month"}
TREATY_KEYS = {"adopted", "signature_open", "entry_into_force", "later_states", "withdrawal",
               "articles", "note"}


def check_rules(treaty: Any) -> dict:
    """Validate a coalition's `treaty` block (raises InputError naming the bad field)."""
    if not isinstance(treaty, Mapping):
        raise InputError("must be a mapping of treaty rules", field="treaty")
    unknown = set(treaty) - TREATY_KEYS
    if unknown:
        raise InputError(f"unknown treaty rule(s): {', '.join(sorted(unknown))}", field="treaty")
    out = dict(treaty)
    for name in ("entry_into_force", "later_states", "withdrawal"):
        rule = treaty.get(name)
        if rule is None:
            continue
        if not isinstance(rule, Mapping) or set(rule) - RULE_KEYS:
            raise InputError(f"must be a mapping of {', '.join(sorted(RULE_KEYS))}",
                             field=f"treaty.{name}")
        for key in ("threshold", "days", "months", "years"):
            if key in rule and (not isinstance(rule[key], int) or isinstance(rule[key], bool)
                                or rule[key] < 0):
                raise InputError("must be a whole number >= 0", field=f"treaty.{name}.{key}")
        out[name] = dict(rule)
    if "adopted" in treaty:
        out["adopted"] = parse_date(treaty["adopted"]).text
    sig = treaty.get("signature_open")
    if sig is not None:
        if not isinstance(sig, Mapping) or "from" not in sig:
            raise InputError("must be {from: DATE, until: DATE | entry_into_force}",
                             field="treaty.signature_open")
        until = sig.get("until")
        out["signature_open"] = {
            "from": parse_date(sig["from"]).text,
            "until": until if until in (None, "entry_into_force") else parse_date(until).text}
    return out


@dataclass(frozen=True)
class Rules:
    raw: Mapping[str, Any]

    @classmethod
    def of(cls, coalition: Coalition) -> "Rules":
        return cls(coalition.treaty or {})

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
        # the earliest claim counts, as it does for the state's own status
        first: dict[str, FuzzyDate] = {}
        for e in events:
            if e.type == "ratify" and (e.actor not in first or e.date.lo < first[e.actor].lo):
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
        own = self._on(rule, deposit)
        return span(max(own.lo, in_force.lo), max(own.hi, in_force.hi))

    def withdrawal_effective(self, notified: FuzzyDate) -> FuzzyDate:
        return self._on(self.raw.get("withdrawal"), notified)

    def last_signature_day(self, in_force: FuzzyDate | None) -> date | None:
        """The last day the treaty is open for signature (None: still open, or no rule)."""
        sig = self.raw.get("signature_open") or {}
        until = sig.get("until")
        if until == "entry_into_force":
            return in_force.lo - timedelta(days=1) if in_force else None
        return parse_date(until).hi if until else None
