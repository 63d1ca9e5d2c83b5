"""The synthetic ledgers bench/run.py measures, as JSON Lines files `Ledger.import_file` reads.

Two workloads, both deterministic for a seed:

- `own`: this benchmark's generator: 200 actors, one coalition per ~300 events (every 5th a treaty),
  joins, troop changes, withdrawals, returns, announcements, signatures, ratifications, accessions,
  treaty withdrawals, `correct` events and about 10 % imprecise dates, all sources declared first.
- `issue`: the shape of issue 19's independent generator: about 200 actors, coalitions of
  200-2,000 events (drawn), 70 % military (join, commit_troops, withdraw, rejoin) and 30 % treaties
  (sign, ratify, withdraw_treaty), exact dates, written in source-sized chunks (50-500 events, one
  source each, declared just before its chunk) whose order differs from valid-time order.
"""
from __future__ import annotations

import json
import random
import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

N_ACTORS = 200
EVENTS_PER_COALITION = 300
TREATY_EVERY = 5                  # every 5th coalition is a treaty with treaty rules
SOURCES = {"s0": "2001-01-01", "s1": "2004-06-01", "s2": "2008-03-15", "s3": "2012"}
WITHDRAWAL_MONTHS = 6             # a treaty withdrawal takes effect 6 months after its notification

# -- shared by both workloads ---------------------------------------------------------------------

@dataclass
class CoalitionInfo:
    id: str
    kind: str
    first: date
    last: date


@dataclass
class Generated:
    path: str
    events: int = 0
    types: dict = field(default_factory=dict)
    imprecise: int = 0
    sources: int = 0
    coalitions: list = field(default_factory=list)


class Writer:
    """Writes JSONL lines and counts what it wrote."""

    def __init__(self, handle, gen: Generated):
        self.handle, self.gen = handle, gen

    def line(self, obj: dict) -> None:
        self.handle.write(json.dumps(obj, separators=(",", ":")) + "\n")
        if obj.get("record") == "source":
            self.gen.sources += 1
        elif obj.get("record", "event") == "event":
            self.gen.events += 1
            self.gen.types[obj["type"]] = self.gen.types.get(obj["type"], 0) + 1
            if len(obj["date"]) < 10:
                self.gen.imprecise += 1


def source_record(sid: str, published: str) -> dict:
    return {"record": "source", "id": sid, "title": f"Synthetic source {sid}", "publisher": "Bench Wire",
            "url": f"https://example.org/{sid}", "published": published}


def actor_records(out: Writer) -> list[str]:
    actors = [f"a{i:03d}" for i in range(N_ACTORS)]
    for aid in actors:
        out.line({"record": "actor", "id": aid, "name": f"Actor {aid[1:]}"})
    return actors


def coalition_record(cid: str, kind: str, start: date) -> dict:
    rec = {"record": "coalition", "id": cid, "name": f"Synthetic coalition {cid}", "kind": kind,
           "start": start.isoformat(), "aliases": [f"alias of {cid}"]}
    if kind == "treaty":
        rule = {"threshold": 20, "days": 0, "months": 6, "first_of_month": True}
        rec["treaty"] = {"signature_open": {"from": start.isoformat(), "until": "entry_into_force"},
                         "entry_into_force": rule,
                         "later_states": {k: v for k, v in rule.items() if k != "threshold"},
                         "withdrawal": {"months": WITHDRAWAL_MONTHS}}
    return rec


# -- the own workload ------------------------------------------------------------------------------

def fuzzy(rng: random.Random, day: date) -> tuple[str, date]:
    """The date text (mostly exact, sometimes YYYY-MM or YYYY) and the last day it may stand for."""
    roll = rng.random()
    if roll < 0.03:
        return f"{day.year:04d}", date(day.year, 12, 31)
    if roll < 0.10:
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return f"{day.year:04d}-{day.month:02d}", nxt - timedelta(days=1)
    return day.isoformat(), day


def generate_own(path: str, size: int, seed: int) -> Generated:
    rng = random.Random(seed)
    gen = Generated(path)
    n_coalitions = max(1, round(size / EVENTS_PER_COALITION))
    with open(path, "w", encoding="utf-8") as handle:
        out = Writer(handle, gen)
        for sid, published in SOURCES.items():
            out.line(source_record(sid, published))
        actors = actor_records(out)
        plans = []
        for i in range(n_coalitions):
            cid = f"c{i:05d}"
            kind = "treaty" if i % TREATY_EVERY == TREATY_EVERY - 1 else "military"
            start = date(1990 + rng.randrange(20), rng.randrange(1, 13), rng.randrange(1, 29))
            out.line(coalition_record(cid, kind, start))
            plans.append((cid, kind, start))
        for i, (cid, kind, start) in enumerate(plans):
            budget = size // n_coalitions + (1 if i < size % n_coalitions else 0)
            make = treaty_events if kind == "treaty" else military_events
            last = make(out, rng, cid, start, budget, actors)
            gen.coalitions.append(CoalitionInfo(cid, kind, start, last))
    return gen


def military_events(out: Writer, rng: random.Random, cid: str, start: date, budget: int,
                    actors: list[str]) -> date:
    """Joins, troop changes, withdrawals, returns, announcements, and corrections of troop figures."""
    out.line({"type": "start", "coalition": cid, "date": start.isoformat(), "source": "s0"})
    members = rng.sample(actors, min(len(actors), max(2, budget // 5)))
    cursor = {a: start + timedelta(days=rng.randrange(0, 365)) for a in members}
    inside = {a: False for a in members}
    targets: list[tuple[str, int]] = []            # (id, troops) of events a correction may fix
    desk, last, n = date(2015, 1, 1), start, 1
    while n < budget:
        if targets and rng.random() < 0.03:
            ref, troops = rng.choice(targets)
            desk += timedelta(days=1)
            out.line({"type": "correct", "coalition": cid, "date": desk.isoformat(), "ref": ref,
                      "set": {"troops": troops + rng.randrange(1, 500)}, "source": "s3"})
            n += 1
            continue
        actor = rng.choice(members)
        day = cursor[actor] + timedelta(days=rng.randrange(5, 200))
        text, hi = fuzzy(rng, day)
        ev = {"coalition": cid, "actor": actor, "date": text, "source": rng.choice(["s0", "s1", "s2"])}
        if not inside[actor]:
            ev.update(type="join", troops=rng.randrange(10, 5000))
            inside[actor] = True
        else:
            roll = rng.random()
            if roll < 0.6:
                ev.update(type="commit_troops", troops=rng.randrange(10, 5000))
            elif roll < 0.7:
                ev.update(type="announce_withdrawal")
            else:
                ev.update(type="withdraw")
                inside[actor] = False
        if "troops" in ev and rng.random() < 0.15:
            ev["id"] = f"{cid}-e{n}"
            targets.append((ev["id"], ev["troops"]))
        out.line(ev)
        cursor[actor], last, n = hi + timedelta(days=1), max(last, hi), n + 1
    return last


def treaty_events(out: Writer, rng: random.Random, cid: str, start: date, budget: int,
                  actors: list[str]) -> date:
    """Signatures, ratifications (or accessions), some withdrawals; claims fill any spare budget."""
    out.line({"type": "start", "coalition": cid, "date": start.isoformat(), "source": "s0"})
    n, last = 1, start
    for actor in rng.sample(actors, len(actors)):
        day = start + timedelta(days=rng.randrange(0, 900))
        steps = ["sign_treaty", "ratify"] if rng.random() < 0.8 else ["ratify"]
        if rng.random() < 0.05:
            steps.append("withdraw_treaty")
        for step in steps:
            if n >= budget:
                return last
            text, hi = fuzzy(rng, day)
            ev = {"type": step, "coalition": cid, "actor": actor, "date": text, "source": "s1"}
            if step == "ratify":
                ev["mode"] = "ratification" if steps[0] == "sign_treaty" else "accession"
            out.line(ev)
            last, n = max(last, hi), n + 1
            day = hi + timedelta(days=rng.randrange(30, 1500))
    while n < budget:
        last += timedelta(days=1)
        out.line({"type": "count_claim", "coalition": cid, "date": last.isoformat(),
                  "count": rng.randrange(1, 200), "source": "s2"})
        n += 1
    return last


# -- the issue workload ----------------------------------------------------------------------------
# Every date is exact, so a plain reference can say who is in on any day (bench/reference.py).

ISSUE_COALITION_EVENTS = (200, 2000)    # a coalition's events, drawn uniformly
ISSUE_CHUNK_EVENTS = (50, 500)          # one source's events
ISSUE_TREATY_SHARE = (1, 4, 7)          # coalitions i with i % 10 in these are treaties: 30 %
OPEN_COALITIONS = 8                     # coalitions whose chunks are interleaved at any time


def generate_issue(path: str, size: int, seed: int) -> Generated:
    """Coalitions' events in valid-time order, cut into chunks; each coalition's chunks shuffled and
    the chunks of several coalitions interleaved, so the file's order differs from valid-time
    order. Each coalition draws from its own seeded generator, so coalition i is the same at every
    size (but the last, cut to fit): the latency figures ask the same coalition at 10k and at 1M."""
    gen = Generated(path)
    order = random.Random(f"{seed}-order")
    budgets = issue_budgets(random.Random(f"{seed}-budgets"), size)
    with open(path, "w", encoding="utf-8") as handle:
        out = Writer(handle, gen)
        actors = actor_records(out)
        plans = []
        for i, budget in enumerate(budgets):
            rng = random.Random(f"{seed}-coalition-{i}")
            cid = f"k{i:05d}"
            kind = "treaty" if i % 10 in ISSUE_TREATY_SHARE else "military"
            start = date(1960 + rng.randrange(30), rng.randrange(1, 13), rng.randrange(1, 29))
            out.line(coalition_record(cid, kind, start))
            plans.append((rng, cid, kind, start, budget))
        pending = iter(plans)
        live: list[list[list[dict]]] = []            # the open coalitions' chunks still to write
        while True:
            while len(live) < OPEN_COALITIONS and (plan := next(pending, None)):
                rng, cid, kind, start, budget = plan
                make = issue_treaty if kind == "treaty" else issue_military
                events = make(rng, cid, start, budget, actors)
                events.sort(key=lambda ev: ev["date"])   # stable: an actor's own order stays
                gen.coalitions.append(CoalitionInfo(cid, kind, start,
                                                    date.fromisoformat(events[-1]["date"])))
                chunks = cut(events, rng)
                rng.shuffle(chunks)
                live.append(chunks)
            if not live:
                break
            chunks = order.choice(live)
            write_chunk(out, chunks.pop(), order)
            if not chunks:
                live.remove(chunks)
    return gen


def issue_budgets(rng: random.Random, size: int) -> list[int]:
    """Coalition sizes summing to `size`; the last takes what is left when less than the smallest
    size would remain (so it may have up to 2,199 events)."""
    budgets, left = [], size
    while left > 0:
        n = rng.randint(*ISSUE_COALITION_EVENTS)
        if left - n < ISSUE_COALITION_EVENTS[0]:
            n = left
        budgets.append(n)
        left -= n
    return budgets


def cut(events: list[dict], rng: random.Random) -> list[list[dict]]:
    chunks, i = [], 0
    while i < len(events):
        n = rng.randint(*ISSUE_CHUNK_EVENTS)
        chunks.append(events[i:i + n])
        i += n
    return chunks


def write_chunk(out: Writer, chunk: list[dict], rng: random.Random) -> None:
    """A source of its own, published some time after the last event it reports, then its events."""
    sid = f"src{out.gen.sources:06d}"
    published = date.fromisoformat(chunk[-1]["date"]) + timedelta(days=rng.randrange(0, 365))
    out.line(source_record(sid, published.isoformat()))
    for ev in chunk:
        ev["source"] = sid
        out.line(ev)


def issue_military(rng: random.Random, cid: str, start: date, budget: int,
                   actors: list[str]) -> list[dict]:
    """Joins, troop changes, withdrawals and rejoins (a join after a withdrawal)."""
    events = [{"type": "start", "coalition": cid, "date": start.isoformat()}]
    members = rng.sample(actors, min(len(actors), max(2, budget // 5)))
    cursor = {a: start + timedelta(days=rng.randrange(0, 365)) for a in members}
    inside = dict.fromkeys(members, False)
    while len(events) < budget:
        actor = rng.choice(members)
        day = cursor[actor] = cursor[actor] + timedelta(days=rng.randrange(5, 200))
        ev = {"coalition": cid, "actor": actor, "date": day.isoformat()}
        if not inside[actor]:
            ev.update(type="join", troops=rng.randrange(10, 5000))
        elif rng.random() < 0.7:
            ev.update(type="commit_troops", troops=rng.randrange(10, 5000))
        else:
            ev.update(type="withdraw")
        inside[actor] = ev["type"] != "withdraw"
        events.append(ev)
    return events


def issue_treaty(rng: random.Random, cid: str, start: date, budget: int,
                 actors: list[str]) -> list[dict]:
    """Signatures and ratifications (or accessions), withdrawals, and accessions again after them,
    in rounds over the states so that every state deposits before any withdraws.

    A withdrawal is notified only once the state is surely a party, so that it takes effect as a
    withdrawal, `WITHDRAWAL_MONTHS` after its notification (a state that withdraws its instrument
    before the treaty is in force for it goes back to being a signatory: no reference models that).
    First deposits fall within 1,300 days of the start, so with 20 of them (the threshold) the
    treaty is in force 1,484 days after the start at the latest; the treaty is in force for a later
    state at most 184 days after its deposit. Hence withdrawals after day 1,600 and 400 days after
    the deposit."""
    members = rng.sample(actors, min(len(actors), max(25, budget // 4)))
    steps = {a: treaty_steps(rng, cid, a, start) for a in members}
    events = [{"type": "start", "coalition": cid, "date": start.isoformat()}]
    while len(events) < budget:
        for actor in members:
            if len(events) == budget:
                break
            events.append(next(steps[actor]))
    return events


def treaty_steps(rng: random.Random, cid: str, actor: str, start: date):
    def ev(kind: str, day: date, **more) -> dict:
        return {"type": kind, "coalition": cid, "actor": actor, "date": day.isoformat(), **more}
    day = start + timedelta(days=rng.randrange(0, 900))
    if rng.random() < 0.8:
        yield ev("sign_treaty", day)
        day += timedelta(days=rng.randrange(30, 400))
        yield ev("ratify", day, mode="ratification")
    else:
        yield ev("ratify", day, mode="accession")
    while True:
        day = max(day + timedelta(days=rng.randrange(400, 1500)),
                  start + timedelta(days=1600 + rng.randrange(0, 200)))
        yield ev("withdraw_treaty", day)
        day = add_months(day, WITHDRAWAL_MONTHS) + timedelta(days=rng.randrange(30, 600))
        yield ev("ratify", day, mode="accession")


def add_months(day: date, months: int) -> date:
    """ledger.dates.add_months (the ledger's treaty arithmetic: the day clamped to the month's end),
    copied so that this module, and the reference's child process, do not import the ledger."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


GENERATORS = {"own": generate_own, "issue": generate_issue}
