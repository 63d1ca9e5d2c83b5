"""The hash chain: each stored event's digest covers its content and the digest before it."""
from __future__ import annotations

import hashlib
import json
from operator import itemgetter
from typing import Any, Mapping

import orjson

GENESIS = "0" * 64

# The stored columns a digest covers, in order. Changing this list breaks every existing chain.
CHAINED = ("seq", "eid", "identity", "fact", "type", "version", "coalition_id", "actor_id", "date",
           "effective", "payload", "sources", "note", "recorded_at")


_chained = itemgetter(*CHAINED)


def canonical_bytes(value: Any) -> bytes:
    """UTF-8 of json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False), which
    every stored digest was made from; orjson writes the same bytes for the values digested here
    (text, integers, booleans, null, lists, objects: `tests/test_chain.py`) ten times faster."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


_STORED = json.JSONEncoder(sort_keys=True)


def stored(value: Any) -> str:
    """JSON as stored in the events' payload and sources columns: json.dumps(sort_keys=True)."""
    return _STORED.encode(value)


def digest(prev: str, row: Mapping[str, Any]) -> str:
    """An event's digest. An event recorded since schema 0004 also covers the head of the
    declarations chain it stands on (`declared`); one recorded before has none and is digested as
    it always was."""
    fields = [prev, *_chained(row)]
    declared = row.get("declared")
    if declared is not None:
        fields.append(declared)
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def identity(fields: Mapping[str, Any]) -> str:
    """What makes two events 'the same event from the same source'."""
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()
