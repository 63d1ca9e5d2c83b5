"""`ledger check`: what is inconsistent in the log. Reported, never refused: sources are found out
of order, and a gap today may be filled by tomorrow's source."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

import sqlalchemy as sa

from . import schema
from .dates import parse_date
from .results import Problem
from .state import anomalies
from .treaty import Rules

if TYPE_CHECKING:
    from .api import Ledger

MESSAGES = {
    "withdraw-while-out": ("problem", "withdraws without being a member (no join before it)"),
    "treaty-withdrawal-while-not-bound": ("problem", "withdrawal takes effect while not bound by the treaty"),
    "unsign-while-not-signatory": ("problem", "unsigns without being a signatory"),
    "signed-twice": ("note", "signs again: sources date the signature differently"),
    "withdrawn-twice": ("note", "withdraws again: sources date the withdrawal differently"),
    "unsigned-twice": ("note", "unsigns again: sources date the notice differently"),
    "ratified-twice": ("note", "deposits consent again: sources date it differently"),
    "join-while-member": ("note", "joins while already a member: sources date the join differently"),
    "troops-before-join": ("note", "troops committed before any join: taken as joining then"),
    "ratified-without-signature": ("note", "ratification without a signature on record"),
}


def run(ledger: "Ledger", conn) -> list[Problem]:
    out: list[Problem] = []
    for cid in conn.execute(sa.select(schema.coalitions.c.id).order_by(schema.coalitions.c.id)).scalars():
        coal = ledger._coalition(conn, cid)
        events = ledger._events(conn, cid)
        effects = ledger._effects(conn, cid)
        names = ledger._names(conn, [e.actor for e in effects if e.actor])
        for eff, kind in anomalies(effects):
            level, text = MESSAGES[kind]
            if kind == "withdraw-while-out" and eff.event.payload.get("unmatched"):
                level, text = "note", text + " (flagged: the join is a known gap)"
            who = names.get(eff.actor, eff.actor)
            out.append(Problem(level, cid, eff.seq, f"{who} ({eff.when.text}): {text}"))
        for eff in effects:
            if eff.disputed:
                alts = "; ".join(f"{json.dumps(d['value'])} per {', '.join(d['sources'])}"
                                 for d in eff.disputed)
                out.append(Problem("note", cid, eff.seq,
                                   f"sources disagree on {eff.event.type} of {eff.actor or cid} "
                                   f"({eff.when.text}): kept {json.dumps(dict(eff.event.payload))}, "
                                   f"also {alts}"))
        out.extend(_span(coal, events))
        if coal.kind == "treaty":
            out.extend(_treaty(coal, events, effects, names))
    cited = set()
    for row in conn.execute(sa.select(schema.events.c.sources)):
        cited.update(c["source"] for c in json.loads(row.sources))
    for sid in conn.execute(sa.select(schema.sources.c.id)).scalars():
        if sid not in cited:
            out.append(Problem("problem", None, None, f"source '{sid}' is cited by no event"))
    return out


def _span(coal, events) -> list[Problem]:
    out = []
    start = parse_date(coal.start) if coal.start else None
    end = parse_date(coal.end) if coal.end else None
    for ev in events:
        if ev.type in ("correct", "retract", "count_claim", "milestone", "start", "end"):
            continue
        if start and ev.when.hi < start.lo and ev.type not in ("sign_treaty",):
            out.append(Problem("problem", coal.id, ev.seq,
                               f"{ev.type} {ev.actor or ''} on {ev.when.text} is before the coalition "
                               f"starts ({coal.start})"))
        if end and ev.date.lo > end.hi:
            out.append(Problem("problem", coal.id, ev.seq,
                               f"{ev.type} {ev.actor or ''} on {ev.date.text} is after the coalition "
                               f"ends ({coal.end})"))
    return out


def _treaty(coal, events, effects, names) -> list[Problem]:
    out = []
    rules = Rules.of(coal, events)
    recorded = [e for e in events if e.type == "entry_into_force"]
    computed = rules.computed_entry_into_force(events)
    if recorded and computed and recorded[0].when.text != computed.text:
        out.append(Problem("note", coal.id, recorded[0].seq,
                           f"entry into force recorded as {recorded[0].when.text}, the rule and the "
                           f"recorded deposits give {computed.text}"))
    in_force = rules.entry_into_force(events)
    for ev in events:
        if ev.type == "ratify" and ev.effective and in_force and ev.effective.lo < in_force.lo:
            out.append(Problem("note", coal.id, ev.seq,
                               f"{names.get(ev.actor, ev.actor)}: a source says in force for it on "
                               f"{ev.effective.text}, before the treaty itself ({in_force.text}); "
                               f"taken as {in_force.text}"))
    last = rules.last_signature_day(in_force)
    in_time = {ev.actor for ev in events if ev.type == "sign_treaty" and last and ev.date.lo <= last}
    party_from = {}
    for eff in effects:
        if eff.kind == "party":
            party_from.setdefault(eff.actor, eff.lo)
    for ev in events:
        if ev.type == "sign_treaty" and last and ev.date.lo > last:
            # another source dating the signature inside the window makes this a disputed date
            level = "note" if ev.actor in in_time else "problem"
            out.append(Problem(level, coal.id, ev.seq,
                               f"{names.get(ev.actor, ev.actor)} signs on {ev.date.text}, after "
                               f"signature closed (last day {last.isoformat()})"))
        bound = ev.actor in party_from and party_from[ev.actor] <= ev.date.lo
        if ev.type == "withdraw_treaty" and ev.effective and bound:
            # the treaty's period runs for parties; an instrument withdrawn before it took
            # effect (Malaysia, Rome Statute, 2019) is not an Art. 127 withdrawal
            earliest = rules.withdrawal_effective(ev.date)
            if ev.effective.hi < earliest.lo:
                out.append(Problem("problem", coal.id, ev.seq,
                                   f"{names.get(ev.actor, ev.actor)}'s withdrawal takes effect "
                                   f"{ev.effective.text}, earlier than the treaty allows "
                                   f"({earliest.text})"))
    return out
