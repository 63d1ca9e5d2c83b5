"""Answers put in words for tables and replays; kept free of heavy imports, since the fast path
of `ledger asof` (no SQLAlchemy) shows them too."""
from __future__ import annotations

import json


def disputed_text(d: dict) -> str:
    """One disputed alternative in words: its value, its sources with their tiers, the rule it
    lost by."""
    value = d.get("value")
    shown = value if isinstance(value, str) else json.dumps(value)
    tiers = d.get("tiers") or [None] * len(d["sources"])
    cited = ", ".join(f"{s} ({t})" if t else s for s, t in zip(d["sources"], tiers))
    lost = f", lost by {d['lost_by']}" if d.get("lost_by") else ""
    return f"{d.get('field', 'value')} {shown} per {cited}{lost}"
