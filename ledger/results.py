"""Typed answers to queries. `to_dict()` gives the documented, stable JSON shape."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Member:
    actor: str
    name: str
    status: str
    troops: int | None
    since: str
    uncertain: bool
    sources: tuple[dict, ...]
    approx: bool = False
    possibly: dict | None = None
    disputed: tuple[dict, ...] = ()
    mode: str | None = None
    cause: dict | None = None

    def to_dict(self) -> dict:
        out = {"actor": self.actor, "name": self.name, "status": self.status, "troops": self.troops,
               "since": self.since, "uncertain": self.uncertain, "sources": list(self.sources)}
        if self.approx:
            out["approx"] = True
        if self.possibly:
            out["possibly"] = self.possibly
        if self.disputed:
            out["disputed"] = list(self.disputed)
        if self.mode:
            out["mode"] = self.mode
        return out


@dataclass(frozen=True)
class AsOf:
    coalition: str
    name: str
    kind: str
    date: str
    known_at: str | None
    count: int
    troops_total: int
    members: tuple[Member, ...]
    uncertain: int = 0
    counts: dict | None = None
    claims: tuple[dict, ...] = ()
    published_by: str | None = None     # only sources published by this day were heard

    def totals(self) -> str:
        """One line: members and troops, or a treaty's counts, and how many are uncertain."""
        if self.counts is not None:
            c = self.counts
            text = (f"signed {c['signed']}, ratified {c['ratified']}, parties {c['parties']}, "
                    f"withdrawn {c['withdrawn']}")
        else:
            text = f"{self.count} members, {self.troops_total:,} troops"
        if self.uncertain:
            text += f" (and {self.uncertain} uncertain on this date)"
        return text

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"coalition": self.coalition, "date": self.date,
                               "known_at": self.known_at, "count": self.count,
                               "troops_total": self.troops_total, "uncertain": self.uncertain,
                               "members": [m.to_dict() for m in self.members]}
        if self.counts is not None:
            out["counts"] = dict(self.counts)
        if self.claims:
            out["claims"] = list(self.claims)
        if self.published_by:
            out["published_by"] = self.published_by
        return out

    def to_pandas(self):
        """The members as a DataFrame, one flat row each (ledger/frames.py)."""
        from .frames import asof_frame
        return asof_frame(self.to_dict())


@dataclass(frozen=True)
class Change:
    actor: str
    name: str
    before: dict | None       # {"status", "troops"} on FROM, None if not in the coalition
    after: dict | None        # the same on TO
    event: dict | None        # {"seq", "type", "date"} of the event that caused it
    sources: tuple[dict, ...] = ()

    def to_dict(self) -> dict:
        return {"actor": self.actor, "name": self.name, "before": self.before, "after": self.after,
                "event": self.event, "sources": list(self.sources)}


@dataclass(frozen=True)
class Diff:
    coalition: str
    start: str
    end: str
    joined: tuple[Change, ...]
    left: tuple[Change, ...]
    changed: tuple[Change, ...]
    published_by: str | None = None

    def to_dict(self) -> dict:
        out = {"coalition": self.coalition, "from": self.start, "to": self.end,
               "joined": [c.to_dict() for c in self.joined],
               "left": [c.to_dict() for c in self.left],
               "changed": [c.to_dict() for c in self.changed]}
        if self.published_by:
            out["published_by"] = self.published_by
        return out

    def to_pandas(self):
        """The changes as a DataFrame, one flat row each, `change` saying which kind."""
        from .frames import diff_frame
        return diff_frame(self.to_dict())


@dataclass(frozen=True)
class ReplayRow:
    date: str
    seq: int
    type: str
    effect: str
    actor: str | None
    name: str | None
    detail: str
    count: int
    troops_total: int
    sources: tuple[str, ...]
    counts: dict | None = None

    def to_dict(self) -> dict:
        out = {"date": self.date, "seq": self.seq, "type": self.type, "effect": self.effect,
               "actor": self.actor, "name": self.name, "detail": self.detail, "count": self.count,
               "troops_total": self.troops_total, "sources": list(self.sources)}
        if self.counts is not None:
            out["counts"] = dict(self.counts)
        return out


@dataclass(frozen=True)
class Spell:
    coalition: str
    actor: str
    status: str
    start: str
    end: str | None
    troops: int | None
    since: str
    sources: tuple[str, ...] = ()
    uncertain: bool = False

    def to_dict(self) -> dict:
        return {"coalition": self.coalition, "actor": self.actor, "status": self.status,
                "from": self.start, "to": self.end, "troops": self.troops, "since": self.since,
                "uncertain": self.uncertain, "sources": list(self.sources)}


@dataclass(frozen=True)
class Problem:
    level: str                # "problem" | "note"
    coalition: str | None
    seq: int | None
    message: str

    def to_dict(self) -> dict:
        return {"level": self.level, "coalition": self.coalition, "seq": self.seq,
                "message": self.message}


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    bad_seq: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict:
        return {"ok": self.ok, "events": self.events, "head": self.head, "bad_seq": self.bad_seq,
                "reason": self.reason}


@dataclass
class GrowthPoint:
    date: str
    count: int
    troops_total: int
    uncertain: int
    counts: dict | None = field(default=None)

    def to_dict(self) -> dict:
        out = {"date": self.date, "count": self.count, "troops_total": self.troops_total,
               "uncertain": self.uncertain}
        if self.counts is not None:
            out["counts"] = self.counts
        return out
