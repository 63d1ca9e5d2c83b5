"""Typed, immutable values: events and the records they cite.

The vocabulary (`EVENT_TYPES`) says, for each event type, whether it names an actor, which coalition
kinds it belongs to, and which payload fields it takes. Stored events carry a schema version; an
upcaster registered in `UPCASTERS` turns an older stored payload into the current shape on read, so
stored rows are never rewritten.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

from .dates import FuzzyDate, parse_recorded
from .errors import InputError, shown
from .treaty_rules import RATIFY_MODES, check_rules

SCHEMA_VERSION = 1

COALITION_KINDS = ("military", "treaty", "campaign", "list")
MODELS = ("top-down", "bottom-up", "hybrid")
ACTOR_KINDS = ("state", "former-state", "igo", "ngo", "company", "other")

#: Evidence tiers of sources, strongest first (README, "Sources and their tiers"). A source with no
#: rating is `unrated`, which ranks just above `weak`.
TIERS = ("depositary", "official", "scholarly", "press", "reference", "unrated", "weak")
RATED_TIERS = tuple(t for t in TIERS if t != "unrated")


def tier_rank(tier: str | None) -> int:
    """Higher is stronger: depositary 6 … unrated 1, weak 0."""
    return len(TIERS) - 1 - TIERS.index(tier or "unrated")


THOUSANDS = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+$")


def _int(name: str, value: Any, *, maximum: int = 10**9) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"{shown(value)} is not a whole number", field=name)
    if isinstance(value, str):
        text = value.strip()
        if THOUSANDS.match(text):
            text = text.replace(",", "")        # 1,850 as sources print it
        if not text.isdigit() or not text.isascii():
            raise InputError(f"{shown(value)} is not a whole number >= 0", field=name)
        if len(text.lstrip("0")) > len(str(maximum)):       # int() of a huge text is slow
            cut = text if len(text) <= 20 else text[:20] + "…"
            raise InputError(f"{cut} is implausibly large (over {maximum:,})", field=name)
        value = int(text)
    if value < 0:
        raise InputError(f"{value} is negative; must be >= 0", field=name)
    if value > maximum:
        raise InputError(f"{value} is implausibly large (over {maximum:,})", field=name)
    return value


def _text(name: str, value: Any, *, maximum: int = 2000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{shown(value)} is not a text", field=name)
    if len(value) > maximum:
        raise InputError(f"text longer than {maximum} characters", field=name)
    return value.strip()


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    raise InputError(f"{shown(value)} is not true or false", field=name)


def _mode(name: str, value: Any) -> str:
    if value not in RATIFY_MODES:
        raise InputError(f"{shown(value)} is not one of {', '.join(RATIFY_MODES)}", field=name)
    return value


def _rule(name: str, value: Any) -> dict:
    try:
        return check_rules(value)
    except InputError as exc:
        raise InputError(exc.message, field=f"{name}.{exc.field.removeprefix('treaty.')}"
                         if exc.field else name) from None


MEASURES = ("members", "signed", "ratified", "parties")


def _measure(name: str, value: Any) -> str:
    if value not in MEASURES:
        raise InputError(f"{value!r} is not one of {', '.join(MEASURES)}", field=name)
    return value


PAYLOAD_FIELDS: dict[str, Callable[[str, Any], Any]] = {
    "troops": _int, "troops_max": _int, "count": _int, "approx": _bool, "unmatched": _bool,
    "role": _text, "label": _text, "mode": _mode, "ref": _text, "rule": _rule, "measure": _measure,
}


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    actor: bool                        # True: names an actor; False: coalition-level
    kinds: tuple[str, ...]             # coalition kinds it may appear in
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    description: str = ""


_MEMBERSHIP = ("military", "campaign", "list")
_ALL = COALITION_KINDS
EVENT_TYPES: dict[str, EventType] = {t.name: t for t in (
    EventType("join", True, _MEMBERSHIP, (), ("troops", "approx", "troops_max", "role"),
              "actor enters the coalition (first deployment, added to a list, signs a letter)"),
    EventType("commit_troops", True, ("military",), ("troops",), ("approx", "troops_max", "role"),
              "actor's troop level from this date"),
    EventType("peak_troops", True, ("military",), ("troops",), ("approx", "troops_max", "role"),
              "a source's peak troop figure without the date it held: shown, never taken as a level"),
    EventType("announce_withdrawal", True, _ALL, (), (),
              "actor announces it will leave; membership unchanged"),
    EventType("withdraw", True, _MEMBERSHIP, (), ("unmatched",),
              "actor leaves (withdrawal completed, removed from a list) on its effective date"),
    EventType("sign_treaty", True, ("treaty",), (), (), "signature"),
    EventType("ratify", True, ("treaty",), ("mode",), (),
              "consent to be bound deposited (ratification, acceptance, approval, accession, succession)"),
    EventType("unsign", True, ("treaty",), (), (),
              "signatory gives notice it does not intend to become a party"),
    EventType("withdraw_treaty", True, ("treaty",), (), (),
              "withdrawal notified on its date, effective on its effective date (or by the treaty's rule)"),
    EventType("revoke_withdrawal", True, ("treaty",), (), ("label",),
              "a notified treaty withdrawal is revoked before it takes effect: it never does"),
    EventType("treaty_rule", False, ("treaty",), ("rule",), ("label",),
              "states treaty rules the coalition's declaration left out (or restates them), citing the text"),
    EventType("conflict_begins", True, ("treaty",), (), ("label",),
              "the actor's armed conflict begins (holds off a withdrawal under an armed-conflict rule)"),
    EventType("conflict_ends", True, ("treaty",), (), ("label",),
              "the actor's armed conflict ends (a withdrawal it held off takes effect)"),
    EventType("start", False, _ALL, (), ("label",), "the coalition or operation begins"),
    EventType("end", False, _ALL, (), ("label",), "the coalition ends: every member leaves"),
    EventType("entry_into_force", False, ("treaty",), (), ("label",), "the treaty enters into force"),
    EventType("milestone", False, _ALL, (), ("label",), "any other coalition-level event"),
    EventType("count_claim", False, _ALL, ("count",), ("label", "measure"),
              "a source's claim of how many members the coalition had (`measure`: members, "
              "signed, ratified or parties)"),
    EventType("correct", False, _ALL, ("ref",), (),
              "replaces fields (`set`) of the earlier event `ref`, citing a new source"),
    EventType("retract", False, _ALL, ("ref",), (), "the earlier event `ref` was wrong"),
)}

#: Fields of an earlier event that a `correct` event may replace.
CORRECTABLE = ("date", "effective", "troops", "troops_max", "approx", "mode", "role", "label", "count",
               "measure")


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    locator: str | None = None
    quote: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in (("source", self.source), ("locator", self.locator),
                                  ("quote", self.quote)) if v is not None}


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    accessed: str | None = None
    tier: str = "unrated"
    original: str | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "publisher": self.publisher, "author": self.author,
                "url": self.url, "published": self.published, "accessed": self.accessed,
                "tier": self.tier, "original": self.original}


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str = "state"
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "aliases": list(self.aliases)}


@dataclass(frozen=True, slots=True)
class Coalition:
    id: str
    name: str
    kind: str
    model: str | None = None
    lead: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    description: str | None = None
    treaty: Mapping[str, Any] | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "model": self.model,
                "lead": list(self.lead), "aliases": list(self.aliases), "start": self.start,
                "end": self.end, "description": self.description,
                "treaty": dict(self.treaty) if self.treaty else None}


@dataclass(frozen=True, slots=True)
class Event:
    """One event as the ledger holds it. `seq`, `recorded_at` and `hash` are set once stored."""
    type: str
    coalition: str
    actor: str | None
    date: FuzzyDate
    effective: FuzzyDate | None = None
    payload: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    sources: tuple[Citation, ...] = ()
    note: str | None = None
    key: str | None = None            # an author-given id that corrections may refer to
    seq: int | None = None
    recorded_at: str | None = None
    version: int = SCHEMA_VERSION

    @property
    def when(self) -> FuzzyDate:
        """The date it takes effect in the world: `effective` if given, else `date`."""
        return self.effective or self.date

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(c.source for c in self.sources)

    def to_dict(self) -> dict:
        return {"seq": self.seq, "id": self.key, "type": self.type, "coalition": self.coalition,
                "actor": self.actor, "date": self.date.text, "precision": self.date.precision,
                "effective": self.effective.text if self.effective else None,
                "payload": dict(self.payload), "sources": [c.to_dict() for c in self.sources],
                "note": self.note, "recorded_at": self.recorded_at}


def freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def check_payload(event_type: EventType, payload: Mapping[str, Any]) -> dict:
    """Validate and normalise payload fields for one event type."""
    allowed = set(event_type.required) | set(event_type.optional)
    out: dict[str, Any] = {}
    for name in event_type.required:
        if payload.get(name) in (None, ""):
            raise InputError(f"required for a '{event_type.name}' event", field=name)
    for name, value in payload.items():
        if value is None or value == "":
            continue
        if name == "set" and event_type.name == "correct":
            out["set"] = check_correction(value)
            continue
        if name not in allowed:
            raise InputError(f"not a field of a '{event_type.name}' event", field=name)
        out[name] = PAYLOAD_FIELDS[name](name, value)
    if event_type.name == "correct" and not out.get("set"):
        raise InputError("a correction must say what it sets", field="set")
    return out


def check_correction(fields: Any) -> dict:
    if not isinstance(fields, Mapping) or not fields:
        raise InputError("must be a mapping of field: new value", field="set")
    out = {}
    for name, value in fields.items():
        if name not in CORRECTABLE:
            raise InputError(f"'{name}' cannot be corrected (one of: {', '.join(CORRECTABLE)})",
                             field="set")
        if name in ("date", "effective"):
            try:
                out[name] = parse_recorded(value).text
            except InputError as exc:
                raise exc.located(field="set") from None
        else:
            out[name] = PAYLOAD_FIELDS[name](name, value)
    return out


#: (event type, stored version) -> function(payload dict) -> payload dict of the next version.
UPCASTERS: dict[tuple[str, int], Callable[[dict], dict]] = {}


def upcast(event_type: str, version: int, payload: dict) -> dict:
    """Bring a stored payload up to SCHEMA_VERSION, one version at a time."""
    while version < SCHEMA_VERSION:
        step = UPCASTERS.get((event_type, version))
        if step is not None:
            payload = step(dict(payload))
        version += 1
    return payload
