"""One coalition's spells held in memory, so that many `asof`/`diff` questions cost what their
answers cost, not a database round trip per member.

A view is built from the spells table (the projection) and is valid for one head of the log: every
query first reads the head (one primary-key lookup) and rebuilds the view if anything was appended
since. The days where any spell starts or ends cut time into segments; each segment keeps the
spells open through it, so a day's answer is one bisection plus the members themselves.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date

from .model import Coalition
from .results import AsOf, Member
from .state import IN
from .summary import HORIZON, OUT, answer, former_member, member, sort_key


class CoalitionView:
    def __init__(self, coalition: Coalition, token: tuple, spells: list[tuple[str, str | None, dict]],
                 names: dict[str, str], cites: dict[str, dict], claims: list[tuple[str, int, dict]]):
        """`spells`: (valid_from, valid_to, record); `claims`: (date_lo, seq, claim)."""
        self.coalition = coalition
        self.token = token
        self.names, self.cites = names, cites
        self.spells = spells
        self.records = [rec for _, _, rec in spells]
        self._members: dict[int, Member] = {}
        self._formers: dict[int, object] = {}
        self._segment_answers: dict[int, tuple] = {}
        self._stale: dict[int, Member] = {}      # id of a member -> the same, marked stale
        points = sorted({s[0] for s in spells} | {s[1] for s in spells if s[1]})
        at = {day: i for i, day in enumerate(points)}
        starts: list[list[int]] = [[] for _ in points]
        ends: list[list[int]] = [[] for _ in points]
        for k, (start, end, _) in enumerate(spells):
            starts[at[start]].append(k)
            if end:
                ends[at[end]].append(k)
        self._starts, self._ends = starts, ends
        self._by_actor: dict[str, list[int]] = {}
        for k, (_, _, rec) in enumerate(spells):
            self._by_actor.setdefault(rec["actor"], []).append(k)
        open_now: dict[int, None] = {}
        self.points = points
        self.segments: list[tuple[int, ...]] = []      # spells open on [points[i], points[i+1])
        for i in range(len(points)):
            for k in ends[i]:
                del open_now[k]
            for k in starts[i]:
                open_now[k] = None
            self.segments.append(tuple(open_now))
        claims = sorted(claims, key=lambda c: (c[0], c[1]))
        self._claim_days = [c[0] for c in claims]
        self._claims = claims

    def _open(self, day: date) -> tuple[int, ...]:
        i = bisect_right(self.points, day.isoformat()) - 1
        return self.segments[i] if i >= 0 else ()

    def records_at(self, day: date) -> dict[str, dict]:
        return {self.records[k]["actor"]: self.records[k] for k in self._open(day)}

    def spells_changing(self, start: date, end: date) -> list[tuple]:
        """The spells of the actors with a spell that starts or ends in (start, end]: all a diff's
        `within` needs to look at, found by bisection rather than by reading every spell."""
        i0 = bisect_right(self.points, start.isoformat())
        i1 = bisect_right(self.points, end.isoformat())
        actors = {self.records[k]["actor"] for i in range(i0, i1)
                  for k in self._starts[i] + self._ends[i]}
        return [self.spells[k] for actor in sorted(actors) for k in self._by_actor[actor]]

    def _former(self, k: int):
        found = self._formers.get(k)
        if found is None:
            found = self._formers[k] = former_member(self.records[k], self.names, self.cites)
        return found

    def _member(self, k: int) -> Member:
        found = self._members.get(k)
        if found is None:
            found = self._members[k] = member(self.records[k], self.names, self.cites)
        return found

    def asof(self, day: date, horizon: tuple[int, int] = HORIZON) -> AsOf:
        i = bisect_right(self.points, day.isoformat()) - 1
        found = self._segment_answers.get(i)
        if found is None:       # what is the same on every day of the segment
            spells = self.segments[i] if i >= 0 else ()
            recs = [self.records[k] for k in spells]
            members = tuple(sorted((self._member(k) for k, r in zip(spells, recs)
                                    if r["status"] in IN), key=sort_key))
            former = tuple(sorted((self._former(k) for k, r in zip(spells, recs)
                                   if r["status"] in OUT), key=sort_key))
            found = self._segment_answers[i] = (recs, members, former)
        recs, members, former = found
        upto = self._claims[:bisect_right(self._claim_days, day.isoformat())]
        claims = [dict(c) for _, _, c in sorted(upto, key=lambda c: c[1])]
        c = self.coalition
        return answer(c.id, c.name, c.kind, day, None, recs, members, claims, former, horizon,
                      self._stale)
