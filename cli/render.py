"""Formatting query results as table, JSON, CSV or Markdown. No query logic here."""
from __future__ import annotations

import csv
import html
import io
import json
from typing import Any, Sequence

from ledger.safetext import CONTROL, json_text, spreadsheet_safe

FORMATS = ("table", "json", "csv", "markdown")

def printable(text: str) -> str:
    """Text fit for a terminal: what the ledger holds, without control characters
    (`ledger.safetext.CONTROL`)."""
    return CONTROL.sub("", text)


def _flat(text: str) -> str:
    """A table cell's text: printable, on one line."""
    return printable(text).replace("\n", " ").replace("\t", " ")


def _markdown(text: str) -> str:
    """A Markdown table cell: HTML escaped (Markdown passes HTML through), pipes escaped."""
    return html.escape(text, quote=False).replace("|", "\\|")


def dump_json(value: Any) -> str:
    """Indented JSON; control characters are \\u escapes (`ledger.safetext.json_text`), so what is
    shown is exactly what the ledger holds."""
    return json_text(value, indent=2)


def cell(value: Any) -> str:
    return _flat(_cell(value))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return value.get("id") or json.dumps(value, ensure_ascii=False)
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str,
          columns: Sequence[str] | None = None, width: int | None = None) -> str:
    """Rows as an aligned text table, CSV or Markdown (JSON is the caller's to_dict). `columns`
    picks and orders columns by header; a text table is fitted to `width` (see `terminal_width`):
    the widest text columns are narrowed and their long cells cut with '…'."""
    if columns:
        unknown = [c for c in columns if c not in headers]
        if unknown:
            raise ValueError(f"no column {', '.join(map(repr, unknown))} (columns: {', '.join(headers)})")
        pick = [list(headers).index(c) for c in columns]
        headers = [headers[i] for i in pick]
        rows = [[row[i] for i in pick] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else (spreadsheet_safe(printable(_cell(v)))
                                                    if not isinstance(v, int) or isinstance(v, bool)
                                                    else v) for v in row])
        return out.getvalue().rstrip("\n")
    text = [[cell(v) for v in row] for row in rows]
    if fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(_markdown(c) for c in row) + " |" for row in text]
        return "\n".join(lines)
    widths = [max([len(h)] + [len(r[i]) for r in text]) for i, h in enumerate(headers)]
    numeric = [all(isinstance(r[i], int) or r[i] is None for r in rows) and rows for i in range(len(headers))]
    if width:
        # figures and dates ("46,000 (2003-03)", "2003-03-20") are never cut, only prose
        kept = [bool(numeric[i]) or all(not c[i] or c[i][0].isdigit() for c in text)
                for i in range(len(headers))]
        widths = fit(widths, [len(h) for h in headers], kept, width)
    def line(cells):
        return "  ".join((c.rjust(w) if numeric[i] else c.ljust(w))
                         for i, (c, w) in enumerate(zip((cut(c, w) for c, w in zip(cells, widths)),
                                                         widths))).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in text])


def fit(widths: list[int], floors: list[int], kept: list, width: int) -> list[int]:
    """Column widths whose line fits `width`: `kept` columns (figures, dates) and short ones (ten
    characters or fewer) keep theirs; the widest other column gives a character at a time, down
    to 5 (its header cut too)."""
    widths = list(widths)
    floor = [w if kept[i] or w <= 10 else 5 for i, w in enumerate(widths)]
    over = sum(widths) + 2 * (len(widths) - 1) - width
    while over > 0:
        i = max(range(len(widths)), key=lambda k: (widths[k] > floor[k], widths[k]))
        if widths[i] <= floor[i]:
            break                   # as narrow as it goes: the line stays longer than the terminal
        widths[i] -= 1
        over -= 1
    return widths


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def terminal_width() -> int | None:
    """The width tables are fitted to: COLUMNS where it is set, else the terminal's when standard
    output is one; None (no limit) when writing to a file or pipe."""
    import os
    import sys
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        import shutil
        return shutil.get_terminal_size().columns
    return None


def sources_cell(ids: Sequence[str], full: bool) -> str:
    """The sources of a row: all of them, or (the default in a text table) the first and a count."""
    ids = list(ids)
    if full or len(ids) <= 1:
        return ", ".join(ids)
    return f"{ids[0]} (+{len(ids) - 1})"


LEGEND = ("?: uncertain on this day (an event's date is a period that contains it; rule 4)",
          "maybe: what the other scenario gives", "disputed: another source gives another value (rule 7)")


def legend(rows: Sequence[Sequence[Any]], width: int | None = None,
           disputed: bool = False) -> str | None:
    """The legend for the marks the rows' cells use (wrapped to `width`), or None if none;
    `disputed` says a row shows a disputed value (as asof's notes do, in words of their own)."""
    cells = [cell(v) for row in rows for v in row]
    marks = [(lambda c: c.endswith(" ?"), LEGEND[0]), (lambda c: "maybe " in c, LEGEND[1]),
             (lambda c: disputed or "disputed" in c, LEGEND[2])]
    used = [text for test, text in marks if any(test(c) for c in cells)]
    if not used:
        return None
    text = "legend: " + "; ".join(used)
    if not width:
        return text
    import textwrap
    return "\n".join(textwrap.wrap(text, width, subsequent_indent="  "))
