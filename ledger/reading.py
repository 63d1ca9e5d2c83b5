"""What an answer hears, read from the store: the lens (recorded by, published by, rated at least),
the sources' evidence, and a coalition's events and the effects they give."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Connection

from . import schema, store
from .dates import format_instant, parse_date, parse_instant
from .effects import apply_corrections, expand
from .errors import InputError
from .evidence import Evidence, heard
from .ingest import Rows
from .model import TIERS, Coalition, Event


class Tiers:
    """Sources' current tiers (their latest ratings, recorded by `known_at`), read once when first
    asked for: one query of a row per rated source."""

    def __init__(self, conn: Connection, known_at: str | None = None):
        self.conn, self.known_at, self.found = conn, known_at, None

    def get(self, source: str, default: str | None = None) -> str | None:
        if self.found is None:
            self.found = store.tiers(self.conn, known_at=self.known_at)
        return self.found.get(source, default)


class PublishedDates:
    """Sources' publication dates for the disagreement rule, read as it asks for them: an append
    cites a source or two of the hundreds a ledger holds."""

    def __init__(self, rows: Rows):
        self.rows = rows

    def get(self, source: str, default: str | None = None) -> str | None:
        row = self.rows.get(source)
        return row.published if row is not None else default


@dataclass(frozen=True)
class Lens:
    """What an answer hears: the events recorded by `known` (an instant), the citations of sources
    published by `by` (a day) and rated `min_tier` or stronger (README, rule 9). The plain lens
    hears everything and is answered from the stored projection."""
    known: str | None = None
    by: date | None = None
    min_tier: str | None = None

    @classmethod
    def of(cls, known_at: str | None, published_by: str | date | None,
           min_tier: str | None = None) -> "Lens":
        """A date of publication given as a year or a month means its last day."""
        known = format_instant(parse_instant(known_at)) if known_at is not None else None
        by = published_by
        if by is not None and not isinstance(by, date):
            by = parse_date(by).hi
        if min_tier is not None and min_tier not in TIERS:
            raise InputError(f"{min_tier!r} is not a tier (one of: {', '.join(TIERS)})",
                             field="min-tier")
        return cls(known, by, min_tier)

    @property
    def plain(self) -> bool:
        return self.known is None and self.by is None and self.min_tier is None


def evidence(conn: Connection, known_at: str | None = None) -> Evidence:
    return Evidence(PublishedDates(Rows(conn, schema.sources, "id")), Tiers(conn, known_at))


def events(conn: Connection, coalition: str, known_at: str | None = None) -> list[Event]:
    return [store.to_event(r) for r in store.event_rows(conn, coalition=coalition,
                                                        known_at=known_at)]


def effects(conn: Connection, coalition: Coalition, lens: Lens | None = None):
    """The coalition's timeline of effects, from the events and sources `lens` admits."""
    lens = lens or Lens()
    found = evidence(conn, lens.known)
    evs = events(conn, coalition.id, lens.known)
    if lens.by is not None or lens.min_tier is not None:
        evs = heard(evs, found, lens.by, lens.min_tier)
    return expand(coalition, evs, found)


def claim_events(conn: Connection, cid: str, lens: Lens | None = None) -> list[Event]:
    """The coalition's `count_claim` events (recorded by `known`; citing only the sources the
    lens hears) as its corrections and retractions leave them (README, rule 8), in recording
    order."""
    lens = lens or Lens()
    evs = [store.to_event(r) for r in store.event_rows(
        conn, coalition=cid, known_at=lens.known, types=("count_claim", "correct", "retract"))]
    if lens.by is not None or lens.min_tier is not None:
        evs = heard(evs, evidence(conn, lens.known), lens.by, lens.min_tier)
    return [ev for ev in apply_corrections(evs) if ev.type == "count_claim"]
