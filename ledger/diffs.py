"""What happened inside a diff's period: actors whose state changed more than its two ends show
(README, rule 13)."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from .state import IN


def _state(rec: dict | None) -> tuple:
    """What a change of state is about: in or out, and the troops while in."""
    if rec is None or rec["status"] not in IN:
        return ("out", None)
    return (rec["status"], rec["troops"])


def inside(spells: Iterable[tuple[str, str | None, dict]], start: date, end: date) -> list[tuple[str, list]]:
    """(actor, runs) for each actor whose state changes at least twice in (start, end], sorted by
    actor. A run is one state held without a break; runs out of the coalition are left out."""
    lo, hi = start.isoformat(), end.isoformat()
    by_actor: dict[str, list] = {}
    for s in spells:
        if s[0] <= hi and (s[1] is None or s[1] > lo):      # only spells that touch [lo, hi]
            by_actor.setdefault(s[2]["actor"], []).append(s)
    out = []
    for actor, mine in sorted(by_actor.items()):
        mine.sort(key=lambda s: s[0])
        runs, changes = _runs(mine, lo, hi)
        if changes >= 2:
            out.append((actor, runs))
    return out


def _runs(spells: list, lo: str, hi: str) -> tuple[list[dict], int]:
    """One sweep over an actor's spells (sorted, not overlapping, all touching [lo, hi]): its runs
    of one state in the period, and how many times its state changed in (lo, hi]."""
    runs: list[dict] = []
    state, open_run, changes = ("out", None), None, 0

    def change(day: str, rec: dict | None) -> None:
        nonlocal state, open_run, changes
        new = _state(rec)
        if new == state:
            return
        if day > lo:
            changes += 1
        if open_run is not None:
            open_run["to"] = day
            if rec is not None and new[0] == "out":
                open_run["until"] = rec["since"]     # the leaving, at the sources' precision
            runs.append(open_run)
            open_run = None
        if new[0] != "out":
            open_run = _run(rec, max(day, lo))
        state = new

    previous_end = None
    for start, stop, rec in spells:
        if previous_end is not None and previous_end < start:
            change(previous_end, None)          # a gap: out of the coalition in between
        change(start, rec)
        previous_end = stop
    if previous_end is not None and previous_end <= hi:
        change(previous_end, None)
    if open_run is not None:
        runs.append(open_run)
    return runs, changes


def _run(rec: dict, day: str) -> dict:
    # `since` keeps the precision the sources give ("2004-07"); `from` is the day the run is in
    # force from, inside the period
    return {"status": rec["status"], "troops": rec["troops"], "since": rec["since"], "from": day,
            "to": None}
