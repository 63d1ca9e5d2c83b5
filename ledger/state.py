"""What an actor's state is, how each effect changes it, and the plain replay.

The replay here is the reference: it answers "what was the state on day D" by walking the whole
timeline. The projection (`projection.py`) must give the same answers from stored spells; a
property test holds the two to that.

Uncertain dates. An effect takes effect on some day in [lo, hi]. On day D it has surely taken effect
if hi <= D, surely not if D < lo, and maybe otherwise. Two scenarios are replayed: *late* (maybe-
effects have not happened yet) and *early* (they have). An actor whose state differs between the two
is `uncertain`; its shown values come from the late scenario if it is in the coalition there, else
from the early one, and `possibly` gives the other scenario's status and troops.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable, NamedTuple


from .effects import Effect

IN = ("member", "signatory", "ratified", "party")          # statuses that make an actor "in"
TREATY_IN = ("signatory", "ratified", "party")


class ActorState(NamedTuple):
    # A named tuple rather than a frozen dataclass: a replay makes a new state per effect, and
    # `_replace` costs a fraction of `dataclasses.replace`.
    status: str                    # member | left | signatory | ratified | party | withdrawn | unsigned
    since: str                     # when the status began (date text)
    cause: tuple                   # (seq, type, date, effect) of the event that last changed
                                   # status or troops: its own date, and the day it took effect
    status_sources: tuple = ()
    troops: int | None = None
    approx: bool = False
    troops_sources: tuple = ()
    signed: str | None = None
    mode: str | None = None
    disputed: tuple = ()
    implicit: bool = False         # member only because troops were committed before any join
    status_cause: tuple | None = None  # (seq, type, date, effect) of the event behind the status
    troops_cause: tuple | None = None  # the same for the event behind the troop figure

    @property
    def sources(self) -> tuple:
        return self.status_sources + tuple(s for s in self.troops_sources
                                           if s not in self.status_sources)


def _caused(state: ActorState | None, eff: Effect, *, of_status: bool = True,
            of_troops: bool = False, **changes) -> ActorState:
    """`state` changed by `eff`: the cause of its status (and since) unless `of_status` is False,
    the cause of its troop figure if `of_troops`."""
    why = _why(eff)
    base = dict(cause=why)
    if of_status:
        base["status_cause"] = why
    if of_troops:
        base["troops_cause"] = why if changes.get("troops") is not None else None
    if state is None:
        return ActorState(**{"status": "none", "since": eff.when.text, **base, **changes})
    return state._replace(**base, **changes)


def _why(eff: Effect) -> tuple:
    return (eff.seq, eff.event.type, eff.event.date.text, eff.when.text)


def apply(state: ActorState | None, eff: Effect) -> tuple[ActorState | None, str | None]:
    """One effect on one actor's state: the new state, and an anomaly for `ledger check` if any."""
    kind, ev, srcs = eff.kind, eff.event, eff.event.source_ids
    status = state.status if state else None
    if kind == "join" or (kind == "troops" and status != "member"):
        if status == "member" and state.implicit and kind == "join":
            # the join dates what the earlier troop figure implied: it names since and sources
            return state._replace(since=eff.when.text, status_sources=srcs, implicit=False,
                                  status_cause=_why(eff)), None
        if status == "member":
            alt = {"field": "since", "value": eff.when.text, "sources": list(srcs)}
            return state._replace(disputed=state.disputed + (alt,)), "join-while-member"
        troops = ev.payload.get("troops")
        new = _caused(None, eff, of_troops=True, status="member", since=eff.when.text,
                      status_sources=srcs, troops=troops, approx=bool(ev.payload.get("approx")),
                      troops_sources=srcs if troops is not None else (), disputed=eff.disputed,
                      implicit=kind == "troops")
        return new, ("troops-before-join" if kind == "troops" else None)
    if kind == "troops":
        return _caused(state, eff, of_status=False, of_troops=True, troops=ev.payload["troops"],
                       approx=bool(ev.payload.get("approx")), troops_sources=srcs, disputed=tuple(
                           d for d in state.disputed if d.get("field") != "commit_troops") + eff.disputed), None
    if kind in ("leave", "end"):
        if status == "left" and kind == "leave":
            return state, "withdrawn-twice"
        if status == "ended" and kind == "leave":
            return state, "withdraw-after-end"
        if status not in IN:
            return state, (None if kind == "end" else "withdraw-while-out")
        return _caused(state, eff, of_troops=True, status="left" if kind == "leave" else "ended",
                       since=eff.when.text, status_sources=srcs, troops=None, approx=False,
                       troops_sources=(), disputed=eff.disputed), None
    if kind == "sign":
        if status in TREATY_IN:
            return state, "signed-twice"
        return _caused(state, eff, status="signatory", since=eff.when.text, status_sources=srcs,
                       signed=eff.when.text, disputed=eff.disputed), None
    if kind == "ratify":
        anomaly = None
        if status in ("ratified", "party"):
            return state, "ratified-twice"
        if status != "signatory" and ev.payload.get("mode") in ("ratification", "acceptance", "approval"):
            anomaly = "ratified-without-signature"
        signed = state.signed if state else None
        return _caused(state, eff, status="ratified", since=eff.when.text, status_sources=srcs,
                       signed=signed, mode=ev.payload.get("mode"), disputed=eff.disputed), anomaly
    if kind == "party":
        if status != "ratified":
            return state, None
        return _caused(state, eff, status="party", since=eff.when.text), None
    if kind == "withdrawn":
        if status == "withdrawn":
            return state, "withdrawn-twice"
        if status not in ("ratified", "party"):
            return state, "treaty-withdrawal-while-not-bound"
        if status == "ratified":
            # the instrument is withdrawn before it took effect (Malaysia, Rome Statute, 2019):
            # the state never became a party, and this is no withdrawal from the treaty
            return _caused(state, eff, status="signatory" if state.signed else "none",
                           since=eff.when.text, status_sources=srcs, mode=None), None
        return _caused(state, eff, status="withdrawn", since=eff.when.text, status_sources=srcs), None
    if kind == "unsign":
        if status == "unsigned":
            return state, "unsigned-twice"
        if status != "signatory":
            return state, "unsign-while-not-signatory"
        return _caused(state, eff, status="unsigned", since=eff.when.text, status_sources=srcs,
                       signed=None), None
    return state, None      # notes, announcements, notifications: no change of state


def step(states: dict, eff: Effect) -> None:
    """Apply one effect to the states in place; an `end` effect reaches every actor already known."""
    for actor in (list(states) if eff.actor is None else [eff.actor]):
        new, _ = apply(states.get(actor), eff)
        if new is not None:
            states[actor] = new


def run(effects: Iterable[Effect], states: dict | None = None) -> dict[str, ActorState]:
    """Apply effects in order."""
    states = {} if states is None else states
    for eff in effects:
        step(states, eff)
    return states


def scenarios_at(effects: list[Effect], day: date) -> tuple[dict, dict]:
    """(early, late) states of every actor on `day`: the plain replay."""
    early = run(e for e in effects if e.lo <= day)
    late = run(e for e in effects if e.hi <= day)
    return early, late


def record(actor: str, early: ActorState | None, late: ActorState | None) -> dict | None:
    """What the ledger says about one actor on one day (the stored and the replayed form).
    `uncertain` is about membership (status) only; a member whose troop figure alone may differ
    between the scenarios is a certain member with `troops_uncertain` (README, rule 4)."""
    if early is None and late is None:
        return None
    in_late = late is not None and late.status in IN
    shown, other = (late, early) if (in_late or early is None) else (early, late)
    uncertain = _status(early) != _status(late)
    troops_uncertain = not uncertain and _view(early) != _view(late)
    return {
        "actor": actor, "status": shown.status, "troops": shown.troops, "approx": shown.approx,
        "since": shown.since, "uncertain": uncertain, "troops_uncertain": troops_uncertain,
        "possibly": ({"status": other.status if other else "none",
                      "troops": other.troops if other else None}
                     if uncertain or troops_uncertain else None),
        "sources": list(shown.sources), "status_sources": list(shown.status_sources),
        "troops_sources": list(shown.troops_sources), "disputed": list(shown.disputed),
        "mode": shown.mode, "signed": shown.signed,
        "cause": _cause(shown.cause),
        "status_event": _cause(shown.status_cause), "troops_event": _cause(shown.troops_cause),
        "troops_as_of": shown.troops_cause[3] if shown.troops_cause else None,
        "early": early.status if early else "none", "late": late.status if late else "none",
    }


def _cause(why: tuple | None) -> dict | None:
    """An event as an answer names it: {"seq", "type", "date"} (its own date), and "effective"
    where it took effect on another day (a deposit, in force for the state later)."""
    if not why:
        return None
    out = {"seq": why[0], "type": why[1], "date": why[2]}
    if why[3] != why[2]:
        out["effective"] = why[3]
    return out


def _status(state: ActorState | None) -> str:
    return state.status if state else "none"


#: The form of the spells' rows (ledger/spellrows.py); a ledger whose spells were stored in
#: another form is rebuilt when opened (the log is the truth, the projection is derived from it).
RECORD_FORMAT = "4"


def _view(state: ActorState | None) -> tuple:
    return (state.status, state.troops) if state else ("none", None)


def records_at(effects: list[Effect], day: date) -> dict[str, dict]:
    early, late = scenarios_at(effects, day)
    out = {}
    for actor in set(early) | set(late):
        rec = record(actor, early.get(actor), late.get(actor))
        if rec is not None:
            out[actor] = rec
    return out


def anomalies(effects: list[Effect]) -> list[tuple[Effect, str]]:
    """Inconsistencies in the timeline (for `ledger check`), replaying every effect in order."""
    found, states = [], {}
    for eff in effects:
        for actor in (list(states) if eff.actor is None else [eff.actor]):
            new, problem = apply(states.get(actor), eff)
            if new is not None:
                states[actor] = new
            if problem:
                found.append((eff, problem))
    return found
