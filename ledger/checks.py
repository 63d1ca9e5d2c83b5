"""`ledger check`: what is inconsistent in the log. Reported, never refused: sources are found out
of order, and a gap today may be filled by tomorrow's source. Every problem has a `kind`."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

import sqlalchemy as sa

from . import reading, schema
from .dates import parse_date
from .effects import apply_corrections
from .model import tier_rank
from .results import Problem
from .state import anomalies, records_at
from .summary import answer
from .treaty import Rules

if TYPE_CHECKING:
    from .catalog import Catalog

MESSAGES = {
    "withdraw-while-out": ("problem", "withdraws without being a member (no join before it)"),
    "treaty-withdrawal-while-not-bound": ("problem", "withdrawal takes effect while not bound by the treaty"),
    "unsign-while-not-signatory": ("problem", "unsigns without being a signatory"),
    "signed-twice": ("note", "signs again: sources date the signature differently"),
    "withdrawn-twice": ("note", "withdraws again: sources date the withdrawal differently"),
    "withdraw-after-end": ("note", "withdraws once the coalition has ended (the end may be dated "
                                   "coarsely)"),
    "unsigned-twice": ("note", "unsigns again: sources date the notice differently"),
    "ratified-twice": ("note", "deposits consent again: sources date it differently"),
    "join-while-member": ("note", "joins while already a member: sources date the join differently"),
    "troops-before-join": ("note", "troops committed before any join: taken as joining then"),
    "ratified-without-signature": ("note", "ratification without a signature on record"),
}

WEAK = tier_rank("reference")      # a fact resting on nothing stronger than this is noted


def run(catalog: "Catalog", conn) -> list[Problem]:
    out: list[Problem] = []
    evidence = reading.evidence(conn)
    for cid in conn.execute(sa.select(schema.coalitions.c.id).order_by(schema.coalitions.c.id)).scalars():
        coal = catalog.coalition(conn, cid)
        events = reading.events(conn, cid)
        effects = reading.effects(conn, coal)
        names = catalog.names(conn, [e.actor for e in effects if e.actor])
        for eff, kind in anomalies(effects):
            level, text = MESSAGES[kind]
            if kind == "withdraw-while-out" and eff.event.payload.get("unmatched"):
                level, text = "note", text + " (flagged: the join is a known gap)"
            who = names.get(eff.actor, eff.actor)
            out.append(Problem(level, cid, eff.seq, f"{who} ({eff.when.text}): {text}", kind))
        out.extend(_disputes(cid, events, effects, names))
        out.extend(_weak(cid, effects, evidence, names))
        out.extend(_counts(coal, events, effects))
        out.extend(_span(coal, events))
        if coal.kind == "treaty":
            # the events that stand: a retracted deposit no longer counts towards entry into force
            out.extend(_treaty(coal, apply_corrections(events), effects, names))
    cited = set()
    for row in conn.execute(sa.select(schema.event_log.c.sources)):
        cited.update(c["source"] for c in json.loads(row.sources))
    for sid in conn.execute(sa.select(schema.sources.c.id)).scalars():
        if sid not in cited:
            out.append(Problem("problem", None, None, f"source '{sid}' is cited by no event",
                               "uncited-source"))
    return out


def _disputes(cid: str, events, effects, names) -> list[Problem]:
    """Disagreeing claims. Two dates for one one-off fact that only publication or recording order
    settles (equal tiers), with no note on either claim, are a problem: the evidence is at a
    standstill until a correction or a retraction says which is right. The rest are notes."""
    notes = {ev.seq: ev.note for ev in events}
    out = []
    for eff in effects:
        if not eff.disputed or eff.kind == "party":
            continue
        who = names.get(eff.actor, eff.actor) if eff.actor else cid
        for d in eff.disputed:
            value = d["value"] if isinstance(d["value"], str) else json.dumps(d["value"])
            kept = eff.event.when.text if d.get("field") == "date" else json.dumps(dict(eff.event.payload))
            text = (f"sources disagree on {eff.event.type} of {who}: kept {kept} "
                    f"({', '.join(eff.event.source_ids)}), also {value} per {', '.join(d['sources'])}")
            if d.get("lost_by"):
                text += f" (lost by {d['lost_by']})"
            dates = d.get("field") == "date"
            unsettled = dates and d.get("lost_by") in ("publication", "recording")
            # a note on either claim documents the disagreement; without one it is a problem
            noted = eff.event.note or notes.get(d.get("seq"))
            out.append(Problem("problem" if unsettled and not noted else "note", cid, eff.seq,
                               text, "contradictory-dates" if dates else "disputed-value"))
    return out


def _weak(cid: str, effects, evidence, names) -> list[Problem]:
    out, seen = [], set()
    for eff in effects:
        if eff.seq in seen or not eff.event.source_ids:
            continue
        seen.add(eff.seq)
        best = max(evidence.rank(s) for s in eff.event.source_ids)
        if best <= WEAK and eff.event.type not in ("correct", "retract"):
            who = names.get(eff.actor, eff.actor) if eff.actor else cid
            out.append(Problem("note", cid, eff.seq,
                               f"{eff.event.type} of {who} ({eff.event.date.text}) rests on "
                               f"{evidence.best(eff.event.source_ids)} sources only",
                               "weak-evidence"))
    return out


def _counts(coal, events, effects) -> list[Problem]:
    """Each source's count claim against the counts the ledger computes over the claim's date (a
    year or a month is every day in it): the claim agrees if it is a count the ledger gives on
    some day of it, of its `measure` (for a treaty without one: signed, ratified or parties). A
    claim whose note (or a correction's) explains the difference is a note; else a problem."""
    out = []
    live = apply_corrections(events)
    explained = {ev.payload["ref"] for ev in events if ev.type == "correct" and ev.note}
    for ev in live:
        if ev.type != "count_claim":
            continue
        measure = ev.payload.get("measure")
        measures = ([measure] if measure else ["signed", "ratified", "parties"]
                    if coal.kind == "treaty" else ["members"])
        found = _counts_over(coal, effects, ev.date.lo, ev.date.hi, measures)
        if ev.payload["count"] in {n for values in found.values() for n in values}:
            continue
        computed = "; ".join(f"{m} {_span_text(v)}" for m, v in found.items())
        text = (f"count claim of {ev.payload['count']}"
                + (f" ({measure})" if measure else "") + f" on {ev.date.text} "
                f"({', '.join(ev.source_ids)}); the ledger counts {computed}")
        if ev.note:
            text += f". Note: {ev.note}"
        level = "note" if ev.note or ev.key in explained else "problem"
        out.append(Problem(level, coal.id, ev.seq, text, "count-claim-mismatch"))
    return out


def _counts_over(coal, effects, lo, hi, measures: list[str]) -> dict[str, set[int]]:
    """The counts the ledger gives on the days of [lo, hi] where any count can change."""
    days = {lo, hi} | {d for eff in effects for d in (eff.lo, eff.hi) if lo <= d <= hi}
    found: dict[str, set[int]] = {m: set() for m in measures}
    for day in sorted(days):
        recs = list(records_at(effects, day).values())
        got = answer(coal.id, coal.name, coal.kind, day, None, recs, (), [])
        values = dict(got.counts or {}, members=got.count)
        for m in measures:
            found[m].update({values[m], values[m] + got.uncertain} if got.uncertain else {values[m]})
    return found


def _span_text(values: set[int]) -> str:
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}-{hi}"


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
                               f"starts ({coal.start})", "outside-span"))
        if end and ev.date.lo > end.hi:
            out.append(Problem("problem", coal.id, ev.seq,
                               f"{ev.type} {ev.actor or ''} on {ev.date.text} is after the coalition "
                               f"ends ({coal.end})", "outside-span"))
    return out


def _treaty(coal, events, effects, names) -> list[Problem]:
    out = []
    live = apply_corrections(events)
    rules = Rules.of(coal, live)
    recorded = [e for e in live if e.type == "entry_into_force"]
    computed = rules.computed_entry_into_force(live)
    if recorded and computed and recorded[0].when.text != computed.text:
        out.append(Problem("note", coal.id, recorded[0].seq,
                           f"entry into force recorded as {recorded[0].when.text}, the rule and the "
                           f"recorded deposits give {computed.text}", "entry-into-force"))
    in_force = rules.entry_into_force(live)
    for ev in live:
        if ev.type == "ratify" and ev.effective and in_force and ev.effective.lo < in_force.lo:
            out.append(Problem("note", coal.id, ev.seq,
                               f"{names.get(ev.actor, ev.actor)}: a source says in force for it on "
                               f"{ev.effective.text}, before the treaty itself ({in_force.text}); "
                               f"taken as {in_force.text}", "party-before-entry-into-force"))
    last = rules.last_signature_day(in_force)
    opened = (rules.raw.get("signature_open") or {}).get("from")
    first = parse_date(opened).lo if opened else None
    in_time = {ev.actor for ev in live if ev.type == "sign_treaty" and last and ev.date.lo <= last}
    party_from = {}
    for eff in effects:
        if eff.kind == "party":
            party_from.setdefault(eff.actor, eff.lo)
    for ev in live:
        if ev.type == "sign_treaty" and last and ev.date.lo > last:
            # another source dating the signature inside the window makes this a disputed date
            level = "note" if ev.actor in in_time else "problem"
            out.append(Problem(level, coal.id, ev.seq,
                               f"{names.get(ev.actor, ev.actor)} signs on {ev.date.text}, after "
                               f"signature closed (last day {last.isoformat()})", "signature-window"))
        if ev.type == "sign_treaty" and first and ev.date.hi < first:
            out.append(Problem("problem", coal.id, ev.seq,
                               f"{names.get(ev.actor, ev.actor)} signs on {ev.date.text}, before "
                               f"signature opened ({opened})", "signature-window"))
        bound = ev.actor in party_from and party_from[ev.actor] <= ev.date.lo
        if ev.type == "withdraw_treaty" and ev.effective and bound:
            # the treaty's period runs for parties; an instrument withdrawn before it took
            # effect (Malaysia, Rome Statute, 2019) is not an Art. 127 withdrawal
            earliest = rules.withdrawal_effective(ev.date)
            if ev.effective.hi < earliest.lo:
                out.append(Problem("problem", coal.id, ev.seq,
                                   f"{names.get(ev.actor, ev.actor)}'s withdrawal takes effect "
                                   f"{ev.effective.text}, earlier than the treaty allows "
                                   f"({earliest.text})", "withdrawal-period"))
    return out
