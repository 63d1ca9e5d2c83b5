"""Reading event files: YAML, JSON Lines and CSV, one documented format, each record with its line.

A file yields `Record`s of five kinds (coalition, actor, source, rating, event) in file order. Records keep
the line of each field where the format knows it, so every error can name file, line and field.
"""
from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from typing import Any, Iterator

import orjson

from .errors import InputError

KINDS = ("coalition", "actor", "source", "rating", "event")
SECTIONS = {"actors": "actor", "coalitions": "coalition", "sources": "source", "ratings": "rating",
            "events": "event"}
CSV_COLUMNS = ("type", "coalition", "actor", "date", "effective", "troops", "troops_max", "approx",
               "mode", "role", "label", "count", "ref", "source", "locator", "quote", "note", "id")
MAX_LINE = 1_000_000


@dataclass
class Record:
    kind: str
    data: dict
    file: str
    line: int
    lines: dict = field(default_factory=dict)     # field -> line, where known

    def error(self, message: str, fieldname: str | None = None) -> InputError:
        return InputError(message, file=self.file, line=self.lines.get(fieldname, self.line),
                          field=fieldname)


def read(path: str) -> Iterator[Record]:
    """Records of one file, by its extension: .yaml/.yml, .jsonl/.ndjson, .csv."""
    ext = os.path.splitext(path)[1].lower()
    reader = {".yaml": _yaml, ".yml": _yaml, ".jsonl": _jsonl, ".ndjson": _jsonl,
              ".csv": _csv}.get(ext)
    if reader is None:
        raise InputError("unknown file type (use .yaml, .yml, .jsonl, .ndjson or .csv)", file=path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None
    if reader is _jsonl:
        return _jsonl_lines(path, handle)      # streamed: a large file is never all in memory
    with handle:
        raw = handle.read()
    return reader(path, _decode(path, raw))


def _decode(path: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                         file=path, line=line) from None


# -- YAML -------------------------------------------------------------------------------------------

def _loader():
    import yaml
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    # Dates stay text: the ledger parses them itself, keeping their precision.
    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in base.yaml_implicit_resolvers.items()}

    def mapping(loader, node, deep=False):
        loader.flatten_mapping(node)
        out = {}
        lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=deep)
            out[key] = loader.construct_object(value_node, deep=True)
            lines[key] = key_node.start_mark.line + 1
        out["__line__"] = node.start_mark.line + 1
        out["__lines__"] = lines
        return out

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    return Loader, yaml


def _yaml(path: str, text: str) -> Iterator[Record]:
    loader, yaml = _loader()
    try:
        doc = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            line = mark.line + 1
        elif isinstance(getattr(exc, "position", None), int):   # ReaderError: a bad character
            line = text.count("\n", 0, exc.position) + 1
        else:
            line = None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"not valid YAML: {problem}", file=path, line=line) from None
    if doc is None:
        return iter(())
    if not isinstance(doc, dict):
        raise InputError("a YAML event file is a mapping with 'events' (and optionally "
                         "'coalitions', 'actors', 'sources')", file=path, line=1)
    return _yaml_records(path, doc)


def _yaml_records(path: str, doc: dict) -> Iterator[Record]:
    lines = doc.get("__lines__", {})
    for key in doc:
        if key in ("__line__", "__lines__", "format"):
            continue
        if key not in SECTIONS:
            raise InputError(f"unknown section '{key}' (expected: {', '.join(SECTIONS)})",
                             file=path, line=lines.get(key))
    if doc.get("format", 1) != 1:
        raise InputError(f"format {doc.get('format')!r} is not supported (this version reads 1)",
                         file=path, line=lines.get("format"), field="format")
    for section, kind in SECTIONS.items():
        items = doc.get(section) or []
        if not isinstance(items, list):
            raise InputError(f"'{section}' must be a list", file=path, line=lines.get(section))
        for item in items:
            if not isinstance(item, dict):
                raise InputError(f"each entry of '{section}' must be a mapping", file=path,
                                 line=lines.get(section))
            line, field_lines = item.pop("__line__"), item.pop("__lines__")
            yield Record(kind, _strip_lines(item), path, line, field_lines)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k not in ("__line__", "__lines__")}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


# -- JSON Lines ------------------------------------------------------------------------------------

def invalid(error: InputError, path: str, line: int | None) -> Record:
    """A record that could not be read: ingest reports its error with the file's others."""
    return Record("invalid", {"error": error}, path, line or 0)


def _jsonl_lines(path: str, handle) -> Iterator[Record]:
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield invalid(InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", file=path,
                                         line=number), path, number)
                continue
            yield from _jsonl_one(path, line, number)


def _jsonl(path: str, text: str, first: int = 1) -> Iterator[Record]:
    for number, line in enumerate(io.StringIO(text), start=first):
        yield from _jsonl_one(path, line, number)


def _jsonl_one(path: str, line: str, number: int) -> Iterator[Record]:
    try:
        record = _jsonl_record(path, line, number)
    except InputError as exc:
        if "longer than" in exc.message:
            raise       # a line that long is not a file of records: stop reading it
        record = invalid(exc, path, number)
    if record is not None:
        yield record


def _jsonl_record(path: str, line: str, number: int) -> Record | None:
    if not line.strip():
        return None
    if len(line) > MAX_LINE:
        raise InputError(f"line longer than {MAX_LINE:,} characters", file=path, line=number)
    try:
        data = orjson.loads(line)           # several times faster than json on a big file
    except orjson.JSONDecodeError:
        # what orjson refuses but json reads (NaN, integers over 64 bits, lone surrogates) is
        # then judged field by field like any other value, with the same message as before
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=path,
                             line=number) from None
    if not isinstance(data, dict):
        raise InputError("each line must be a JSON object", file=path, line=number)
    kind = data.pop("record", "event")
    if kind not in KINDS:
        raise InputError(f"'{kind}' is not a record kind ({', '.join(KINDS)})", file=path,
                         line=number, field="record")
    return Record(kind, data, path, number)


# -- CSV -------------------------------------------------------------------------------------------

def csv_rows(path: str, text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV (or TSV) text; a malformed row is an InputError naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"not valid CSV: {exc}", file=path, line=reader.line_num) from None
        yield reader.line_num, row


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: whichever of comma, semicolon and tab its first line holds most
    of (a spreadsheet saved in a comma-decimal locale writes semicolons)."""
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))


def _csv(path: str, text: str) -> Iterator[Record]:
    rows = csv_rows(path, text, sniff_delimiter(text))
    first = next(rows, None)
    if first is None:
        return
    header = [h.strip().lower() for h in first[1]]      # Type, DATE, ... are the same columns
    for name in header:
        if name not in CSV_COLUMNS:
            raise InputError(f"unknown column (expected some of: {', '.join(CSV_COLUMNS)})",
                             file=path, line=1, field=name)
    for missing in ("type", "coalition", "date"):
        if missing not in header:
            raise InputError("required column is missing", file=path, line=1, field=missing)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield invalid(InputError(f"{len(row)} cells where the header has {len(header)}",
                                     file=path, line=line), path, line)
            continue
        data = {k: v.strip() for k, v in zip(header, row) if v.strip() != ""}
        yield Record("event", data, path, line)
