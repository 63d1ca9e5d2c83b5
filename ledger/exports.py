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
from datetime import date, timedelta
from typing import Iterable, Protocol

from . import codes
from .safetext import json_text, spreadsheet_safe
from .errors import InputError
from .model import Actor, Coalition, Event, Source
from .state import IN


class Reader(Protocol):
    """The public `Ledger` queries these exports are built from (`Ledger` is one; the API uses this
    module, so the arrow runs from api.py to here, never back)."""

    def log(self, coalition: str | None = None, actor: str | None = None) -> list[Event]: ...
    def coalition(self, name: str) -> Coalition: ...
    def coalitions(self) -> list[Coalition]: ...
    def actors(self, used_only: bool = False) -> list[Actor]: ...
    def sources(self) -> list[Source]: ...
    def spells(self, coalition: str) -> list[tuple[str, str | None, dict]]: ...
    def growth(self, coalition: str, every: str = "year", start: str | None = None,
               end: str | None = None, published_by: str | date | None = None, *,
               min_tier: str | None = None) -> list: ...
    def head(self) -> tuple[int, str]: ...


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


def export_records(ledger: Reader, coalition: str | None = None) -> list[dict]:
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


def export_jsonl(ledger: Reader, coalition: str | None = None) -> str:
    return "".join(json_text(r) + "\n" for r in export_records(ledger, coalition))


def _safe_row(row: list) -> list:
    return [spreadsheet_safe(v) if isinstance(v, str) else v for v in row]


def export_csv(ledger: Reader, coalition: str | None = None, *,
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

PANEL_STATUSES = ("member", "party", "signatory", "ratified", "withdrawn", "none")
TROOPS = ("end", "max", "mean")


@dataclass(frozen=True)
class PanelRow:
    coalition: str
    period: str            # the period's last day (YYYY-MM-DD)
    year: int
    month: int | None      # monthly panels only
    actor: str
    iso3: str | None       # upper case, valid in the period
    ccode: int | None      # COW state number, valid in the period
    gwcode: int | None     # Gleditsch-Ward number
    vdem: str | None       # V-Dem country_text_id
    name: str
    status: str            # one of PANEL_STATUSES, at the period's end
    troops: int | None     # at the period's end, or its max or day-weighted mean (--troops)
    share: float           # fraction of the period's days the actor was in
    uncertain: bool
    sources: tuple[str, ...]
    url: str | None        # the first source's address
    note: str = ""

    def to_dict(self) -> dict:
        out = {"coalition": self.coalition, "period": self.period, "year": self.year,
               "month": self.month, "actor": self.actor, "iso3": self.iso3, "ccode": self.ccode,
               "gwcode": self.gwcode, "vdem": self.vdem, "name": self.name, "status": self.status,
               "troops": self.troops, "share": self.share, "uncertain": self.uncertain,
               "sources": ";".join(self.sources), "url": self.url, "note": self.note}
        if self.month is None:
            del out["month"]
        return out


def panel_columns(every: str) -> tuple[str, ...]:
    cols = ("coalition", "period", "year", "month", "actor", "iso3", "ccode", "gwcode", "vdem", "name",
            "status", "troops", "share", "uncertain", "sources", "url", "note")
    return cols if every == "month" else tuple(c for c in cols if c != "month")


def panel(ledger: Reader, coalition: str, every: str = "year", start: str | None = None,
          end: str | None = None, *, troops: str = "end", all_states: bool = False,
          system: str = "cow") -> list[PanelRow]:
    """One row per actor and period (README, "Panels"): the actors the coalition's events name, and
    with `all_states` every state of the `system` (cow or gw) in the period, those never in with
    status "none". A state that a successor continues (Serbia and Montenegro by Serbia) is shown,
    after the succession, as that successor with its predecessor's record; a state that no longer
    exists at a period's end has no row for it."""
    if troops not in TROOPS:
        raise InputError(f"troops is one of {', '.join(TROOPS)}", field="troops")
    if system not in codes.PANEL_SYSTEMS:
        raise InputError(f"system is one of {', '.join(codes.PANEL_SYSTEMS)}", field="system")
    if all_states and system not in ("cow", "gw"):
        raise InputError("every state of a period comes from the COW or the GW state system: "
                         "give the system cow or gw", field="system")
    coal = ledger.coalition(coalition)
    names = {a.id: a.name for a in ledger.actors()}
    urls = {s.id: s.url for s in ledger.sources()}
    spells: dict[str, list] = {}
    for lo, hi, rec in ledger.spells(coal.id):
        spells.setdefault(rec["actor"], []).append((lo, hi, rec))
    named = set(spells) | {e.actor for e in ledger.log(coal.id) if e.actor}
    keyed = codes.PANEL_SYSTEMS[system]
    rows = []
    for point in ledger.growth(coal.id, every, start, end):
        hi = point.date
        last = date.fromisoformat(hi)
        lo = (last.replace(month=1, day=1) if every == "year" else last.replace(day=1)).isoformat()
        days = (last - date.fromisoformat(lo)).days + 1
        listed: dict[str, list] = {}
        for actor in sorted(named):
            heir, timeline = _lineage(actor, spells, lo, hi)
            if heir is not None:
                listed.setdefault(heir, []).extend(timeline)
        if all_states:
            for c in codes.members(system, lo, hi):
                if _lineage(c.actor, {}, lo, hi)[0] == c.actor:
                    listed.setdefault(c.actor, [])
        for actor, timeline in listed.items():
            timeline = _own_first(actor, timeline)
            # the row says how things stood at the period's end, or on the last day of a state
            # that ended inside it without a continuator (the GDR in 1990)
            at = hi if _exists(actor, hi) else codes.ended(actor)
            rec = _at(timeline, at)
            status = _status(rec, timeline, at)
            share = _share(timeline, lo, hi, days)
            shown_troops = _troops(timeline, rec, lo, hi, troops)
            around = [r for a, b, r in timeline if a <= hi and (b is None or b > lo)]
            notes = sorted({f"continues {r['actor']}" for r in around if r["actor"] != actor})
            if at != hi:
                notes.append(f"ended {at}")
            code = {s: codes.code_in(actor, s, at) or codes.code_in(actor, s, lo, hi)
                    for s in ("iso3", "cow", "gw", "vdem")}
            if not code[keyed]:
                notes.append(f"no {system} code in this period")
            src = tuple(rec["sources"]) if rec is not None and status != "none" else ()
            rows.append(PanelRow(
                coal.id, hi, last.year, last.month if every == "month" else None, actor,
                code["iso3"], _number(code["cow"]), _number(code["gw"]), code["vdem"],
                names.get(actor, actor), status,
                shown_troops, round(share, 4), any(r["uncertain"] for r in around), src,
                next((urls[s] for s in src if urls.get(s)), None), "; ".join(notes)))
    rows.sort(key=lambda r: (r.period, r.name.casefold(), r.actor))
    return rows


def _number(code: str | None) -> int | None:
    return int(code) if code is not None else None


def _exists(actor: str, day: str) -> bool:
    gone = codes.ended(actor)
    return codes.began(actor) <= day and (gone is None or gone >= day)


def _lineage(actor: str, spells: dict, lo: str, hi: str) -> tuple[str | None, list]:
    """The state that stands for `actor` in the period [lo, hi] and the spells to read for it:
    itself while it exists at the period's end; the successor that continues it (whose record the
    predecessor's spells go on being) once it has been continued; itself again if it ended inside
    the period with no continuator (dissolved, absorbed); (None, []) if it has not begun by the
    period's end or ended before the period."""
    timeline = list(spells.get(actor, []))
    if codes.began(actor) > hi:
        return None, []
    while not _exists(actor, hi):
        link = codes.continuing(actor)
        if link is None:
            return (actor, timeline) if codes.ended(actor) >= lo else (None, [])
        actor = link.successor      # the same state: its record goes on
    return actor, timeline


def _own_first(actor: str, timeline: list) -> list:
    """A successor's own spells win over a predecessor's carried into the same days."""
    own = [s for s in timeline if s[2]["actor"] == actor]
    if not own:
        return sorted(timeline, key=lambda s: s[0])
    first = min(a for a, _, _ in own)
    carried = [(a, b if b is not None and b <= first else first, r) for a, b, r in timeline
               if r["actor"] != actor and a < first]
    return sorted(carried + own, key=lambda s: s[0])


def _at(timeline: list, day: str):
    for a, b, r in timeline:
        if a <= day and (b is None or b > day):
            return r
    return None


def _status(rec, timeline: list, day: str) -> str:
    if rec is not None and rec["status"] in IN:
        return rec["status"]
    was_in = any(r["status"] in IN and a <= day for a, _, r in timeline)
    return "withdrawn" if was_in else "none"


def _overlap(a: str, b: str | None, lo: str, hi: str) -> int:
    """Days of the spell [a, b) (b exclusive, None: open) that fall in the period [lo, hi]."""
    start = max(a, lo)
    if b is not None and b <= hi:
        end = date.fromisoformat(b)
    else:           # through the period's last day (counted without a day past 9999-12-31)
        end = date.fromisoformat(hi)
        if start > hi:
            return 0
        return (end - date.fromisoformat(start)).days + 1
    return (end - date.fromisoformat(start)).days if start < b else 0


def _share(timeline: list, lo: str, hi: str, days: int) -> float:
    return sum(_overlap(a, b, lo, hi) for a, b, r in timeline if r["status"] in IN) / days


def _troops(timeline: list, rec, lo: str, hi: str, how: str) -> int | None:
    if how == "end":
        return rec["troops"] if rec is not None and rec["status"] == "member" else None
    figures = [(r["troops"], _overlap(a, b, lo, hi)) for a, b, r in timeline
               if r["status"] == "member" and r["troops"] is not None]
    figures = [(t, n) for t, n in figures if n]
    if not figures:
        return None
    if how == "max":
        return max(t for t, _ in figures)
    return round(sum(t * n for t, n in figures) / sum(n for _, n in figures))


def panel_csv(rows: Iterable[PanelRow], every: str = "year", *,
              escape_formulas: bool = True) -> str:
    columns = panel_columns(every)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        d = r.to_dict()
        row = [_cell(d.get(c)) for c in columns]
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


def cite(ledger: Reader, coalition: str | None = None) -> Citation:
    """What pins the ledger's state (version, event count, head digest, date) and the sources the
    coalition's events cite (all sources cited by any event without a coalition)."""
    from . import __version__
    from .clock import now
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
