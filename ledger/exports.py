"""Exports for analysis and citation: the events (CSV, JSON Lines), an actor × period panel, and a
citation of the ledger's state with the sources behind a coalition (text, BibTeX).

Everything here is built from the public `Ledger` queries. The JSON Lines export is the ledger's own
import format (records of kind coalition, actor, source, then the events in log order), so
`ledger import export.jsonl` into an empty ledger appends the same events (same identities and ids),
and into the ledger it came from appends nothing (every event is a duplicate).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .model import Event, Source

if TYPE_CHECKING:
    from .api import Ledger

PAYLOAD_COLUMNS = ("troops", "troops_max", "approx", "mode", "role", "label", "count", "ref")
EVENT_CSV_COLUMNS = ("seq", "id", "type", "coalition", "actor", "date", "precision", "effective",
                     *PAYLOAD_COLUMNS, "set", "sources", "locators", "source_titles", "source_urls",
                     "note", "recorded_at")


# -- events ------------------------------------------------------------------------------------------

def event_record(e: Event) -> dict:
    """One event as an import record (the JSON Lines event format)."""
    out: dict = {"record": "event", "id": e.key, "type": e.type, "coalition": e.coalition}
    if e.actor:
        out["actor"] = e.actor
    out["date"] = e.date.text
    if e.effective:
        out["effective"] = e.effective.text
    out.update({k: v for k, v in e.payload.items()})
    out["sources"] = [c.to_dict() for c in e.sources]
    if e.note:
        out["note"] = e.note
    return out


def export_records(ledger: "Ledger", coalition: str | None = None) -> list[dict]:
    """The declarations an import needs (coalitions, actors, sources the events use), then the
    events in log order, as import records."""
    events = ledger.log(coalition)
    used_coalitions = {e.coalition for e in events}
    if coalition:
        used_coalitions.add(ledger.coalition(coalition).id)
    used_actors = {e.actor for e in events if e.actor}
    for c in ledger.coalitions():
        if c.id in used_coalitions:
            used_actors.update(c.lead)
    used_sources = {s for e in events for s in e.source_ids}
    out: list[dict] = []
    for a in ledger.actors(used_only=False):
        if a.id in used_actors:
            out.append({"record": "actor", **a.to_dict()})
    for c in ledger.coalitions():
        if c.id in used_coalitions:
            d = {k: v for k, v in c.to_dict().items() if v not in (None, [], {})}
            d["aliases"] = [a for a in c.aliases if a != c.name]
            out.append({"record": "coalition", **d})
    for s in ledger.sources():
        if s.id in used_sources:
            out.append({"record": "source", **{k: v for k, v in s.to_dict().items() if v is not None}})
    out.extend(event_record(e) for e in events)
    return out


def export_jsonl(ledger: "Ledger", coalition: str | None = None) -> str:
    return "".join(json_text(r) + "\n" for r in export_records(ledger, coalition))


# C0 and C1 controls but tab and newline, and the bidirectional overrides and isolates: what a
# terminal would obey (an escape sequence in a name drives it) or reorder, rather than show
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_text(value, indent: int | None = None) -> str:
    """JSON as the ledger writes it, UTF-8 text but with CONTROL characters as \\u escapes: the
    same value when read, safe to show on a terminal."""
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}",
                       json.dumps(value, ensure_ascii=False, indent=indent))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet will not run: one starting like a formula (=, +, -, @, tab,
    carriage return) gets a leading apostrophe, as OWASP advises against CSV injection."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _safe_row(row: list) -> list:
    return [spreadsheet_safe(v) if isinstance(v, str) else v for v in row]


def export_csv(ledger: "Ledger", coalition: str | None = None, *,
               escape_formulas: bool = True) -> str:
    """One row per event, with the ids, titles and addresses of the sources it cites ('; ' joined).
    For analysis: to re-import, use the JSON Lines export. `escape_formulas`: see
    `spreadsheet_safe`."""
    sources = {s.id: s for s in ledger.sources()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_CSV_COLUMNS)
    for e in ledger.log(coalition):
        cited = [sources.get(c.source) for c in e.sources]
        p = e.payload
        row = [
            e.seq, e.key, e.type, e.coalition, e.actor or "", e.date.text, e.date.precision,
            e.effective.text if e.effective else "",
            *[_cell(p.get(k)) for k in PAYLOAD_COLUMNS],
            json.dumps(dict(p["set"]), sort_keys=True) if p.get("set") else "",
            "; ".join(c.source for c in e.sources),
            "; ".join(c.locator or "" for c in e.sources) if any(c.locator for c in e.sources) else "",
            "; ".join(s.title if s else "" for s in cited),
            "; ".join((s.url or "") if s else "" for s in cited),
            e.note or "", e.recorded_at or ""]
        writer.writerow(_safe_row(row) if escape_formulas else row)
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- panel -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PanelRow:
    period: str            # the period's last day (YYYY-MM-DD)
    actor: str
    name: str
    status: str            # member, signatory, ratified, party; "out" when not in on that day
    troops: int | None
    uncertain: bool
    sources: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"period": self.period, "actor": self.actor, "name": self.name, "status": self.status,
                "troops": self.troops, "uncertain": self.uncertain, "sources": list(self.sources)}


PANEL_COLUMNS = ("period", "actor", "name", "status", "troops", "uncertain", "sources")


def panel(ledger: "Ledger", coalition: str, every: str = "year", start: str | None = None,
          end: str | None = None) -> list[PanelRow]:
    """A balanced panel: one row per actor the coalition's events name and per period (year or
    month), from `Ledger.asof` on the period's last day. An actor not in on that day is "out"."""
    names = {a.id: a.name for a in ledger.actors()}
    actors = sorted({e.actor for e in ledger.log(coalition) if e.actor},
                    key=lambda a: (names.get(a, a).casefold(), a))
    rows = []
    for point in ledger.growth(coalition, every, start, end):
        members = {m.actor: m for m in ledger.asof(point.date, coalition).members}
        for actor in actors:
            m = members.get(actor)
            if m is None:
                rows.append(PanelRow(point.date, actor, names.get(actor, actor), "out", None, False, ()))
            else:
                rows.append(PanelRow(point.date, actor, m.name, m.status, m.troops, m.uncertain,
                                     tuple(s["id"] for s in m.sources)))
    return rows


def panel_csv(rows: Iterable[PanelRow], *, escape_formulas: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PANEL_COLUMNS)
    for r in rows:
        row = [r.period, r.actor, r.name, r.status, "" if r.troops is None else r.troops,
               "true" if r.uncertain else "false", "; ".join(r.sources)]
        writer.writerow(_safe_row(row) if escape_formulas else row)
    return out.getvalue()


# -- citation ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Citation:
    version: str
    events: int
    head: str
    date: str                       # the day the citation was made (UTC)
    coalition: str | None
    coalition_name: str | None
    sources: tuple[Source, ...]

    @property
    def pin(self) -> str:
        """SEQ:DIGEST, to keep apart from the ledger: `ledger verify --cited` checks it."""
        return f"{self.events}:{self.head}"

    def to_dict(self) -> dict:
        return {"version": self.version, "events": self.events, "head": self.head, "pin": self.pin,
                "date": self.date,
                "coalition": self.coalition, "coalition_name": self.coalition_name,
                "sources": [s.to_dict() for s in self.sources]}


def cite(ledger: "Ledger", coalition: str | None = None) -> Citation:
    """What pins the ledger's state (version, event count, head digest, date) and the sources the
    coalition's events cite (all sources cited by any event without a coalition)."""
    from . import __version__
    from .api import now
    seq, head = ledger.head()
    cid = name = None
    if coalition:
        c = ledger.coalition(coalition)
        cid, name = c.id, c.name
    used = {s for e in ledger.log(cid) for s in e.source_ids}
    sources = tuple(s for s in ledger.sources() if s.id in used)
    return Citation(__version__, seq, head, now()[:10], cid, name, sources)


def cite_text(c: Citation) -> str:
    what = f" ({c.coalition_name}, {c.coalition})" if c.coalition else ""
    lines = [f"coalition-ledger {c.version}{what}: {c.events} events, head digest {c.head}, "
             f"retrieved {c.date}.", f"Keep this pin: {c.pin} (check it with: ledger verify "
             f"--cited {c.pin})", "", f"Sources ({len(c.sources)}):"]
    for s in c.sources:
        bits = [s.author, s.title, s.publisher, s.published]
        text = ". ".join(b for b in bits if b)
        if s.url:
            text += f". {s.url}"
        if s.accessed:
            text += f" (accessed {s.accessed})"
        lines.append(f"- [{s.id}] {text}")
    return "\n".join(lines)


_BIB_SPECIAL = re.compile(r"([\\{}&%$#_^~])")


def bib_escape(text: str) -> str:
    def repl(m):
        ch = m.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"
                }.get(ch, "\\" + ch)
    return _BIB_SPECIAL.sub(repl, text)


def bib_key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9:_-]", "-", text)


def cite_bibtex(c: Citation) -> str:
    title = "coalition-ledger: a temporal ledger of coalition membership"
    if c.coalition_name:
        title += f" ({c.coalition_name})"
    entries = [_bib("misc", f"coalition-ledger-{c.head[:12]}", [
        ("title", bib_escape(title)), ("version", c.version), ("year", c.date[:4]),
        ("note", bib_escape(f"{c.events} events, head digest {c.head} (pin {c.pin}); "
                            f"retrieved {c.date}")),
        ("urldate", c.date)])]
    for s in c.sources:
        fields = [("title", bib_escape(s.title))]
        if s.author:
            fields.append(("author", bib_escape(s.author)))
        if s.publisher:
            fields.append(("publisher", bib_escape(s.publisher)))
        if s.published:
            fields.append(("year", s.published[:4]))
            if len(s.published) >= 7:
                fields.append(("month", str(int(s.published[5:7]))))
            fields.append(("date", s.published))
        if s.url:
            fields.append(("url", s.url))
            fields.append(("howpublished", "\\url{" + s.url + "}"))
        if s.accessed:
            fields.append(("urldate", s.accessed))
            fields.append(("note", f"Accessed {s.accessed}"))
        entries.append(_bib("misc", bib_key(s.id), fields))
    return "\n\n".join(entries) + "\n"


def _bib(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}"
