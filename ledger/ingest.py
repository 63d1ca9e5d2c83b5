"""Validating records and appending them: one file (or one `append`) is one transaction.

Every check happens before anything is written, or inside the same transaction, so a bad record
leaves nothing of its file behind. Each event record is classified:
  new         not in the ledger before;
  duplicate   the same event from the same source(s) is already there: nothing is appended;
  conflicting another source states the same fact (type, actor, dates) with other values: appended,
              and the disagreement is shown by every query.
"""
from __future__ import annotations

import difflib
import json
import re
from types import SimpleNamespace
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import declarations, schema, store
from .chain import identity, stored
from .dates import parse_date, parse_recorded
from .errors import (ConflictError, InputError, InputErrors, LedgerError, UnknownIdError,
                     shown)
from .files import Record
from .model import (ACTOR_KINDS, COALITION_KINDS, EVENT_TYPES, MODELS, RATED_TIERS,
                    SCHEMA_VERSION, check_payload)
from .treaty import check_rules

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")       # whole ids only: fullmatch
MAX_TEXT = 5000        # characters of a name, title, note, ...
MAX_ALIAS = 200        # characters of an alias (an actor's name is one): schema.aliases.alias
EVENT_KEYS = {"type", "coalition", "actor", "date", "effective", "source", "locator", "quote",
              "sources", "note", "id", "set"}
CHUNK = 5000


APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'",
                             "\u0060": "'"})


def normalise(alias: str) -> str:
    """How names are matched: any case, any spacing, any apostrophe (Côte d’Ivoire)."""
    return " ".join(str(alias).translate(APOSTROPHES).casefold().split())


@dataclass
class Summary:
    file: str
    new: int = 0
    duplicate: int = 0
    conflicting: int = 0
    declared: int = 0
    coalitions: set = field(default_factory=set)
    conflicts: list = field(default_factory=list)      # (line, message)
    duplicates: list = field(default_factory=list)     # (line, seq of the existing event)
    seqs: list = field(default_factory=list)           # seqs appended
    dry_run: bool = False
    changes: dict = field(default_factory=dict)        # coalition -> spell changes (dry run)
    # coalition -> the actors its new events name, or None once one names none (an end, a
    # correction) or too many: which spells must be rebuilt (see Ledger._rebuild)
    actors: dict = field(default_factory=dict, repr=False)
    rated: set = field(default_factory=set, repr=False)    # sources given a new tier
    warnings: list = field(default_factory=list)       # (line or None, message): accepted, but look

    def to_dict(self) -> dict:
        return {"file": self.file, "new": self.new, "duplicate": self.duplicate,
                "conflicting": self.conflicting, "declared": self.declared,
                "coalitions": sorted(self.coalitions), "dry_run": self.dry_run,
                "conflicts": [{"line": ln, "message": m} for ln, m in self.conflicts],
                "duplicates": [{"line": ln, "seq": s} for ln, s in self.duplicates],
                "warnings": [{"line": ln, "message": m} for ln, m in self.warnings],
                "changes": self.changes}


class Rows:
    """A reference table's rows by key, read on first use and kept for the transaction: an append
    names a few of the thousands of actors, sources and aliases a ledger may hold."""

    def __init__(self, conn: Connection, table: sa.Table, *key: str):
        self.conn, self.table, self.key = conn, table, key
        self.found: dict = {}
        self.absent: set = set()        # looked up and not there, in this transaction
        self.complete = False

    def get(self, key: Any):
        """The row for `key` (a tuple for a composite key), or None."""
        if key in self.found or key in self.absent or self.complete:
            return self.found.get(key)
        values = key if isinstance(key, tuple) else (key,)
        row = self.conn.execute(sa.select(self.table).where(
            *(self.table.c[k] == v for k, v in zip(self.key, values)))).first()
        if row is None:
            self.absent.add(key)
        else:
            self.found[key] = row
        return row

    def add(self, key: Any, row: Any) -> None:
        self.found[key] = row
        self.absent.discard(key)

    def keys(self) -> list:
        """Every key (for "did you mean" hints, on the error path only)."""
        if not self.complete:
            for row in self.conn.execute(sa.select(self.table)):
                values = tuple(getattr(row, k) for k in self.key)
                self.found.setdefault(values if len(values) > 1 else values[0], row)
            self.complete = True
        return list(self.found)


class Catalogue:
    """The ids the ledger knows, for resolving names and aliases inside one transaction."""

    def __init__(self, conn: Connection, recorded_at: str = ""):
        self.conn = conn
        self.recorded_at = recorded_at
        self._tiers: dict[str, str | None] = {}       # a source's current tier, as looked up
        self.rated: set[str] = set()                  # sources given a new tier here
        self.coalitions = Rows(conn, schema.coalitions, "id")
        self.actors = Rows(conn, schema.actors, "id")
        self.sources = Rows(conn, schema.sources, "id")
        self.alias = Rows(conn, schema.aliases, "namespace", "alias")
        self.chain = declarations.Chain(conn)
        self.pending_refs: dict[str, tuple[str, str]] = {}    # events earlier in the same file
        # many events cite alike and carry alike payloads: checked once, stored text made once
        self.cited: dict[tuple, tuple[list[dict], str, list[str]]] = {}
        self._stored: dict[tuple, str] = {}

    def stored(self, payload: dict) -> str:
        """`chain.stored(payload)`, remembered for payloads of plain values."""
        try:
            key = tuple((k, type(v), v) for k, v in sorted(payload.items()))
            text = self._stored.get(key)
        except TypeError:       # a nested value (a correction's `set`)
            return stored(payload)
        if text is None:
            text = self._stored[key] = stored(payload)
        return text

    def tier(self, source: str) -> str | None:
        if source not in self._tiers:
            self._tiers[source] = store.tiers(self.conn, [source]).get(source)
        return self._tiers[source]

    def rate(self, source: str, tier: str, original: str | None, note: str | None) -> bool:
        """Append a rating unless it is the source's current tier already or this very rating was
        recorded before: a file read again (a new bundle) re-rates nothing."""
        if self.tier(source) == tier:
            return False
        t = schema.source_ratings
        same = self.conn.execute(sa.select(t.c.id).where(
            t.c.source_id == source, t.c.tier == tier,
            t.c.original.is_(None) if original is None else t.c.original == original,
            t.c.note.is_(None) if note is None else t.c.note == note).limit(1)).first()
        if same is not None:
            return False
        row = {"source_id": source, "tier": tier, "original": original, "note": note,
               "recorded_at": self.recorded_at}
        done = self.conn.execute(t.insert().values(**row))
        self.declare("rating", {"id": done.inserted_primary_key[0], **row})
        self._tiers[source] = tier
        self.rated.add(source)
        return True

    def resolve(self, namespace: str, value: Any, rec: Record | None, fieldname: str) -> str:
        table = self.coalitions if namespace == "coalition" else self.actors
        if not isinstance(value, str) or not value.strip():
            raise _err(rec, f"{shown(value)} is not a {namespace} id", fieldname)
        if table.get(value) is not None:
            return value
        target = self.alias_target(namespace, value)
        if target is not None:
            return target
        if namespace == "actor":
            try:
                target = by_code(value, table)
            except UnknownIdError as exc:
                raise (exc.located(rec.file, rec.lines.get(fieldname, rec.line)) if rec else exc) from None
            if target is not None:
                return target
        names = list(dict.fromkeys(table.keys() + [a for (ns, a) in self.alias.keys() if ns == namespace]))
        close = difflib.get_close_matches(normalise(value), names, n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise UnknownIdError(f"unknown {namespace} {shown(value)}{hint}", field=fieldname).located(
            *(rec.file, rec.lines.get(fieldname, rec.line)) if rec else (None, None))

    def alias_target(self, namespace: str, name: str) -> str | None:
        row = self.alias.get((namespace, normalise(name)))
        return row.target if row is not None else None

    def add_alias(self, namespace: str, alias: str, target: str, rec: Record | None,
                  fieldname: str = "aliases") -> None:
        key = (namespace, normalise(alias))
        if not key[1]:
            return
        if len(key[1]) > MAX_ALIAS:
            raise _err(rec, f"longer than {MAX_ALIAS} characters, the most an alias (or an "
                       f"actor's name) may have: {shown(alias)}", fieldname)
        have = self.alias_target(namespace, alias)
        if have == target:
            return
        if have is not None:
            raise _err(rec, f"alias '{alias}' already names {namespace} '{have}'", "aliases",
                       ConflictError)
        self.alias.add(key, SimpleNamespace(target=target))
        row = {"namespace": namespace, "alias": key[1], "target": target, "display": alias}
        self.conn.execute(schema.aliases.insert().values(**row))
        self.declare("alias", row)

    def declare(self, kind: str, row: dict) -> None:
        """Record a row just written to a reference table in the declarations chain."""
        self.chain.record(kind, row, self.recorded_at)


def by_code(value: str, actors) -> str | None:
    """The actor a prefixed code (cow:230, gw:345, iso:esp, Q29) names, if the ledger holds it."""
    from .codes import actor_for
    found, why = actor_for(value)
    if why:
        raise UnknownIdError(why, field="actor")
    return found if found is not None and actors.get(found) is not None else None


def _err(rec: Record | None, message: str, fieldname: str | None = None, cls=InputError):
    if cls is InputError:
        return rec.error(message, fieldname) if rec else InputError(message, field=fieldname)
    where = f"{rec.file}:{rec.lines.get(fieldname, rec.line)}: " if rec else ""
    return cls(where + message)


def _check_id(rec: Record, value: Any, fieldname: str = "id") -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise rec.error(f"{shown(value)} is not a valid id (lower case letters, digits, '.', '_', '-')",
                        fieldname)
    return value


def _text(rec: Record, data: dict, name: str, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise rec.error("required", name)
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise rec.error(f"{shown(value)} is not a text", name)
    if len(value) > MAX_TEXT:
        raise rec.error(f"text longer than {MAX_TEXT} characters", name)
    return value.strip()


def _date_text(rec: Record, data: dict, name: str, required: bool = False) -> str | None:
    value = data.get(name)
    if value in (None, ""):
        if required:
            raise rec.error("required", name)
        return None
    try:
        return parse_recorded(value).text
    except InputError as exc:
        raise exc.located(rec.file, rec.lines.get(name, rec.line), name) from None


def _aliases(rec: Record, data: dict) -> list[str]:
    value = data.get("aliases") or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise rec.error("must be a list of names", "aliases")
    return value


# -- declarations ---------------------------------------------------------------------------------

def declare(cat: Catalogue, rec: Record) -> bool:
    """Insert a coalition, actor or source; the same declaration again is a no-op (False)."""
    return {"coalition": declare_coalition, "actor": declare_actor,
            "source": declare_source, "rating": declare_rating}[rec.kind](cat, rec)


def declare_coalition(cat: Catalogue, rec: Record) -> bool:
    d = rec.data
    _known(rec, d, {"id", "name", "aliases", "kind", "model", "lead", "start", "end",
                    "description", "treaty"})
    cid = _check_id(rec, d.get("id"))
    kind = d.get("kind")
    if kind not in COALITION_KINDS:
        raise rec.error(f"{shown(kind)} is not one of {', '.join(COALITION_KINDS)}", "kind")
    model = d.get("model")
    if model is not None and model not in MODELS:
        raise rec.error(f"{shown(model)} is not one of {', '.join(MODELS)}", "model")
    lead = d.get("lead") or []
    lead = [lead] if isinstance(lead, str) else lead
    if not isinstance(lead, list):
        raise rec.error("must be a list of actor ids", "lead")
    lead = [cat.resolve("actor", a, rec, "lead") for a in lead]
    treaty = None
    if d.get("treaty") is not None:
        if kind != "treaty":
            raise rec.error("only a coalition of kind 'treaty' has treaty rules", "treaty")
        try:
            treaty = check_rules(d["treaty"])
        except InputError as exc:
            raise exc.located(rec.file, rec.lines.get("treaty", rec.line)) from None
    row = {"id": cid, "name": _text(rec, d, "name", True), "kind": kind, "model": model,
           "lead": json.dumps(lead), "start": _date_text(rec, d, "start"),
           "end": _date_text(rec, d, "end"), "description": _text(rec, d, "description"),
           "treaty": json.dumps(treaty, sort_keys=True) if treaty else None}
    old = cat.coalitions.get(cid)
    if old is not None:
        if {k: getattr(old, k) for k in row} != row:
            raise _err(rec, f"coalition '{cid}' is already declared differently", "id", ConflictError)
        fresh = False
    else:
        cat.conn.execute(schema.coalitions.insert().values(**row))
        cat.declare("coalition", row)
        cat.coalitions.add(cid, SimpleNamespace(**row))
        fresh = True
    for alias in _aliases(rec, d):
        cat.add_alias("coalition", alias, cid, rec)
    return fresh


def declare_actor(cat: Catalogue, rec: Record) -> bool:
    d = rec.data
    _known(rec, d, {"id", "name", "kind", "aliases"})
    aid = _check_id(rec, d.get("id"))
    kind = d.get("kind", "state")
    if kind not in ACTOR_KINDS:
        raise rec.error(f"{shown(kind)} is not one of {', '.join(ACTOR_KINDS)}", "kind")
    name = _text(rec, d, "name", True)
    fresh = cat.actors.get(aid) is None
    if fresh:
        cat.conn.execute(schema.actors.insert().values(id=aid, name=name, kind=kind))
        cat.declare("actor", {"id": aid, "name": name, "kind": kind})
        cat.actors.add(aid, SimpleNamespace(id=aid, name=name, kind=kind))
    if cat.alias_target("actor", name) is None:   # a name taken by another actor stays theirs
        cat.add_alias("actor", name, aid, rec, "name")
    for alias in _aliases(rec, d):
        cat.add_alias("actor", alias, aid, rec)
    return fresh


def declare_source(cat: Catalogue, rec: Record) -> bool:
    d = rec.data
    _known(rec, d, {"id", "title", "publisher", "author", "url", "published", "accessed", "tier",
                    "original"})
    sid = _check_id(rec, d.get("id"))
    tier = _tier(rec, d, required=False)
    row = {"id": sid, "title": _text(rec, d, "title", True), "publisher": _text(rec, d, "publisher"),
           "author": _text(rec, d, "author"), "url": _text(rec, d, "url"),
           "published": _date_text(rec, d, "published"), "accessed": _date_text(rec, d, "accessed")}
    if row["url"] and not re.fullmatch(r"(https?|ftp)://\S+", row["url"]):
        raise rec.error(f"{shown(row['url'])} is not a web address", "url")
    old = cat.sources.get(sid)
    fresh = old is None
    if not fresh:
        if {k: getattr(old, k) for k in row} != row:
            raise _err(rec, f"source '{sid}' is already in the ledger with other details; "
                       "sources are never edited: declare a new one", "id", ConflictError)
    else:
        cat.conn.execute(schema.sources.insert().values(**row))
        cat.declare("source", row)
        cat.sources.add(sid, SimpleNamespace(**row))
    if tier is not None:
        # the tier is not part of the source's row: a re-rating appends, never edits
        cat.rate(sid, tier, _text(rec, d, "original"), None)
    return fresh


def declare_rating(cat: Catalogue, rec: Record) -> bool:
    """A source's tier, given after the source itself (README, "Sources and their tiers")."""
    d = rec.data
    _known(rec, d, {"source", "tier", "original", "note"})
    sid = d.get("source")
    if not isinstance(sid, str) or cat.sources.get(sid) is None:
        raise UnknownIdError(f"unknown source {shown(sid)}; declare it first").located(
            rec.file, rec.lines.get("source", rec.line), "source")
    return cat.rate(sid, _tier(rec, d, required=True), _text(rec, d, "original"),
                    _text(rec, d, "note"))


def _tier(rec: Record, data: dict, required: bool) -> str | None:
    tier = data.get("tier")
    if tier in (None, "", "unrated") and not required:
        return None         # `unrated` is what no rating means (an export writes it)
    if tier not in RATED_TIERS:
        raise rec.error(f"{shown(tier)} is not a tier (one of: {', '.join(RATED_TIERS)})", "tier")
    return tier


def _known(rec: Record, data: dict, allowed: set) -> None:
    for key in data:
        if key not in allowed:
            raise rec.error(f"unknown field (expected some of: {', '.join(sorted(allowed))})", key)


# -- events ----------------------------------------------------------------------------------------

def event_row(cat: Catalogue, rec: Record, recorded_at: str) -> dict:
    """Validate one event record into a row ready to chain and insert."""
    d = rec.data
    for key in d:
        if key not in EVENT_FIELDS:
            raise rec.error("unknown field", key)
    etype = EVENT_TYPES.get(d["type"]) if isinstance(d.get("type"), str) else None
    if etype is None:
        close = difflib.get_close_matches(str(d.get("type")), list(EVENT_TYPES), n=2)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise rec.error(f"unknown event type {shown(d.get('type'))}{hint}", "type")
    coalition = cat.resolve("coalition", d.get("coalition"), rec, "coalition")
    ckind = cat.coalitions.get(coalition).kind
    if ckind not in etype.kinds:
        raise rec.error(f"a '{etype.name}' event does not belong in a coalition of kind '{ckind}'",
                        "type")
    actor = None
    if etype.actor:
        if d.get("actor") in (None, ""):
            raise rec.error(f"a '{etype.name}' event names an actor", "actor")
        actor = cat.resolve("actor", d["actor"], rec, "actor")
    elif d.get("actor") not in (None, ""):
        raise rec.error(f"a '{etype.name}' event is coalition-level and names no actor", "actor")
    date = _date_text(rec, d, "date", required=True)
    effective = _date_text(rec, d, "effective")
    retroactive = etype.name == "ratify" and d.get("mode") == "succession"
    if effective and parse_date(effective).hi < parse_date(date).lo and not retroactive:
        # only a succession may take effect before it is notified (from the day of independence)
        raise rec.error(f"effective {effective} is before the date {date}", "effective")
    payload_in = {k: v for k, v in d.items() if k in PAYLOAD_KEYS}
    if "set" in d:
        payload_in["set"] = d["set"]
    try:
        payload = check_payload(etype, payload_in)
    except InputError as exc:
        raise exc.located(rec.file, rec.lines.get(exc.field, rec.line)) from None
    citations, cited, source_ids = _citations(cat, rec)
    key = _check_id(rec, d["id"]) if d.get("id") not in (None, "") else None
    if etype.name in ("correct", "retract"):
        _check_ref(cat, rec, payload["ref"], coalition)
    ident = identity({"type": etype.name, "coalition": coalition, "actor": actor, "date": date,
                      "effective": effective, "payload": payload,
                      "sources": source_ids})
    fact = identity({"type": etype.name, "coalition": coalition, "actor": actor, "date": date,
                     "effective": effective})
    return {"eid": key or "e" + ident[:16], "identity": ident, "fact": fact, "type": etype.name,
            "version": SCHEMA_VERSION, "coalition_id": coalition, "actor_id": actor, "date": date,
            "effective": effective,
            "payload": cat.stored(payload), "sources": cited, "note": _text(rec, d, "note"),
            "recorded_at": recorded_at}


PAYLOAD_KEYS = frozenset(f for t in EVENT_TYPES.values() for f in t.required + t.optional)
EVENT_FIELDS = EVENT_KEYS | PAYLOAD_KEYS


def _citations(cat: Catalogue, rec: Record) -> tuple[list[dict], str, list[str]]:
    """The record's citations, checked: (citations, their stored JSON, sorted source ids)."""
    d = rec.data
    key = None
    if d.get("sources") in (None, "", []):
        key = (d.get("source"), d.get("locator"), d.get("quote"))
        if all(v is None or type(v) is str for v in key):
            found = cat.cited.get(key)
            if found is not None:       # checked before, and sources are never removed
                return found
        else:
            key = None
    out = _check_citations(cat, rec)
    found = (out, stored(out), sorted(c["source"] for c in out))
    if key is not None:
        cat.cited[key] = found
    return found


def _check_citations(cat: Catalogue, rec: Record) -> list[dict]:
    d = rec.data
    if d.get("sources") not in (None, "", []):
        if d.get("source") not in (None, ""):
            raise rec.error("give either 'source' or 'sources', not both", "sources")
        items = d["sources"]
        if not isinstance(items, list):
            raise rec.error("must be a list of {source, locator, quote}", "sources")
    elif d.get("source") not in (None, ""):
        items = [{"source": d["source"], "locator": d.get("locator"), "quote": d.get("quote")}]
    else:
        raise rec.error("every event cites a source", "source")
    out = []
    for item in items:
        if isinstance(item, str):
            item = {"source": item}
        if not isinstance(item, dict) or set(item) - {"source", "locator", "quote"}:
            raise rec.error("each citation is {source, locator, quote}", "sources")
        sid = item.get("source")
        if not isinstance(sid, str) or cat.sources.get(sid) is None:
            close = difflib.get_close_matches(str(sid), cat.sources.keys(), n=2)
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            raise UnknownIdError(f"unknown source '{sid}'{hint}; declare it first").located(
                rec.file, rec.lines.get("source", rec.lines.get("sources", rec.line)), "source")
        cite = {"source": sid}
        for part in ("locator", "quote"):
            if item.get(part) not in (None, ""):
                if not isinstance(item[part], str) or len(item[part]) > 1000:
                    raise rec.error("must be a text of at most 1000 characters", part)
                cite[part] = item[part].strip()
        out.append(cite)
    return out


def _check_ref(cat: Catalogue, rec: Record, ref: str, coalition: str) -> None:
    row = next(iter(store.find_eids(cat.conn, [ref], ("coalition_id", "type"))), None)
    if row is None:
        row = cat.pending_refs.get(ref)
    if row is None:
        raise UnknownIdError(f"no event with id '{ref}' to correct or retract").located(
            rec.file, rec.lines.get("ref", rec.line), "ref")
    if row[0] != coalition:
        raise rec.error(f"event '{ref}' belongs to coalition '{row[0]}', not '{coalition}'", "ref")
    if row[1] == "retract":
        raise rec.error("a retraction cannot be corrected or retracted", "ref")


# -- one file, one transaction --------------------------------------------------------------------

def ingest(conn: Connection, records: Iterable[Record], summary: Summary, recorded_at: str,
           progress: Callable[[int], None] | None = None) -> None:
    """Validate and append records inside the caller's write transaction."""
    cat = Catalogue(conn, recorded_at)
    # Only the chunk not yet inserted is held in memory: earlier chunks are in the database (inside
    # this transaction), where duplicates, ids and corrections' targets are looked up.
    pending: list[tuple[Record, dict]] = []
    seen_identity: set[str] = set()

    def flush():
        _flush(conn, pending, summary, cat.chain.head() if pending else None)
        pending.clear()
        seen_identity.clear()
        cat.pending_refs.clear()

    errors: list[LedgerError] = []
    today = recorded_at[:10]
    seen = 0
    for n, rec in _guarded(records, errors):
        seen += 1
        try:
            if rec.kind == INVALID:
                raise rec.data["error"]
            _check_text(rec)
            if rec.kind != "event":
                flush()
                summary.declared += declare(cat, rec)
                continue
            row = event_row(cat, rec, recorded_at)
            _warn(cat, rec, row, today, summary)
            if row["identity"] in seen_identity:
                summary.duplicate += 1
                _note(summary.duplicates, (rec.line, None))
                continue
            if row["eid"] in cat.pending_refs:
                raise ConflictError(f"{rec.file}:{rec.lines.get('id', rec.line)}: field 'id': "
                                    f"'{row['eid']}' already names another event")
            seen_identity.add(row["identity"])
            cat.pending_refs[row["eid"]] = (row["coalition_id"], row["type"])
            pending.append((rec, row))
            if len(pending) >= CHUNK:
                flush()
        except (InputError, ConflictError) as exc:
            # go on checking: every mistake of a file is reported at once (nothing is appended)
            errors.append(exc)
            pending.clear()
            if len(errors) >= MAX_ERRORS:
                break
        if progress and n % 1000 == 0:
            progress(1000)
    if not errors:
        try:
            flush()
        except (InputError, ConflictError) as exc:
            errors.append(exc)
    if errors:
        raise _combined(errors, summary.file)
    if seen == 0:
        summary.warnings.append((None, "the file holds no records"))
    summary.rated |= cat.rated


MAX_ERRORS = 50
INVALID = "invalid"     # a record the reader could not make (bad JSON, a short CSV row): its error


def _guarded(records: Iterable[Record], errors: list):
    """(n, record) of the records; an error the reader raises ends them, kept with the others."""
    it = iter(records)
    n = 0
    while True:
        try:
            rec = next(it)
        except StopIteration:
            return
        except InputError as exc:
            errors.append(exc)
            return
        n += 1
        yield n, rec


def _combined(errors: list, file: str) -> LedgerError:
    errors = list({str(e): e for e in errors}.values())     # one row's events may fail alike
    if len(errors) == 1:
        return errors[0]
    if all(isinstance(e, InputError) for e in errors):
        return InputErrors(errors, file, more=len(errors) >= MAX_ERRORS)
    return ConflictError(str(InputErrors(errors, file, more=len(errors) >= MAX_ERRORS)))


def _warn(cat: Catalogue, rec: Record, row: dict, today: str, summary: "Summary") -> None:
    """What is accepted but worth a second look: a date in the future, or outside the span of the
    coalition (the start and end it was declared with)."""
    when = parse_date(row["date"])
    if when.lo.isoformat() > today:
        summary.warnings.append((rec.line, f"date {row['date']} is in the future"))
    coal = cat.coalitions.get(row["coalition_id"])
    start, end = getattr(coal, "start", None), getattr(coal, "end", None)
    if row["type"] in ("start", "end"):
        return
    if (start and when.hi < parse_date(start).lo) or (end and when.lo > parse_date(end).hi):
        summary.warnings.append((rec.line, f"date {row['date']} is outside {row['coalition_id']}'s "
                                           f"span ({start or '…'} to {end or '…'})"))


FEW = 20      # up to this many actors of a coalition are rebuilt one by one, more: the coalition


def _touch(actors: dict, coalition: str, actor: str | None) -> None:
    who = actors.setdefault(coalition, set())
    if who is None:
        return
    if actor is None or len(who) >= FEW:
        actors[coalition] = None
    else:
        who.add(actor)


def _check_text(rec: Record) -> None:
    """Text that is not Unicode (a lone surrogate, e.g. "\\ud800" in JSON) can be neither stored
    nor digested, and PostgreSQL stores no NUL character: refuse both, naming the field."""
    try:
        dumped = orjson.dumps(rec.data, default=str)
    except orjson.JSONEncodeError:
        dumped = None
    if dumped is not None and b"\\u0000" not in dumped:
        return
    for key, value in rec.data.items():
        if _has(key, _surrogate) or _has(value, _surrogate):
            raise rec.error("is not valid Unicode text (it holds a lone surrogate)", str(key))
        if _has(key, _nul) or _has(value, _nul):
            raise rec.error("holds a NUL character (\\u0000), which no text may hold", str(key))
    # anything else orjson refuses (a non-text key, a huge integer) the field checks name


def _surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _nul(text: str) -> bool:
    return "\x00" in text


def _has(value: Any, test: Callable[[str], bool]) -> bool:
    if isinstance(value, str):
        return test(value)
    if isinstance(value, dict):
        return any(_has(k, test) or _has(v, test) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has(v, test) for v in value)
    return False


NOTED = 1000    # duplicates and conflicts listed one by one (all are counted)


def _note(items: list, item: tuple) -> None:
    if len(items) < NOTED:
        items.append(item)


def _flush(conn: Connection, pending: list[tuple[Record, dict]], summary: Summary,
           declared: str | None) -> None:
    """Append the pending events, each standing on the declarations head `declared`."""
    if not pending:
        return
    ident = {r["identity"] for _, r in pending}
    wanted = {r["fact"] for _, r in pending}
    days: dict[str, set] = {}
    for _, r in pending:
        days.setdefault(r["coalition_id"], set()).add(r["date"])
    # Events stating the same fact share coalition and date (the (coalition, date_lo) index), and
    # a fact is a digest of part of what an identity digests: one lookup finds the duplicates too.
    found = []
    for cid, dates in days.items():
        for seq, _eid, ident_, type_, coal, actor, date, effective, payload in store.same_days(
                conn, cid, sorted(dates)):
            fact = identity({"type": type_, "coalition": coal, "actor": actor, "date": date,
                             "effective": effective})
            if fact in wanted:          # not another fact of the same day
                found.append((seq, fact, ident_, payload))
    found.sort()
    dupes, facts = {}, {}
    for seq, fact, ident_, payload in found:
        if ident_ in ident:
            dupes[ident_] = seq
        facts.setdefault(fact, []).append((payload, f"event #{seq}"))
    taken = {eid for (eid,) in store.find_eids(
        conn, [r["eid"] for _, r in pending if r["identity"] not in dupes])}
    rows = []
    for rec, row in pending:
        if row["identity"] in dupes:
            summary.duplicate += 1
            _note(summary.duplicates, (rec.line, dupes[row["identity"]]))
            continue
        if row["eid"] in taken:
            raise ConflictError(f"{rec.file}:{rec.lines.get('id', rec.line)}: field 'id': "
                                f"'{row['eid']}' already names another event")
        others = [where for payload, where in facts.get(row["fact"], []) if payload != row["payload"]]
        if others:
            summary.conflicting += 1
            _note(summary.conflicts, (rec.line, f"another source gives other values for this fact "
                                                f"({others[0]})"))
        else:
            summary.new += 1
        facts.setdefault(row["fact"], []).append((row["payload"], f"line {rec.line}"))
        summary.coalitions.add(row["coalition_id"])
        _touch(summary.actors, row["coalition_id"], row["actor_id"])
        row["declared"] = declared
        rows.append(row)
    store.insert_events(conn, rows)
    summary.seqs.extend(r["seq"] for r in rows)
