"""What a coalition's `treaty` block may say: its rules' keys and bounds, checked (treaty.py computes
treaty time from them; model.py checks a `treaty_rule` event's rules with them)."""
from __future__ import annotations

from typing import Any, Mapping

from .dates import parse_recorded
from .errors import InputError

#: The kinds of instrument a state may deposit.
RATIFY_MODES = ("ratification", "acceptance", "approval", "accession", "succession")

DATE_KEYS = {"days", "months", "years", "first_of_month"}
#: The keys each rule may have.
RULE_KEYS = {"entry_into_force": DATE_KEYS | {"threshold", "counts"},
             "later_states": DATE_KEYS | {"after"},
             "withdrawal": DATE_KEYS | {"armed_conflict"}}
ANCHORS = ("threshold", "entry_into_force")
# The largest number each rule may give: a century of days, months or years (so a rule moves a
# date by at most 300 years, which dates.LAST_YEAR leaves room for), and a threshold of deposits.
RULE_LIMITS = {"threshold": 1000, "days": 36_600, "months": 1200, "years": 100}
TREATY_KEYS = {"adopted", "signature_open", "entry_into_force", "later_states", "withdrawal",
               "articles", "note"}


def check_rules(treaty: Any) -> dict:
    """Validate a coalition's `treaty` block (raises InputError naming the bad field)."""
    if not isinstance(treaty, Mapping):
        raise InputError("must be a mapping of treaty rules", field="treaty")
    unknown = set(treaty) - TREATY_KEYS
    if unknown:
        raise InputError(f"unknown treaty rule(s): {', '.join(sorted(map(str, unknown)))}",
                         field="treaty")
    out = dict(treaty)
    for name in ("entry_into_force", "later_states", "withdrawal"):
        rule = treaty.get(name)
        if rule is None:
            continue
        if not isinstance(rule, Mapping) or set(rule) - RULE_KEYS[name]:
            raise InputError(f"must be a mapping of {', '.join(sorted(RULE_KEYS[name]))}",
                             field=f"treaty.{name}")
        for key, limit in RULE_LIMITS.items():
            if key in rule and (not isinstance(rule[key], int) or isinstance(rule[key], bool)
                                or not 0 <= rule[key] <= limit):
                raise InputError(f"must be a whole number from 0 to {limit:,}",
                                 field=f"treaty.{name}.{key}")
        out[name] = dict(rule)
        _check_extras(name, rule, out[name])
    for name in ("articles", "note"):
        if name in treaty and (not isinstance(treaty[name], str) or len(treaty[name]) > 2000):
            raise InputError("must be a text of at most 2000 characters", field=f"treaty.{name}")
    if "adopted" in treaty:
        out["adopted"] = parse_recorded(treaty["adopted"]).text
    sig = treaty.get("signature_open")
    if sig is not None:
        if not isinstance(sig, Mapping) or "from" not in sig:
            raise InputError("must be {from: DATE, until: DATE | entry_into_force}",
                             field="treaty.signature_open")
        until = sig.get("until")
        out["signature_open"] = {
            "from": parse_recorded(sig["from"]).text,
            "until": until if until in (None, "entry_into_force") else parse_recorded(until).text}
    return out


def _check_extras(name: str, rule: Mapping[str, Any], out: dict) -> None:
    if "counts" in rule:
        counts = rule["counts"]
        if (not isinstance(counts, (list, tuple)) or not counts
                or any(c not in RATIFY_MODES for c in counts)):
            raise InputError(f"must be a list of {', '.join(RATIFY_MODES)}",
                             field=f"treaty.{name}.counts")
        out["counts"] = list(counts)
    if "after" in rule and rule["after"] not in ANCHORS:
        raise InputError(f"must be one of {', '.join(ANCHORS)}", field=f"treaty.{name}.after")
    for key in ("first_of_month", "armed_conflict"):
        if key in rule and not isinstance(rule[key], bool):
            raise InputError("must be true or false", field=f"treaty.{name}.{key}")
