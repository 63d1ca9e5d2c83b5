"""The coverage table of the README: what the ledger holds, coalition by coalition, how well each
coalition's events are sourced, and how old its troop figures are at each year end (README,
"Bundled data")."""
from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Iterable

from .dates import parse_date
from .effects import REFINABLE, apply_corrections
from .model import TIERS, Event, tier_rank

if TYPE_CHECKING:
    from .api import Ledger

PRESS = tier_rank("press")
SHORT = {"depositary": "D", "official": "O", "scholarly": "S", "press": "P", "reference": "R",
         "unrated": "U", "weak": "W"}


def coverage(ledger: "Ledger") -> list[dict]:
    tiers = {s.id: s.tier for s in ledger.sources()}
    rows = []
    for coal in ledger.coalitions():
        events = ledger.log(coal.id)
        if not events:
            continue
        # a correction's or retraction's own date is when it was made, not coalition history
        dates = [d for e in events if e.type not in ("correct", "retract")
                 for d in (e.date, e.effective) if d is not None]
        first, last = min(d.lo for d in dates), max(d.hi for d in dates)
        cited = {s for e in events for s in e.source_ids}
        by_tier = Counter(tiers.get(s, "unrated") for s in cited)
        best = best_tiers(events, tiers)
        strong = sum(tier_rank(t) >= PRESS for t in best)
        rows.append({
            "coalition": coal.id, "kind": coal.kind, "model": coal.model,
            "actors": len({e.actor for e in events if e.actor}), "events": len(events),
            "sources": len(cited), "from": first.isoformat(), "to": last.isoformat(),
            "unsourced": sum(not e.sources for e in events),
            "tiers": {t: by_tier[t] for t in TIERS if by_tier[t]},
            "standing": len(best), "press_or_better": strong, "reference_or_weak": len(best) - strong,
            "troop_ages": troop_ages(ledger, coal.id, first, last)})
    return rows


def best_tiers(events: Iterable[Event], tiers: dict[str, str]) -> list[str]:
    """The tier of the best source of each event that stands: a retracted event is left out, a
    corrected one counts with its corrections' sources as well as its own, `correct` and `retract`
    events are not counted themselves, and events that state the same fact with the same values
    (or a finer date of it, Temporal rules 6-7) share their pooled sources."""
    standing = apply_corrections(events)
    group = list(range(len(standing)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = i = group[group[i]]
        return i

    same: dict[tuple, int] = {}
    for i, ev in enumerate(standing):
        key = (ev.type, ev.actor, ev.date.text, ev.effective.text if ev.effective else None,
               json.dumps(dict(ev.payload), sort_keys=True))
        group[root(i)] = root(same.setdefault(key, i))
    facts: dict[tuple, list[int]] = {}
    for i, ev in enumerate(standing):
        if ev.type in REFINABLE:
            facts.setdefault((ev.type, ev.actor), []).append(i)
    for ids in facts.values():
        for i in ids:
            coarse = standing[i].date
            for j in ids:
                fine = standing[j].date
                if (not coarse.exact and coarse.lo <= fine.lo and fine.hi <= coarse.hi
                        and fine.hi - fine.lo < coarse.hi - coarse.lo):
                    group[root(i)] = root(j)
    best: dict[int, int] = {}
    for i, ev in enumerate(standing):
        rank = max((tier_rank(tiers.get(s, "unrated")) for s in ev.source_ids), default=-1)
        best[root(i)] = max(best.get(root(i), -1), rank)
    return [TIERS[len(TIERS) - 1 - max(best[root(i)], 0)] for i in range(len(standing))]


def troop_ages(ledger: "Ledger", coalition: str, first: date, last: date) -> list[dict]:
    """At each 31 December inside [first, last] with members: how many there are, how many have a
    troop figure, and the median and worst age in days of those figures (from the first day of
    the figure's date, `troops_as_of`: a figure dated 2004-05 is 244 days old on 2004-12-31).
    Empty for a coalition with no figure at any year end (a list, a campaign, a treaty)."""
    out = []
    for year in range(first.year, last.year + 1):
        day = date(year, 12, 31)
        if not first <= day <= last:
            continue
        members = [m for m in ledger.asof(day, coalition).members if m.status == "member"]
        ages = sorted((day - parse_date(m.troops_as_of).lo).days for m in members
                      if m.troops is not None)
        if members:
            out.append({"date": day.isoformat(), "members": len(members), "with_figure": len(ages),
                        "median": statistics.median(ages) if ages else None,
                        "worst": ages[-1] if ages else None})
    return out if any(a["with_figure"] for a in out) else []


def total(rows: list[dict]) -> dict:
    """The shares over every coalition together (an event belongs to one coalition)."""
    standing = sum(r["standing"] for r in rows)
    weak = sum(r["reference_or_weak"] for r in rows)
    return {"events": sum(r["events"] for r in rows), "standing": standing,
            "press_or_better": standing - weak, "reference_or_weak": weak,
            "unsourced": sum(r["unsourced"] for r in rows)}


def to_dict(rows: list[dict]) -> dict:
    out = [{**r, "press_or_better_share": _share(r["press_or_better"], r["standing"]),
            "reference_or_weak_share": _share(r["reference_or_weak"], r["standing"])} for r in rows]
    whole = total(rows)
    whole["reference_or_weak_share"] = _share(whole["reference_or_weak"], whole["standing"])
    whole["press_or_better_share"] = _share(whole["press_or_better"], whole["standing"])
    return {"coalitions": out, "all": whole}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else ""


def markdown(rows: list[dict]) -> str:
    lines = ["| coalition | kind | model | actors | events | sources | from | to | sources by tier "
             "| press or better | reference or weak |",
             "|---|---|---|---:|---:|---:|---|---|---|---:|---:|"]
    for r in rows:
        tiers = " · ".join(f"{SHORT[t]} {n}" for t, n in r["tiers"].items())
        lines.append(f"| `{r['coalition']}` | {r['kind']} | {r['model'] or ''} | {r['actors']} | "
                     f"{r['events']} | {r['sources']} | {r['from']} | {r['to']} | {tiers} | "
                     f"{_pct(r['press_or_better'], r['standing'])} | "
                     f"{_pct(r['reference_or_weak'], r['standing'])} |")
    whole = total(rows)
    lines.append(f"| all | | | | {whole['events']} | | | | | "
                 f"{_pct(whole['press_or_better'], whole['standing'])} | "
                 f"{_pct(whole['reference_or_weak'], whole['standing'])} |")
    lines += ["", "| coalition | year end | members | with a troop figure | median age (days) "
              "| worst age (days) |", "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        for a in r["troop_ages"]:
            median, worst = ("", "") if a["median"] is None else (f"{a['median']:g}", a["worst"])
            lines.append(f"| `{r['coalition']}` | {a['date']} | {a['members']} | {a['with_figure']} | "
                         f"{median} | {worst} |")
    return "\n".join(lines)
