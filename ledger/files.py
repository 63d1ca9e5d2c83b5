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

from .errors import InputError, shown

KINDS = ("coalition", "actor", "source", "rating", "event")
SECTIONS = {"actors": "actor", "coalitions": "coalition", "sources": "source", "ratings": "rating",
            "events": "event"}
CSV_COLUMNS = ("type", "coalition", "actor", "date", "effective", "troops", "troops_max", "approx",
               "mode", "role", "label", "count", "ref", "source", "locator", "quote", "note", "id")
MAX_LINE = 1_000_000
# Bounds on the shape of a record (README, "Bounds on input"). A record is at most a mapping of
# lists of mappings (citations, treaty rules): anything deeper is hostile, and refusing it before
# it is built keeps every later step (the checks, the digests) free of recursion limits.
MAX_DEPTH = 10
# What YAML aliases may add to a file, in nodes beyond those written: an alias or two is
# convenience, a "billion laughs" of nested aliases would expand to more than memory holds.
MAX_ALIAS_NODES = 10_000
MAX_DIGITS = 100          # a number written with more digits is refused before it is converted


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
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a key must be a plain name, not a list or a mapping",
                                 line=key_node.start_mark.line + 1)
            key = loader.construct_object(key_node, deep=deep)
            if value_node.tag == "tag:yaml.org,2002:int" and len(value_node.value) > MAX_DIGITS:
                raise InputError(f"a number of more than {MAX_DIGITS} digits",
                                 line=value_node.start_mark.line + 1, field=str(key))
            out[key] = loader.construct_object(value_node, deep=True)
            lines[key] = key_node.start_mark.line + 1
        out["__line__"] = node.start_mark.line + 1
        out["__lines__"] = lines
        return out

    def integer(loader, node):
        if len(node.value) > MAX_DIGITS:    # int() of a huge text is slow, then refused
            raise InputError(f"a number of more than {MAX_DIGITS} digits",
                             line=node.start_mark.line + 1)
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    Loader.add_constructor("tag:yaml.org,2002:int", integer)
    return Loader, yaml


def _yaml(path: str, text: str) -> Iterator[Record]:
    loader_class, yaml = _loader()
    loader = loader_class(text)
    try:
        node = loader.get_single_node()     # composed, not yet built: its shape is checked first
        if node is None:
            return iter(())
        _check_nodes(node, yaml)
        doc = loader.construct_document(node)
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
    except InputError as exc:
        raise exc.located(path) from None
    finally:
        loader.dispose()
    if not isinstance(doc, dict):
        raise InputError("a YAML event file is a mapping with 'events' (and optionally "
                         "'coalitions', 'actors', 'sources')", file=path, line=1)
    return _yaml_records(path, doc)


def _check_nodes(root, yaml) -> None:
    """Refuse a YAML document whose records nest deeper than MAX_DEPTH, or whose aliases would add
    more than MAX_ALIAS_NODES nodes when built, or refer to themselves; without recursion and
    without building anything (a node reached through several aliases is measured once)."""
    measured: dict[int, tuple[int, int]] = {}       # id(node) -> (nodes when built, depth)
    entered: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        kids = _node_children(node, yaml)
        if done:
            entered.discard(key)
            size = 1 + sum(measured[id(k)][0] for k in kids)
            depth = 1 + max((measured[id(k)][1] for k in kids), default=-1)
            measured[key] = (size, depth)
            if size - len(measured) > MAX_ALIAS_NODES:
                raise InputError(f"YAML aliases expand this to more than {MAX_ALIAS_NODES:,} "
                                 "nodes beyond those written", line=node.start_mark.line + 1)
            continue
        if key in measured:
            continue
        if key in entered:
            raise InputError("a YAML alias refers to a value that contains it",
                             line=node.start_mark.line + 1)
        entered.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in measured)
    if measured[id(root)][1] > MAX_DEPTH + 2:       # the file's mapping and its section's list
        _too_deep(root, measured, yaml)


def _too_deep(root, measured: dict, yaml) -> None:
    """Name the record field and the line where the deepest branch passes MAX_DEPTH."""
    node, level, fieldname = root, 1, None
    while level <= MAX_DEPTH + 2:
        if isinstance(node, yaml.MappingNode):     # a key may be the deep branch (refused later)
            key, value = max(node.value, key=lambda kv: max(measured[id(n)][1] for n in kv))
            node = max((key, value), key=lambda n: measured[id(n)][1])
            if level == 3:
                fieldname = str(key.value) if isinstance(key, yaml.ScalarNode) else None
        else:
            node = max(node.value, key=lambda k: measured[id(k)][1])
        level += 1
    raise InputError(f"nested deeper than {MAX_DEPTH} levels", line=node.start_mark.line + 1,
                     field=fieldname)


def _node_children(node, yaml) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _yaml_records(path: str, doc: dict) -> Iterator[Record]:
    lines = doc.get("__lines__", {})
    for key in doc:
        if key in ("__line__", "__lines__", "format"):
            continue
        if key not in SECTIONS:
            raise InputError(f"unknown section '{key}' (expected: {', '.join(SECTIONS)})",
                             file=path, line=lines.get(key))
    if doc.get("format", 1) != 1:
        raise InputError(f"format {shown(doc.get('format'))} is not supported (this version reads 1)",
                         file=path, line=lines.get("format"), field="format")
    for section, kind in SECTIONS.items():
        items = doc.get(section) or []
        if not isinstance(items, list):
            raise InputError(f"'{section}' must be a list", file=path, line=lines.get(section))
        for item in items:
            if not isinstance(item, dict):
                raise InputError(f"each entry of '{section}' must be a mapping", file=path,
                                 line=lines.get(section))
            # not popped: an alias may repeat an entry, and then both are this one dict
            line, field_lines = item.get("__line__"), item.get("__lines__", {})
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
    fallback = False
    try:
        data = orjson.loads(line)           # several times faster than json on a big file
    except orjson.JSONDecodeError:
        fallback = True
        # what orjson refuses but json reads (NaN, integers over 64 bits, lone surrogates) is
        # then judged field by field like any other value, with the same message as before
        try:
            data = json.loads(line, parse_int=_json_int)
        except RecursionError:
            raise InputError(f"nested deeper than {MAX_DEPTH} levels", file=path,
                             line=number) from None
        except ValueError as exc:
            reason = f"{exc.msg} (column {exc.colno})" if hasattr(exc, "msg") else str(exc)
            raise InputError(f"not valid JSON: {reason}", file=path, line=number) from None
    if not isinstance(data, dict):
        raise InputError("each line must be a JSON object", file=path, line=number)
    # every level of nesting opens a bracket: a line with few cannot nest deep (brackets inside
    # texts only make the count larger), and most lines of a big file are walked no further
    if line.count("[") + line.count("{") > MAX_DEPTH and depth(data) > MAX_DEPTH:
        deepest = max(data, key=lambda k: depth(data[k]))
        raise InputError(f"nested deeper than {MAX_DEPTH} levels", file=path, line=number,
                         field=deepest)
    for key, value in data.items() if fallback else ():     # only json makes _HUGE
        if value is _HUGE or isinstance(value, (list, dict)) and _HUGE in _leaves(value):
            raise InputError(f"a number of more than {MAX_DIGITS} digits", file=path,
                             line=number, field=key)
    kind = data.pop("record", "event")
    if kind not in KINDS:
        raise InputError(f"{shown(kind)} is not a record kind ({', '.join(KINDS)})", file=path,
                         line=number, field="record")
    return Record(kind, data, path, number)


_HUGE = type("HugeNumber", (), {})()      # stands for a number too long to convert


def _json_int(text: str):
    return _HUGE if len(text.lstrip("-")) > MAX_DIGITS else int(text)


def _leaves(value: Any) -> list:
    out, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            out.append(item)
    return out


def depth(value: Any) -> int:
    """How deeply lists and mappings nest in `value` (a plain value: 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level + 1)
            if level + 1 > MAX_DEPTH:
                break
            stack.extend((v, level + 1) for v in item)
    return deepest


# -- CSV -------------------------------------------------------------------------------------------

def csv_rows(path: str, text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV (or TSV) text; a malformed row is an InputError naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        first = reader.line_num + 1         # a quoted cell may run over several lines
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"not valid CSV: {exc}", file=path, line=first) from None
        yield first, row


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
