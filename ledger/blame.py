"""`ledger blame`: every event that bears on one actor's state on one day, and for each field of
that state which event won and by which rule (README, rule 14)."""
from __future__ import annotations

from datetime import date

from .effects import Effect, refine
from .evidence import Evidence
from .model import Event

# The rule that decided a field, where the winner was not simply the latest event in effect order.
#   order        the latest event in effect order that sets the field (nothing disagreed)
#   refinement   a coarser date of the same fact was refined by the winner's finer one
#   tier         another claim of the same fact lost to a stronger source
#   publication  another claim lost to a source published later (equal tiers)
#   recording    another claim lost to one recorded later (equal tiers and publication)
#   correction   a correction set the winner's field
#   retraction   a retracted event would otherwise bear on the field


def blame_of(actor: str, day: date, events: list[Event], effects: list[Effect], rec: dict | None,
             evidence: Evidence) -> dict:
    mine = [ev for ev in events if ev.actor == actor or ev.actor is None]
    keys = {ev.key: ev for ev in events}
    retracted = {ev.payload["ref"]: ev for ev in events if ev.type == "retract"}
    corrected: dict[str, list[Event]] = {}
    for ev in events:
        if ev.type == "correct" and ev.key not in retracted:
            corrected.setdefault(ev.payload["ref"], []).append(ev)
    timeline: dict[int, list[Effect]] = {}      # a ratification has two effects: deposit, party
    for eff in effects:
        if eff.actor in (actor, None):
            timeline.setdefault(eff.seq, []).append(eff)
    lost = {alt["seq"]: (eff.seq, alt["lost_by"]) for effs in timeline.values() for eff in effs
            for alt in eff.disputed if alt.get("seq") is not None and "lost_by" in alt}
    refined_into = _refined(events, actor)

    def standing(ev: Event) -> str:
        if ev.key in retracted:
            return f"retracted by #{retracted[ev.key].seq}"
        if ev.type in ("correct", "retract"):
            target = keys.get(ev.payload["ref"])
            verb = "corrects" if ev.type == "correct" else "retracts"
            return f"{verb} #{target.seq if target else '?'}"
        if ev.seq in lost:
            winner, rule = lost[ev.seq]
            return f"lost to #{winner} by {rule}"
        if ev.seq in refined_into:
            return f"refined by #{refined_into[ev.seq]}"
        effs = timeline.get(ev.seq)
        if effs is None:
            return "agrees with another claim (sources pooled)"
        eff = effs[0]
        return "in effect" if eff.hi <= day else "in effect later" if eff.lo > day else "maybe in effect"

    bearing = [ev for ev in mine if ev.actor == actor or ev.type in ("end", "entry_into_force")
               or (ev.type in ("correct", "retract") and getattr(keys.get(ev.payload["ref"]), "actor",
                                                                 None) == actor)]
    order = {eff.seq: i for i, eff in enumerate(effects)}
    bearing.sort(key=lambda ev: (ev.when.lo, ev.when.hi, order.get(ev.seq, len(order)), ev.seq or 0))
    listed = [{"seq": ev.seq, "id": ev.key, "type": ev.type, "date": ev.date.text,
               "effective": ev.effective.text if ev.effective else None,
               "payload": dict(ev.payload), "sources": list(ev.source_ids), "note": ev.note,
               "standing": standing(ev)} for ev in bearing]

    own = [ev for ev in events if ev.actor == actor]

    def field(value, cause: dict | None, name: str) -> dict:
        if cause is None:
            # nothing sets the field: say what took away an event that would have set it
            return {"value": value, "event": None, "rule": _unset(name, own, day, lost, retracted)}
        seq = cause["seq"]
        ev = next((e for e in events if e.seq == seq), None)
        return {"value": value, "event": cause,
                "rule": _rule(ev, name, timeline.get(seq), corrected, refined_into, retracted,
                              own, day)}

    status = rec["status"] if rec else "none"
    fields = {"status": field(status, rec["status_event"] if rec else None, "status"),
              "since": field(rec["since"] if rec else None, rec["status_event"] if rec else None,
                             "since"),
              "troops": field(rec["troops"] if rec else None, rec["troops_event"] if rec else None,
                              "troops")}
    return {"fields": fields, "events": listed}


def _refined(events: list[Event], actor: str) -> dict[int, int]:
    """seq of a coarser claim -> seq of the finer claim that refined it."""
    mine = [ev for ev in events if ev.actor == actor and ev.type not in ("correct", "retract")]
    kept = {id(ev) for ev in refine(mine)}
    out = {}
    for ev in mine:
        if id(ev) in kept:
            continue
        finer = [f for f in mine if f is not ev and f.type == ev.type
                 and ev.date.lo <= f.date.lo and f.date.hi <= ev.date.hi]
        if finer:
            out[ev.seq] = finer[0].seq
    return out


FIELDS_SET = {"status": ("date", "effective"), "since": ("date", "effective"),
              "troops": ("troops",)}
# the event types that can set a field
SETTERS = {"status": {"join", "withdraw", "sign_treaty", "ratify", "unsign", "withdraw_treaty",
                      "commit_troops"},
           "troops": {"join", "commit_troops", "withdraw"}}
SETTERS["since"] = SETTERS["status"]


def _rule(ev: Event | None, name: str, effs: list[Effect] | None, corrected: dict, refined_into: dict,
          retracted: dict, own: list[Event], day: date) -> str:
    if ev is None:
        return "order"
    if any(set(c.payload["set"]) & set(FIELDS_SET[name]) for c in corrected.get(ev.key, [])):
        return "correction"
    rules = [alt["lost_by"] for e in effs or () for alt in e.disputed if "lost_by" in alt]
    if rules:
        return rules[0]
    if ev.seq in refined_into.values():
        return "refinement"
    # a retracted claim of the same one-off fact, or one that would surely have set the field
    # after the winner by this day
    if any(other.key in retracted and (other.type == ev.type and other.type != "commit_troops"
                                       or other.type in SETTERS[name] and other.when.hi <= day
                                       and other.when.lo >= ev.when.lo)
           for other in own):
        return "retraction"
    return "order"


def _unset(name: str, own: list[Event], day: date, lost: dict, retracted: dict) -> str | None:
    """Why no event sets the field on the day: a claim that would have set it was retracted, or
    lost a dispute (by the rule it lost by); None if there was never such a claim."""
    for ev in own:
        if ev.type in SETTERS[name] and ev.when.lo <= day:
            if ev.key in retracted:
                return "retraction"
            if ev.seq in lost:
                return lost[ev.seq][1]
    return None
