"""What the ledger knows of its sources that decides between claims: their tier and their date of
publication (README, "Sources and their tiers" and Temporal rules 7 and 9)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Iterable

from .dates import parse_date
from .model import TIERS, Event, tier_rank


@dataclass(frozen=True)
class Evidence:
    """Source id -> publication date and tier. Both mappings need only `.get`: a plain dict (a
    rebuild's workers) or a lookup that reads a row as it is asked for (an append cites a few of
    the thousands of sources a ledger may hold)."""
    published: Any = None
    tiers: Any = None

    def date(self, source: str) -> str | None:
        return self.published.get(source) if self.published is not None else None

    def tier(self, source: str) -> str:
        return (self.tiers.get(source) if self.tiers is not None else None) or "unrated"

    def rank(self, source: str) -> int:
        return tier_rank(self.tier(source))

    def best(self, sources: Iterable[str]) -> str:
        """The strongest tier among these sources."""
        return TIERS[len(TIERS) - 1 - max((self.rank(s) for s in sources), default=tier_rank("weak"))]


def is_out(published: str | None, by: date) -> bool:
    """Whether a source with this publication date was surely out by the day `by`."""
    return published is not None and parse_date(published).hi <= by


def heard(events: Iterable[Event], evidence: Evidence, by: date | None = None,
          min_tier: str | None = None) -> list[Event]:
    """The events as the sources heard give them: each keeps only its citations of sources surely
    published by `by` (README, rule 9) and rated `min_tier` or stronger; an event left citing none
    is left out. A source without a publication date is never counted as out by a day."""
    floor = tier_rank(min_tier) if min_tier else None
    out = []
    for ev in events:
        kept = tuple(c for c in ev.sources if _heard(c.source, evidence, by, floor))
        if len(kept) == len(ev.sources):
            out.append(ev)
        elif kept:
            out.append(replace(ev, sources=kept))
    return out


def heard_ids(sources: Iterable[str], evidence: Evidence, by: date | None,
              min_tier: str | None) -> list[str]:
    """`heard` for a list of source ids (a count claim's)."""
    floor = tier_rank(min_tier) if min_tier else None
    return [s for s in sources if _heard(s, evidence, by, floor)]


def _heard(source: str, evidence: Evidence, by: date | None, floor: int | None) -> bool:
    if by is not None and not is_out(evidence.date(source), by):
        return False
    return floor is None or evidence.rank(source) >= floor
