"""The hash chain: each stored event's digest covers its content and the digest before it."""
from __future__ import annotations

import hashlib
import json
from operator import itemgetter
from typing import Any, Mapping

GENESIS = "0" * 64

# The stored columns a digest covers, in order. Changing this list breaks every existing chain.
CHAINED = ("seq", "eid", "identity", "fact", "type", "version", "coalition_id", "actor_id", "date",
           "effective", "payload", "sources", "note", "recorded_at")


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_chained = itemgetter(*CHAINED)


def canonical(value: Any) -> str:
    # the same text as json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
    # without building an encoder per call
    return _CANONICAL.encode(value)


_STORED = json.JSONEncoder(sort_keys=True)


def stored(value: Any) -> str:
    """JSON as stored in text columns (payload, sources, spell records): json.dumps(sort_keys=True)."""
    return _STORED.encode(value)


def digest(prev: str, row: Mapping[str, Any]) -> str:
    body = canonical([prev, *_chained(row)])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def identity(fields: Mapping[str, Any]) -> str:
    """What makes two events 'the same event from the same source'."""
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()
