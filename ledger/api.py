"""The public face: `Ledger`. Every command of the CLI is one call here plus formatting.

`Ledger` holds no logic of its own: it opens the ledger and hands each call to the module that does
that one job, which uses the store (`store.py`):
  - `queries.py`: the answers read (asof, diff, replay, blame, history, growth, listings);
  - `writing.py`: imports and appends, one transaction each, and rebuilding the spells;
  - `verifying.py`, `checks.py`: integrity (`verify`) and inconsistencies (`check`);
  - `catalog.py`: names to ids and the read caches, which all of them share;
  - `reading.py`: what an answer hears (`Lens`), and a coalition's events and effects;
  - `bundled.py`, `exports.py`: the bundled event files, and the exports built from the queries.
"""
from __future__ import annotations

import os
from datetime import date
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import bundled, location, queries, reading, store, writing
from .catalog import Catalog
from .clock import now  # noqa: F401 (ledger.api.now, as before)
from .errors import DatabaseError
from .evidence import Evidence
from .files import Record, read
from .frames import Results
from .ingest import Summary
from .model import Actor, Coalition, Event, Source
from .reading import Lens, PublishedDates, Tiers  # noqa: F401 (ledger.api.Lens etc., as before)
from .results import AsOf, Blame, Diff, GrowthPoint, Problem, ReplayRow, Spell, Verification
from .view import CoalitionView


class Ledger:
    def __init__(self, engine: sa.engine.Engine):
        self.engine = engine
        self.read_only = False          # opened read-only (an SQLite file that cannot be written)
        # Read caches of what changes rarely (ids, coalitions, names, citations, views), shared
        # by the queries, the writes (which clear them) and the checks
        self._catalog = Catalog(engine)

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, bundled_data: bool | None = None,
             writes: bool = True) -> "Ledger":
        """Open (creating and migrating if needed) the ledger at `url`; the default is an SQLite
        file in the user's data directory. With `bundled_data`, the bundled event files are
        imported on first use and whenever they change; without, the built-in states still are,
        and a ledger started without them stays so until opened with `bundled_data=True`
        (None, the default: as the ledger was started).
        With `writes=False` (the caller only reads), an SQLite ledger that cannot be written is
        opened read-only and answered as it stands; it takes a newer bundle when next opened where
        it can be written."""
        url = url or store.default_url()
        path = store.sqlite_file(url)
        why = location.read_only_reason(path) if path else None
        if why and (writes or not os.path.exists(path)):
            what = "append to it" if os.path.exists(path) else "create it"
            raise DatabaseError(
                f"the ledger {path} cannot be written: {why}. To {what}, make that writable, or "
                "pass --database URL (or set LEDGER_DATABASE_URL, or XDG_DATA_HOME) for a ledger "
                "you can write" + ("; commands that only read still work" if what != "create it"
                                   else ""))
        ledger = cls(store.make_engine(url, read_only=bool(why)))
        ledger.read_only = bool(why)
        if why:
            store.check_current(ledger.engine)
            return ledger
        store.ensure_current(ledger.engine)
        writing.ensure_projection(ledger.engine, ledger._catalog)
        if bundled_data is None:        # as the ledger was started: with the bundle, or without
            bundled_data = not bundled.declined(ledger.engine)
        if bundled_data:
            bundled.sync(ledger.engine, ledger.import_file)
        else:
            bundled.decline(ledger.engine)
            bundled.sync_states(ledger.engine, ledger.import_file)
        return ledger

    def close(self) -> None:
        self.engine.dispose()

    # -- appending ---------------------------------------------------------------------------
    def import_file(self, path: str, *, dry_run: bool = False, expect_head: str | None = None,
                    progress: Callable[[int], None] | None = None) -> Summary:
        """Append one file atomically: all of it, or (on any error) nothing."""
        return self._ingest(read(path), Summary(path, dry_run=dry_run), expect_head, progress)

    def import_records(self, records: Iterable[Record], label: str = "<records>", *,
                       dry_run: bool = False, expect_head: str | None = None) -> Summary:
        return self._ingest(records, Summary(label, dry_run=dry_run), expect_head, None)

    def append(self, type: str, coalition: str, date: str, *, actor: str | None = None,
               source: str | None = None, sources: list | None = None, locator: str | None = None,
               quote: str | None = None, effective: str | None = None, note: str | None = None,
               id: str | None = None, expect_head: str | None = None, dry_run: bool = False,
               **payload: Any) -> Summary:
        """Append one event (or, with `dry_run`, check it and say what it would change). Payload
        fields (troops, mode, label, count, ref, set, ...) as keywords."""
        data = {"type": type, "coalition": coalition, "actor": actor, "date": date,
                "effective": effective, "source": source, "sources": sources, "locator": locator,
                "quote": quote, "note": note, "id": id, **payload}
        data = {k: v for k, v in data.items() if v is not None}
        return self._ingest([Record("event", data, "<append>", 0)],
                            Summary("<append>", dry_run=dry_run), expect_head, None)

    def declare_source(self, **fields: Any) -> bool:
        summary = self._ingest([Record("source", fields, "<source>", 0)], Summary("<source>"),
                               None, None)
        return summary.declared == 1

    def _ingest(self, records, summary: Summary, expect_head, progress) -> Summary:
        return writing.ingest_records(self.engine, self._catalog, records, summary, expect_head,
                                      progress)

    # -- projections -------------------------------------------------------------------------
    def rebuild(self) -> int:
        """Rebuild every coalition's spells from the log; returns the number of spells."""
        return writing.rebuild(self.engine, self._catalog)

    # -- queries -----------------------------------------------------------------------------
    def asof(self, day: str | date, coalition: str, known_at: str | None = None,
             published_by: str | date | None = None, *, min_tier: str | None = None,
             stale_after: str | None = None) -> AsOf:
        """Who was in `coalition` on `day`, as the ledger knows it now (or knew it at `known_at`),
        from all its sources (or from those published by `published_by`, or rated `min_tier` or
        stronger: README, rule 9). A troop figure older than `stale_after` ("6m", "90d"; 6 months
        by default) is marked stale (rule 12)."""
        return queries.asof(self.engine, self._catalog, day, coalition, known_at, published_by,
                            min_tier=min_tier, stale_after=stale_after)

    def diff(self, start: str | date, end: str | date, coalition: str,
             known_at: str | None = None, published_by: str | date | None = None, *,
             min_tier: str | None = None) -> Diff:
        """Who joined, who left and whose status or troops changed between two days, and whose
        state changed inside the period more than the two days show (`within`)."""
        return queries.diff(self.engine, self._catalog, start, end, coalition, known_at,
                            published_by, min_tier=min_tier)

    def replay(self, coalition: str, start: str | None = None, end: str | None = None,
               published_by: str | date | None = None, *, actor: str | None = None,
               min_tier: str | None = None) -> list[ReplayRow]:
        """The coalition's effects in valid-time order with the running count and troop total
        (from the sources heard, if limited: README, rule 9), or only those of `actor`."""
        return queries.replay(self.engine, self._catalog, coalition, start, end, published_by,
                              actor=actor, min_tier=min_tier)

    def blame(self, day: str | date, coalition: str, actor: str, known_at: str | None = None,
              published_by: str | date | None = None, *, min_tier: str | None = None) -> Blame:
        """Every event that bears on `actor`'s state in `coalition` on `day`, in effect order,
        and for each field (status, since, troops) which event won and by which rule."""
        return queries.blame(self.engine, self._catalog, day, coalition, actor, known_at,
                             published_by, min_tier=min_tier)

    def history(self, actor: str) -> list[Spell]:
        """Every coalition the actor was in, when, and with what."""
        return queries.history(self.engine, self._catalog, actor)

    def growth(self, coalition: str, every: str = "year", start: str | None = None,
               end: str | None = None, published_by: str | date | None = None, *,
               min_tier: str | None = None) -> list[GrowthPoint]:
        """The coalition's size at the end of every year or month between its first and last effect
        (from the sources heard, if limited: README, rule 9)."""
        return queries.growth(self.engine, self._catalog, coalition, every, start, end,
                              published_by, min_tier=min_tier)

    def spells(self, coalition: str) -> list[tuple[str, str | None, dict]]:
        """The coalition's projection: (valid_from, valid_to or None, record), valid_to exclusive."""
        return queries.spells(self.engine, self._catalog, coalition)

    def panel(self, coalition: str, every: str = "year", start: str | None = None,
              end: str | None = None, **options: Any) -> Results:
        """An actor × period panel (README, "Panels"); options: troops="end"|"max"|"mean",
        all_states=True, system="cow"|"gw". The rows have `.to_pandas()`."""
        from .exports import panel
        return Results(panel(self, coalition, every, start, end, **options))

    def export(self, coalition: str | None = None, format: str = "jsonl") -> str:
        """The events with their sources: "jsonl" (re-imports as the same events) or "csv"."""
        from . import exports
        if format not in ("jsonl", "csv"):
            raise ValueError("format is 'jsonl' or 'csv'")
        return (exports.export_jsonl if format == "jsonl" else exports.export_csv)(self, coalition)

    # -- listings ----------------------------------------------------------------------------
    def coalitions(self) -> list[Coalition]:
        return queries.coalitions(self.engine, self._catalog)

    def coalition(self, name: str) -> Coalition:
        return queries.coalition(self.engine, self._catalog, name)

    def actors(self, used_only: bool = False) -> list[Actor]:
        return queries.actors(self.engine, used_only)

    def sources(self) -> list[Source]:
        """Every source with its current tier (its latest rating) and what it is a copy of."""
        return queries.sources(self.engine)

    def log(self, coalition: str | None = None, actor: str | None = None) -> list[Event]:
        return queries.log(self.engine, self._catalog, coalition, actor)

    def event_id(self, seq: int) -> str:
        """The id of event #seq (what a correction or retraction refers to)."""
        return queries.event_id(self.engine, seq)

    # -- integrity ---------------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        with store.reading(self.engine) as conn:
            return store.head(conn)

    def verify(self, *, deep: bool = False, cited: tuple[int, str] | None = None) -> Verification:
        """Recompute the hash chains of the events and the declarations, and check every declared
        row and derived column; name the first thing that does not match. `cited` (SEQ, DIGEST):
        also check that the chain's digest at SEQ is the one cited; `deep`: also check that the
        stored spells are those a replay of the log gives (README, "Integrity")."""
        from . import verifying
        with store.reading(self.engine) as conn:
            return verifying.verify(self._catalog, conn, deep, cited)

    def check(self) -> list[Problem]:
        """Inconsistencies in the events (reported, never refused)."""
        from . import checks
        with store.reading(self.engine) as conn:
            return checks.run(self._catalog, conn)

    # -- the caches and the replay, for the tests and the benchmarks --------------------------
    @property
    def _views(self):
        return self._catalog.views

    def _view(self, coalition: str) -> CoalitionView:
        return self._catalog.view(coalition)

    def _coalition(self, conn: Connection, cid: str) -> Coalition:
        return self._catalog.coalition(conn, cid)

    @staticmethod
    def _evidence(conn: Connection, known_at: str | None = None) -> Evidence:
        return reading.evidence(conn, known_at)

    @staticmethod
    def _events(conn: Connection, coalition: str, known_at: str | None = None) -> list[Event]:
        return reading.events(conn, coalition, known_at)

    def _effects(self, conn: Connection, coalition: str, lens: Lens | None = None):
        return reading.effects(conn, self._catalog.coalition(conn, coalition), lens)
