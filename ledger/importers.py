"""Importing other people's tables: each reader turns a table into ledger `Record`s that carry the
table's line numbers, and `import_table` appends them with `Ledger.import_records` (one transaction:
all or nothing; duplicates skipped; disagreements with other sources classified as conflicting).

Formats:
  membership  one row per actor with a join and an exit date column (CSV or TSV). Missing values are
              `NA` or empty. Actor cells are ISO 3166-1 alpha-3 codes (any case) or names/aliases.
              Rule: the exit date is the first day outside the coalition, so a row gives `join` on
              the join date and `withdraw` dated the exit date (not a member on that day).
  untc        a UN Treaty Collection status table, pasted as text (tab separated), saved as CSV, or
              the stored text of the status page with its cells run together (see
              `_untc_page_rows`), or the status page's HTML as saved from treaties.un.org (its
              participants table, `..._tblgrid`): Participant, Signature, [Provisional application (n), skipped,]
              Ratification/Accession... with the markers `a` accession,
              `A` acceptance, `AA` approval, `d` succession after the date (none: ratification), and
              dates like "3 Dec 1997". Gives `sign_treaty` and `ratify` events. Footnote numbers after a
              participant's name are dropped; names are matched to actors by name and alias.
  wikidata    SPARQL query results as JSON (`head.vars`, `results.bindings`) with an item, a start
              time, an end time and a reference URL: `join` on the start time, `withdraw` dated the
              end time (the same rule as `membership`). Each reference URL becomes a source.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Iterator

from .dates import parse_date
from .errors import InputError, shown
from .files import Record, csv_rows
from .ingest import Summary, normalise

if TYPE_CHECKING:
    from .api import Ledger

FORMATS = ("membership", "untc", "wikidata")
MISSING = ("", "na", "n/a")
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DMY = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
UNTC_MODES = {"": "ratification", "a": "accession", "A": "acceptance", "AA": "approval",
              "d": "succession"}
_UNTC_CELL = re.compile(r"^(.*?\d{4})\s*(AA|A|a|d)?$")


def table_date(text: str, path: str, line: int, column: str) -> str | None:
    """A cell's date as the ledger writes it (YYYY, YYYY-MM, YYYY-MM-DD), or None when missing.
    Accepts ISO dates and "3 Dec 1997"."""
    value = text.strip()
    if value.lower() in MISSING:
        return None
    m = _DMY.match(value)
    if m and m[2].lower() in MONTHS:
        value = f"{int(m[3]):04d}-{MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}"
    try:
        return parse_date(value).text
    except InputError as exc:
        raise InputError(f"'{text.strip()}' is not a date (YYYY-MM-DD, YYYY-MM, YYYY or "
                         f"'3 Dec 1997')" if not m else exc.message,
                         file=path, line=line, field=column) from None


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                         file=path, line=raw[:exc.start].count(b"\n") + 1) from None


def _rows(path: str, text: str, delimiter: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV or TSV text; the delimiter is a tab if the first line has one."""
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first else ","
    return csv_rows(path, text, delimiter)


def _event(data: dict, path: str, line: int, columns: dict) -> Record:
    """An event record; `columns` maps ledger fields to the table's column names (for errors)."""
    return Record("event", {k: v for k, v in data.items() if v is not None}, path, line,
                  {"__columns__": columns})


class _Names:
    """Actor names and aliases -> ids, for the tables that name states rather than code them."""

    def __init__(self, ledger: "Ledger"):
        self.ids = set()
        self.map: dict[str, str] = {}
        for a in ledger.actors():
            self.ids.add(a.id)
            for name in (a.id, a.name, *a.aliases):
                self.map.setdefault(_key(name), a.id)

    def find(self, name: str) -> str:
        """The actor id for a name, or the name itself (then the import names it as unknown)."""
        for variant in _variants(name):
            hit = self.map.get(_key(variant))
            if hit:
                return hit
        return name


def _key(name: str) -> str:
    return normalise(name.replace("’", "'"))


def _variants(name: str) -> list[str]:
    """UNTC writes "Bolivia (Plurinational State of)"; ISO tables "Bolivia, Plurinational State of"."""
    out = [name]
    m = re.match(r"^(.*?)\s*\((.*)\)$", name)
    if m:
        out += [f"{m[1]}, {m[2]}", f"{m[2]} {m[1]}", m[1]]
    if name.lower().startswith("the "):
        out.append(name[4:])
    if re.match(r"^St\.? ", name):                 # UNTC: "St. Kitts and Nevis", "St. Lucia"
        out.append("Saint " + name.split(" ", 1)[1])
    return out


# -- membership tables -------------------------------------------------------------------------------

def membership_records(path: str, *, coalition: str, source: str, actor_column: str,
                       join_column: str, exit_column: str | None = None,
                       delimiter: str | None = None) -> list[Record]:
    text = _read_text(path)
    rows = _rows(path, text, delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputError("the table is empty", file=path) from None
    header = [h.strip() for h in header]
    wanted = {"--actor-column": actor_column, "--join-column": join_column}
    if exit_column:
        wanted["--exit-column"] = exit_column
    folded = [h.casefold() for h in header]         # column names match in any case
    for option, name in wanted.items():
        if name.casefold() not in folded:
            raise InputError(f"no column '{name}' ({option}); the columns are: {', '.join(header)}",
                             file=path, line=1, field=name)
    at = {name: folded.index(name.casefold()) for name in wanted.values()}
    columns = {"actor": actor_column, "date": join_column}
    out = []
    base = os.path.basename(path)
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise InputError(f"{len(cells)} cells where the header has {len(header)}", file=path,
                             line=line)
        actor = cells[at[actor_column]].strip()
        if actor.lower() in MISSING:
            raise InputError("no actor", file=path, line=line, field=actor_column)
        if re.fullmatch(r"[A-Za-z]{3}", actor):
            actor = actor.lower()           # ISO 3166-1 alpha-3, any case
        joined = table_date(cells[at[join_column]], path, line, join_column)
        left = table_date(cells[at[exit_column]], path, line, exit_column) if exit_column else None
        if joined is None:
            raise InputError("no join date (a row is an actor that joined)", file=path, line=line,
                             field=join_column)
        if left is not None and parse_date(left).hi <= parse_date(joined).lo:
            raise InputError(f"exit {left} is not after the join date {joined}", file=path,
                             line=line, field=exit_column)
        cite = {"source": source, "locator": f"{base}, line {line}"}
        out.append(_event({"type": "join", "coalition": coalition, "actor": actor, "date": joined,
                           "sources": [cite]}, path, line, columns))
        if left is not None:
            out.append(_event({"type": "withdraw", "coalition": coalition, "actor": actor,
                               "date": left, "sources": [cite]}, path, line,
                              {"actor": actor_column, "date": exit_column}))
    return out


# -- UN Treaty Collection status tables --------------------------------------------------------------

def untc_records(path: str, ledger: "Ledger", *, coalition: str, source: str) -> list[Record]:
    text = _read_text(path)
    names = _Names(ledger)
    head = next((ln for ln in text.splitlines() if ln.strip().lower().startswith("participant")), "")
    page = _PAGE_HEAD.match(head.strip())
    if _HTML_TABLE.search(text):
        rows = _untc_table_rows(path, _html_rows(path, text))
    elif "\t" not in head and page and re.search(_PAGE_DATE, head[page.end():]):
        rows = _untc_page_rows(path, text)      # the rows run on from the heading
    else:
        rows = _untc_table_rows(path, _rows(path, text, "\t" if "\t" in head else ","))
    base = os.path.basename(path)
    out = []
    for line, name, signed_text, bound_text, sig_col, rat_col in rows:
        name = re.sub(r"[\s\d,*]+$", "", name)      # footnote numbers after the name
        if not name:
            raise InputError("no participant", file=path, line=line, field="Participant")
        actor = names.find(name)
        cite = {"source": source, "locator": f"{base}, line {line} ({name})"}
        signed = table_date(signed_text, path, line, sig_col) if signed_text else None
        if signed:
            out.append(_event({"type": "sign_treaty", "coalition": coalition, "actor": actor,
                               "date": signed, "sources": [cite]}, path, line,
                              {"actor": "Participant", "date": sig_col}))
        if bound_text:
            m = _UNTC_CELL.match(bound_text)
            if not m:
                raise InputError(f"'{bound_text}' is not a date with an optional marker "
                                 "(a, A, AA, d)", file=path, line=line, field=rat_col)
            bound = table_date(m[1], path, line, rat_col)
            out.append(_event({"type": "ratify", "coalition": coalition, "actor": actor,
                               "date": bound, "mode": UNTC_MODES[m[2] or ""], "sources": [cite]},
                              path, line, {"actor": "Participant", "date": rat_col,
                                           "mode": rat_col}))
        if not signed and not bound_text:
            raise InputError("neither a signature nor a ratification date", file=path, line=line,
                             field=sig_col)
    return out


def _untc_table_rows(path: str, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple]:
    """(line, participant, signature cell, consent cell, column names) of a pasted, CSV or HTML
    table. The columns are found by their headings: the treaties of the 2000s have a "Provisional
    application (n)" column between the signature and the consent to be bound, which is skipped.
    A state that has withdrawn has its dates in brackets ("[ 3 Dec 2008 ]"): they stand, and the
    withdrawal (in a footnote) is an event of its own."""
    header = None
    for line, cells in rows:
        if cells and cells[0].strip().lower().startswith("participant"):
            header = [c.strip() for c in cells]
            break
    if header is None:
        raise InputError("no header row starting with 'Participant'", file=path, line=1)
    if len(header) < 3:
        raise InputError("expected the columns Participant, Signature and Ratification, "
                         "Acceptance(A), Approval(AA), Accession(a), Succession(d)", file=path,
                         line=line)
    lower = [h.lower() for h in header]
    sig = next((i for i, h in enumerate(lower) if "signature" in h), 1)
    rat = next((i for i, h in enumerate(lower) if i > 0 and i != sig and "provisional" not in h
                and any(w in h for w in ("ratification", "accession", "acceptance"))), 2)
    sig_col, rat_col = header[sig] or "Signature", header[rat] or "Ratification"
    seen = False
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            if seen:
                return                      # the table ends at the first blank line after it
            continue
        seen = True
        cells = [re.sub(r"^\[(.*)\]$", r"\1", c.replace("\xa0", " ").strip()).strip()
                 for c in cells] + [""] * len(header)
        yield line, cells[0], cells[sig], cells[rat], sig_col, rat_col


_HTML_TABLE = re.compile(r"<table[^>]*\bid=[\"'][^\"']*tblgrid[\"']", re.I)


class _TableCells(HTMLParser):
    """The rows of the UNTC participants table (the `<table id="..._tblgrid">`) as (line, cells):
    the text of each cell, whitespace collapsed, with its `<tr>`'s line in the file."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[str]]] = []
        self.depth = 0                           # tables open inside the participants table
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or "tblgrid" in (dict(attrs).get("id") or "")):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.row, self.line = [], self.getpos()[0]
        elif self.depth and tag == "td" and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag == "td" and self.cell is not None and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append((self.line, self.row))
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _html_rows(path: str, text: str) -> Iterator[tuple[int, list[str]]]:
    parser = _TableCells()
    parser.feed(text)
    parser.close()
    if not parser.rows:
        raise InputError("the participants table (tblgrid) has no rows", file=path, line=1)
    return iter(parser.rows)


_PAGE_DATE = r"\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
# a date and its marker; a marker is followed by a space, a date, the next name or the end
_PAGE_ENTRY = re.compile(rf"({_PAGE_DATE})(?: ?(AA|A|a|d|n)(?=[\s\d<]|[A-Z][a-z]|$))?")
_PAGE_HEAD = re.compile(r"^Participant.*?(?:Ratification|Succession\s*\(d\))", re.S)


def _untc_page_rows(path: str, text: str) -> Iterator[tuple]:
    """Rows of the status page as its stored text gives it (the MTDSG page with its markup taken
    out): the headings run into one another and into the rows, which run into one another on the
    line of the heading ("Angola 3 Dec 2008 Antigua and Barbuda16 Jul 2010 23 Aug 2010 ...").
    A participant is the text before its dates; a date marked `n` is a provisional application
    (skipped); of the others the first is the signature and the second the consent to be bound,
    and a lone date is the consent if it has a marker (a, A, AA, d), else the signature."""
    lines = text.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip().lower().startswith("participant"))
    head = _PAGE_HEAD.match(lines[at].strip())
    if head is None:
        raise InputError("the heading 'Participant ... Ratification' does not end where the rows "
                         "begin", file=path, line=at + 1, field="Participant")
    body = re.sub(r"<superscript>\s*\d+\s*</superscript>|<[^>]+>", "",
                  lines[at].strip()[head.end():]).replace("\xa0", " ")
    line, sig_col, rat_col = at + 1, "Signature", "Ratification"
    rows: list[list] = []                      # [name, [(date, marker), ...]]
    pos = 0
    for m in _PAGE_ENTRY.finditer(body):
        between = body[pos:m.start()]
        if between.strip() or not rows:
            rows.append([between.strip(), []])
        rows[-1][1].append((m[1], m[2] or ""))
        pos = m.end()
    if body[pos:].strip():
        raise InputError(f"'{body[pos:].strip()[:40]}' has no date after it (is the page cut "
                         "short?)", file=path, line=line, field="Participant")
    for name, entries in rows:
        dates = [(d, mark) for d, mark in entries if mark != "n"]
        if len(dates) > 2:
            raise InputError(f"{name}: {len(dates)} dates where the table has two columns",
                             file=path, line=line, field=rat_col)
        if len(dates) == 1 and not dates[0][1]:
            dates = [dates[0], ("", "")]     # a lone plain date is a signature
        elif len(dates) == 1:
            dates = [("", ""), dates[0]]
        elif dates and dates[0][1]:
            raise InputError(f"{name}: the signature {dates[0][0]} carries the marker "
                             f"'{dates[0][1]}'", file=path, line=line, field=sig_col)
        if not dates:
            dates = [("", ""), ("", "")]
        signed, (bound, mark) = dates[0][0], dates[1]
        yield line, name, signed, f"{bound} {mark}".strip(), sig_col, rat_col


# -- Wikidata SPARQL results -------------------------------------------------------------------------

WIKIDATA_VARS = {"item": ("item",), "actor": ("iso3", "iso", "alpha3", "itemLabel"),
                 "start": ("start", "startTime", "start_time"),
                 "end": ("end", "endTime", "end_time"),
                 "ref": ("ref", "referenceURL", "reference_url", "refURL")}
_PRECISION = {"9": 4, "10": 7}          # Wikidata time precision: 9 year, 10 month, 11 day


def wikidata_records(path: str, ledger: "Ledger", *, coalition: str, source: str) -> list[Record]:
    text = _read_text(path)
    try:
        doc = json.loads(text)
        variables = doc["head"]["vars"]
        bindings = doc["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        raise InputError("not SPARQL JSON results (head.vars and results.bindings)", file=path,
                         line=1) from None
    var = {k: next((v for v in names if v in variables), None) for k, names in WIKIDATA_VARS.items()}
    for needed in ("item", "start"):
        if var[needed] is None:
            raise InputError(f"no variable for the {needed} (one of: "
                             f"{', '.join(WIKIDATA_VARS[needed])})", file=path, line=1, field=needed)
    names = _Names(ledger)
    spells: dict[tuple, dict] = {}          # (item, start, end) -> the row's data and its refs
    for n, b in enumerate(bindings, start=1):
        def value(kind):
            return (b.get(var[kind]) or {}).get("value") if var[kind] else None
        where = f"results.bindings[{n - 1}]"
        item = value("item")
        if not item:
            raise InputError("no item", file=path, line=n, field=f"{where}.{var['item']}")
        qid = item.rsplit("/", 1)[-1]
        label = value("actor") or qid
        if var["actor"] in ("iso3", "iso", "alpha3") and re.fullmatch(r"[A-Za-z]{3}", label):
            actor = label.lower()
        else:
            actor = names.find(label)
        start = _wd_date(value("start"), b.get(f"{var['start']}Precision"), path, n,
                         f"{where}.{var['start']}")
        end = _wd_date(value("end"), b.get(f"{var['end']}Precision") if var["end"] else None,
                       path, n, f"{where}.{var['end']}") if value("end") else None
        if start is None:
            raise InputError("no start time", file=path, line=n, field=f"{where}.{var['start']}")
        key = (actor, start, end)
        spell = spells.setdefault(key, {"line": n, "qid": qid, "refs": [], "where": where})
        ref = value("ref")
        if ref and ref not in spell["refs"]:
            spell["refs"].append(ref)
    sources: dict[str, str] = {}
    events = []
    for (actor, start, end), spell in spells.items():
        cites = [{"source": source, "locator": f"Wikidata {spell['qid']}"}]
        for url in spell["refs"]:
            if not re.match(r"^https?://\S+$", url):
                raise InputError(f"'{url}' is not a web address", file=path, line=spell["line"],
                                 field=f"{spell['where']}.{var['ref']}")
            sid = "wd-ref-" + hashlib.sha256(url.encode()).hexdigest()[:12]
            sources.setdefault(sid, url)
            cites.append({"source": sid})
        columns = {"actor": var["actor"] or var["item"], "date": var["start"]}
        events.append(_event({"type": "join", "coalition": coalition, "actor": actor,
                              "date": start, "sources": cites}, path, spell["line"], columns))
        if end:
            if parse_date(end).hi <= parse_date(start).lo:
                raise InputError(f"end {end} is not after the start {start}", file=path,
                                 line=spell["line"], field=f"{spell['where']}.{var['end']}")
            events.append(_event({"type": "withdraw", "coalition": coalition, "actor": actor,
                                  "date": end, "sources": cites}, path, spell["line"],
                                 {"actor": columns["actor"], "date": var["end"]}))
    declared = [Record("source", {"id": sid, "title": f"Reference cited on Wikidata: {url}",
                                  "url": url}, path, 1) for sid, url in sorted(sources.items())]
    return declared + events


def _wd_date(value: str | None, precision: dict | None, path: str, line: int, field: str):
    if not value:
        return None
    m = re.match(r"^\+?(\d{4})-(\d{2})-(\d{2})(T.*)?$", value)
    if not m:
        raise InputError(f"{shown(value)} is not a Wikidata time", file=path, line=line, field=field)
    text = f"{m[1]}-{m[2]}-{m[3]}"
    if precision and precision.get("value") in _PRECISION:
        text = text[:_PRECISION[precision["value"]]]
    try:
        return parse_date(text).text
    except InputError as exc:
        raise InputError(exc.message, file=path, line=line, field=field) from None


# -- appending ----------------------------------------------------------------------------------------

def import_table(ledger: "Ledger", path: str, fmt: str, *, coalition: str, source: str,
                 actor_column: str | None = None, join_column: str | None = None,
                 exit_column: str | None = None, dry_run: bool = False) -> Summary:
    """Read a table in one of FORMATS and append its events atomically (see the module doc)."""
    if fmt == "membership":
        if not actor_column or not join_column:
            raise InputError("a membership table needs --actor-column and --join-column")
        records = membership_records(path, coalition=coalition, source=source,
                                     actor_column=actor_column, join_column=join_column,
                                     exit_column=exit_column)
    elif fmt == "untc":
        records = untc_records(path, ledger, coalition=coalition, source=source)
    elif fmt == "wikidata":
        records = wikidata_records(path, ledger, coalition=coalition, source=source)
    else:
        raise InputError(f"unknown table format '{fmt}' (one of: {', '.join(FORMATS)})")
    try:
        return ledger.import_records(_plain(records), path, dry_run=dry_run)
    except InputError as exc:
        # name the table's column, not the ledger's field
        for err in getattr(exc, "errors", [exc]):
            rec = next((r for r in records if r.line == err.line and "__columns__" in r.lines), None)
            if rec is not None and err.field in rec.lines["__columns__"]:
                err.field = rec.lines["__columns__"][err.field]
                err.args = (str(err),)
        if hasattr(exc, "errors"):
            exc.refresh()
        raise


def _plain(records: list[Record]) -> Iterator[Record]:
    for r in records:
        yield Record(r.kind, r.data, r.file, r.line)
