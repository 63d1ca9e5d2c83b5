"""The coverage table of the README: what the ledger holds, coalition by coalition."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import Ledger


def coverage(ledger: "Ledger") -> list[dict]:
    rows = []
    for coal in ledger.coalitions():
        events = ledger.log(coal.id)
        if not events:
            continue
        # a correction's own date is when it was made, not a day of the coalition's history
        dates = [d for e in events if e.type not in ("correct", "retract")
                 for d in (e.date, e.effective) if d is not None]
        rows.append({
            "coalition": coal.id, "kind": coal.kind, "model": coal.model,
            "actors": len({e.actor for e in events if e.actor}), "events": len(events),
            "sources": len({s for e in events for s in e.source_ids}),
            "from": min(d.lo for d in dates).isoformat(), "to": max(d.hi for d in dates).isoformat()})
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| coalition | kind | model | actors | events | sources | from | to |",
             "|---|---|---|---:|---:|---:|---|---|"]
    for r in rows:
        lines.append(f"| `{r['coalition']}` | {r['kind']} | {r['model'] or ''} | {r['actors']} | "
                     f"{r['events']} | {r['sources']} | {r['from']} | {r['to']} |")
    return "\n".join(lines)
