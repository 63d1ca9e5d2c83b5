"""State codes over time: ISO 3166 alpha-3, COW ccode and stateabb, Gleditsch-Ward gwcode, V-Dem
country_text_id and Wikidata items, each with the interval in which it names a state, and the
successions between states.

The table is package data (`ledger/data/state_codes.csv`, `successions.csv`), built by
`scripts/make_codes.py` from published lists cited in `ledger/data/PROVENANCE.md`. It is read
once per process, on first use; a ledger needs nothing stored to know it.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files

SYSTEMS = ("iso3", "cow", "cowabb", "gw", "vdem", "wikidata")
#: what a user may write before the colon, and the system it names
PREFIXES = {"iso": "iso3", "iso3": "iso3", "cow": "cow", "ccode": "cow", "cowabb": "cowabb",
            "stateabb": "cowabb", "gw": "gw", "gwcode": "gw", "vdem": "vdem", "wikidata": "wikidata",
            "wd": "wikidata"}
#: the systems a panel may be keyed on (`--system`), and the code system each means
PANEL_SYSTEMS = {"cow": "cow", "gw": "gw", "iso": "iso3", "vdem": "vdem"}
_QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class Code:
    actor: str
    system: str
    code: str
    start: str | None      # first day the code names the actor (None: as far back as known)
    end: str | None        # last day (None: still)
    source: str

    def covers(self, lo: str, hi: str) -> bool:
        """Whether the code names the actor on some day of [lo, hi] (ISO days)."""
        return (self.start is None or self.start <= hi) and (self.end is None or self.end >= lo)


@dataclass(frozen=True)
class Succession:
    predecessor: str
    successor: str
    date: str              # first day of the successor (or of the new name)
    kind: str              # continuation | separation | dissolution | absorption
    source: str


def _csv(name: str) -> list[dict]:
    text = files("ledger.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@lru_cache(maxsize=1)
def table() -> tuple[Code, ...]:
    return tuple(Code(r["actor"], r["system"], r["code"], r["from"] or None, r["to"] or None,
                      r["source"]) for r in _csv("state_codes.csv"))


@lru_cache(maxsize=1)
def _by_actor() -> dict[str, tuple[Code, ...]]:
    out: dict[str, list[Code]] = {}
    for c in table():
        out.setdefault(c.actor, []).append(c)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _by_code() -> dict[tuple[str, str], tuple[Code, ...]]:
    out: dict[tuple[str, str], list[Code]] = {}
    for c in table():
        out.setdefault((c.system, c.code.casefold()), []).append(c)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def successions() -> tuple[Succession, ...]:
    return tuple(Succession(r["predecessor"], r["successor"], r["date"], r["kind"], r["source"])
                 for r in _csv("successions.csv"))


def codes(actor: str) -> tuple[Code, ...]:
    return _by_actor().get(actor, ())


def code_in(actor: str, system: str, lo: str, hi: str | None = None) -> str | None:
    """The actor's code in `system` on day `lo`, or (given `hi`) the last one valid in [lo, hi]."""
    hi = hi or lo
    found = [c for c in codes(actor) if c.system == system and c.covers(lo, hi)]
    return found[-1].code if found else None


def members(system: str, lo: str, hi: str) -> list[Code]:
    """The codes of `system` valid on some day of [lo, hi]: a state system in that period."""
    return [c for c in table() if c.system == system and c.covers(lo, hi)]


def parse(text: str) -> tuple[str, str] | None:
    """('cow', '230') for 'cow:230', ('wikidata', 'Q29') for 'Q29'; None for anything else."""
    text = text.strip()
    if _QID.match(text):
        return "wikidata", text
    prefix, sep, code = text.partition(":")
    system = PREFIXES.get(prefix.strip().casefold()) if sep else None
    return (system, code.strip()) if system and code.strip() else None


def actor_for(text: str) -> tuple[str | None, str]:
    """The actor a prefixed code names: (actor, "") or (None, why not) — a code that named several
    states in turn (cow:345: Yugoslavia, Serbia and Montenegro, Serbia) names the one it names
    now, or else the last one it named."""
    parsed = parse(text)
    if parsed is None:
        return None, ""
    system, code = parsed
    found = _by_code().get((system, code.casefold()), ())
    actors = list(dict.fromkeys(c.actor for c in found))
    if len(actors) == 1:
        return actors[0], ""
    if not actors:
        return None, f"no state has the {system} code '{code}'"
    current = list(dict.fromkeys(c.actor for c in found if c.end is None))
    if len(current) == 1:
        return current[0], ""
    if not current:
        last = max(c.end for c in found)
        latest = list(dict.fromkeys(c.actor for c in found if c.end == last))
        if len(latest) == 1:
            return latest[0], ""
    spans = ", ".join(f"{c.actor} ({c.start or '…'}–{c.end or ''})" for c in found)
    return None, f"{system} code '{code}' named several states: {spans}; give the actor id"


def continuing(actor: str) -> Succession | None:
    """The state that continues `actor` (same legal person under a new name or a smaller
    territory), if any."""
    for s in successions():
        if s.predecessor == actor and s.kind == "continuation":
            return s
    return None


def ended(actor: str) -> str | None:
    """The last day the actor existed as a state, where a succession ends it."""
    days = [s.date for s in successions() if s.predecessor == actor
            and s.kind in ("continuation", "dissolution", "absorption")]
    if not days:
        return None
    return date.fromordinal(date.fromisoformat(min(days)).toordinal() - 1).isoformat()


def listing(actor: str) -> dict[str, str]:
    """Every code of the actor by system, '; '-joined, each with its interval where it has one:
    {'cow': '345 (1878-07-13/1941-04-20); 345 (1944-10-20/2003-02-03)', ...}."""
    out: dict[str, list[str]] = {s: [] for s in SYSTEMS}
    for c in codes(actor):
        span = f" ({c.start or '..'}/{c.end or '..'})" if c.start or c.end else ""
        out[c.system].append(c.code + span)
    return {s: "; ".join(v) for s, v in out.items()}


def began(actor: str) -> str:
    """The first day the actor existed as a state where a succession starts it (Montenegro
    2006-06-03, Czechia 1993-01-01, Serbia 2006-06-05 as the continuation of Serbia and
    Montenegro), else "0001-01-01". An absorbing state (Germany in 1990) does not begin."""
    days = [s.date for s in successions() if s.successor == actor and s.kind != "absorption"]
    return min(days) if days else "0001-01-01"
