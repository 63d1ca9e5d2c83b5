"""Formatting query results as table, JSON, CSV or Markdown. No query logic here."""
from __future__ import annotations

import csv
import html
import io
import json
from typing import Any, Sequence

from ledger.exports import CONTROL, json_text, spreadsheet_safe

FORMATS = ("table", "json", "csv", "markdown")

def printable(text: str) -> str:
    """Text fit for a terminal: what the ledger holds, without control characters
    (`ledger.exports.CONTROL`)."""
    return CONTROL.sub("", text)


def _flat(text: str) -> str:
    """A table cell's text: printable, on one line."""
    return printable(text).replace("\n", " ").replace("\t", " ")


def _markdown(text: str) -> str:
    """A Markdown table cell: HTML escaped (Markdown passes HTML through), pipes escaped."""
    return html.escape(text, quote=False).replace("|", "\\|")


def dump_json(value: Any) -> str:
    """Indented JSON; control characters are \\u escapes (`ledger.exports.json_text`), so what is
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


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """Rows as an aligned text table, CSV or Markdown (JSON is the caller's to_dict)."""
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
    def line(cells):
        return "  ".join((c.rjust(w) if numeric[i] else c.ljust(w))
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in text])
