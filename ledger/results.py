"""Typed answers to queries. `to_dict()` gives the documented, stable JSON shape."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Member:
    actor: str
    name: str
    status: str
    troops: int | None
    since: str
    uncertain: bool                      # membership itself may differ on this day (rule 4)
    sources: tuple[dict, ...]
    approx: bool = False
    possibly: dict | None = None
    disputed: tuple[dict, ...] = ()
    mode: str | None = None
    cause: dict | None = None
    status_sources: tuple[dict, ...] = ()
    status_event: dict | None = None     # {"seq", "type", "date"} of the event behind the status
    troops_as_of: str | None = None      # the date of the figure in force, at its precision
    troops_sources: tuple[dict, ...] = ()
    troops_event: dict | None = None
    troops_uncertain: bool = False       # a certain member whose figure may differ on this day
    stale: bool = False                  # the figure is older than the answer's horizon

    def notes(self) -> str:
        """What else may be so, in words: "maybe none", "maybe 540,000 troops", and each claim
        that lost a dispute."""
        bits = []
        p = self.possibly
        if self.uncertain and p:
            bits.append(f"maybe {p['status']}"
                        + (f" ({p['troops']:,})" if p.get("troops") is not None else ""))
        elif self.troops_uncertain and p:
            bits.append(f"maybe {p['troops']:,} troops" if p.get("troops") is not None
                        else "maybe no figure")
        bits.extend(disputed_text(d) for d in self.disputed)
        return "; ".join(bits)

    def to_dict(self) -> dict:
        out = {"actor": self.actor, "name": self.name, "status": self.status, "troops": self.troops,
               "since": self.since, "uncertain": self.uncertain, "sources": list(self.sources),
               "status_sources": list(self.status_sources), "status_event": self.status_event,
               "troops_as_of": self.troops_as_of, "troops_sources": list(self.troops_sources),
               "troops_event": self.troops_event, "stale": self.stale}
        if self.troops_uncertain:
            out["troops_uncertain"] = True
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
class Former:
    """An actor that was in the coalition and is out on the day (left, withdrew, unsigned)."""
    actor: str
    name: str
    status: str
    since: str
    sources: tuple[dict, ...] = ()

    def to_dict(self) -> dict:
        return {"actor": self.actor, "name": self.name, "status": self.status, "since": self.since,
                "sources": list(self.sources)}


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
    min_tier: str | None = None         # only sources of this tier or stronger were heard
    stale_after: str = "6 months"       # the horizon beyond which a troop figure is stale
    troops_known: int = 0               # certain members with a troop figure
    troops_stale: int = 0               # of which older than the horizon
    former: tuple[Former, ...] = ()
    note: str | None = None             # why an answer is empty, when it says nothing else

    def totals(self) -> str:
        """One line: members and troops, or a treaty's counts, and how many are uncertain."""
        if self.counts is not None:
            c = self.counts
            text = (f"signed {c['signed']}, ratified {c['ratified']}, parties {c['parties']}, "
                    f"withdrawn {c['withdrawn']}")
        else:
            text = f"{self.count} members, {self.troops_total:,} troops"
            if self.count:
                text += f" from {self.troops_known} of {self.count} members"
                if self.troops_stale:
                    text += (f"; {self.troops_stale} figure{'s' * (self.troops_stale != 1)} "
                             f"older than {self.stale_after}")
        if self.uncertain:
            text += f" (and {self.uncertain} uncertain on this date)"
        return text

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"coalition": self.coalition, "date": self.date,
                               "known_at": self.known_at, "count": self.count,
                               "troops_total": self.troops_total, "troops_known": self.troops_known,
                               "troops_stale": self.troops_stale, "stale_after": self.stale_after,
                               "uncertain": self.uncertain,
                               "members": [m.to_dict() for m in self.members],
                               "former": [f.to_dict() for f in self.former]}
        if self.counts is not None:
            out["counts"] = dict(self.counts)
        if self.claims:
            out["claims"] = list(self.claims)
        return _lens_keys(out, self)

    def to_pandas(self):
        """The members as a DataFrame, one flat row each (ledger/frames.py)."""
        from .frames import asof_frame
        return asof_frame(self.to_dict())


def _lens_keys(out: dict, answer) -> dict:
    """The keys an answer has only when so asked: what it heard, and why it is empty."""
    for key in ("published_by", "min_tier", "note"):
        if getattr(answer, key):
            out[key] = getattr(answer, key)
    return out


@dataclass(frozen=True)
class Change:
    actor: str
    name: str
    before: dict | None       # {"status", "troops", "uncertain"} on FROM, None if not in
    after: dict | None        # the same on TO
    event: dict | None        # {"seq", "type", "date"} of the event that caused it
    sources: tuple[dict, ...] = ()

    def to_dict(self) -> dict:
        return {"actor": self.actor, "name": self.name, "before": self.before, "after": self.after,
                "event": self.event, "sources": list(self.sources)}


@dataclass(frozen=True)
class Within:
    """An actor whose state changed inside a diff's period more than its two ends show: its runs
    of one state in the period, each {"status", "troops", "since", "from", "to"} ("to" None: still
    so at the period's end)."""
    actor: str
    name: str
    runs: tuple[dict, ...]

    def to_dict(self) -> dict:
        return {"actor": self.actor, "name": self.name, "spells": list(self.runs)}

    def text(self) -> str:
        """"member 2004-07 → 2004-12-17 (45)": each run, from the sources' precision where the run
        starts with its status, else from the period's first day."""
        return "; ".join(
            f"{r['status']} {r['since'] if r['since'] >= r['from'][:len(r['since'])] else r['from']}"
            f" → {r.get('until') or r['to'] or '…'}"
            + (f" ({r['troops']:,})" if r["troops"] is not None else "") for r in self.runs)


@dataclass(frozen=True)
class Diff:
    coalition: str
    start: str
    end: str
    joined: tuple[Change, ...]
    left: tuple[Change, ...]
    changed: tuple[Change, ...]
    published_by: str | None = None
    within: tuple[Within, ...] = ()
    min_tier: str | None = None
    known_at: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        out = {"coalition": self.coalition, "from": self.start, "to": self.end,
               "known_at": self.known_at,
               "joined": [c.to_dict() for c in self.joined],
               "left": [c.to_dict() for c in self.left],
               "changed": [c.to_dict() for c in self.changed],
               "within": [w.to_dict() for w in self.within]}
        return _lens_keys(out, self)

    def to_pandas(self):
        """The changes as a DataFrame, one flat row each, `change` saying which kind."""
        from .frames import diff_frame
        return diff_frame(self.to_dict())


@dataclass(frozen=True)
class Blame:
    """Why an actor's state on a day is what it is (`Ledger.blame`)."""
    coalition: str
    actor: str
    date: str
    fields: dict          # field -> {"value", "event", "rule"}
    events: list          # every event that bears on it, in effect order
    note: str | None = None

    def to_dict(self) -> dict:
        out = {"coalition": self.coalition, "actor": self.actor, "date": self.date,
               "fields": self.fields, "events": self.events}
        if self.note:
            out["note"] = self.note
        return out


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
    kind: str = "anomaly"     # what sort of problem (README, `ledger check`)

    def to_dict(self) -> dict:
        return {"level": self.level, "kind": self.kind, "coalition": self.coalition,
                "seq": self.seq, "message": self.message}


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    bad_seq: int | None = None
    reason: str | None = None
    declarations: int = 0           # declarations checked
    spells: int | None = None       # spells checked against a replay (verify --deep)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "events": self.events, "head": self.head, "bad_seq": self.bad_seq,
                "reason": self.reason, "declarations": self.declarations, "spells": self.spells}


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


def disputed_text(d: dict) -> str:
    """One disputed alternative in words: its value, its sources with their tiers, the rule it
    lost by."""
    value = d.get("value")
    field = d.get("field", "value")
    if isinstance(value, dict) and set(value) <= {"troops", "approx", "troops_max"} and "troops" in value:
        field, shown = "troops", ("about " if value.get("approx") else "") + f"{value['troops']:,}"
    else:
        shown = value if isinstance(value, str) else json.dumps(value)
    tiers = d.get("tiers") or [None] * len(d["sources"])
    cited = ", ".join(f"{s} ({t})" if t else s for s, t in zip(d["sources"], tiers))
    lost = f", lost by {d['lost_by']}" if d.get("lost_by") else ""
    return f"{field} {shown} per {cited}{lost}"


def event_text(e: dict | None) -> str:
    """An event an answer names, in words: "#12 ratify 2000-06-09 (in effect 2002-07-01)"."""
    if not e:
        return ""
    text = f"#{e['seq']} {e['type']} {e['date']}"
    return text + (f" (in effect {e['effective']})" if e.get("effective") else "")


def state_text(v: dict | None) -> str:
    """An actor's state in a diff, in words: "member 1,300", "member ?" when uncertain, "-"."""
    if not v:
        return "-"
    return (v["status"] + (" ?" if v.get("uncertain") else "")
            + (f" {v['troops']:,}" if v.get("troops") is not None else ""))
