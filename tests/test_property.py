"""The projection must answer exactly as a plain replay of the log does, for any stream of events:
out of order, duplicated, corrected, retracted, with imprecise dates."""
import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.files import Record

ACTORS = ["aaa", "bbb", "ccc", "ddd"]
MILITARY = ["join", "join", "commit_troops", "commit_troops", "withdraw", "announce_withdrawal"]
TREATY = ["sign_treaty", "ratify", "ratify", "withdraw_treaty", "unsign"]
_counter = itertools.count()

days = st.integers(min_value=0, max_value=3 * 365).map(lambda n: date(2000, 1, 1) + timedelta(days=n))


@st.composite
def fuzzy(draw):
    day = draw(days)
    precision = draw(st.sampled_from(["day", "day", "day", "month", "year"]))
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[precision]


@st.composite
def streams(draw, kinds):
    n = draw(st.integers(min_value=1, max_value=25))
    events = []
    for i in range(n):
        etype = draw(st.sampled_from(kinds))
        ev = {"type": etype, "actor": draw(st.sampled_from(ACTORS)), "date": draw(fuzzy()),
              "source": draw(st.sampled_from(["s1", "s2", "s3"])), "id": f"k{i}"}
        if etype in ("join", "commit_troops") and (etype == "commit_troops" or draw(st.booleans())):
            ev["troops"] = draw(st.integers(min_value=0, max_value=5000))
        if etype == "ratify":
            ev["mode"] = draw(st.sampled_from(["ratification", "accession", "succession"]))
        if etype in ("withdraw", "withdraw_treaty", "ratify") and draw(st.integers(0, 3)) == 0:
            ev["effective"] = (date.fromisoformat(draw(days).isoformat())).isoformat()
            if ev["effective"] < ev["date"] and not (etype == "ratify" and ev.get("mode") == "succession"):
                ev["effective"] = None
        events.append(ev)
    extra = []
    # A correction can only name an event that is stored: one identical to another but for its id
    # is a duplicate (whichever comes first is kept), so only events unlike all others are named.
    content = [tuple(sorted((k, v) for k, v in e.items() if k != "id")) for e in events]
    keyed = [e["id"] for e, c in zip(events, content) if content.count(c) == 1]
    for j in range(draw(st.integers(min_value=0, max_value=4)) if keyed else 0):
        target = draw(st.sampled_from(keyed))
        if draw(st.booleans()):
            extra.append({"type": "retract", "ref": target, "date": "2011-01-01", "source": "s2",
                          "id": f"r{j}"})
        else:
            extra.append({"type": "correct", "ref": target, "date": "2011-01-01", "source": "s3",
                          "set": {"date": draw(fuzzy())}, "id": f"c{j}"})
    if draw(st.booleans()):
        extra.append({"type": "end", "date": draw(fuzzy()), "source": "s1", "id": "end"})
    dupes = [dict(e) for e in draw(st.lists(st.sampled_from(events), max_size=3))]
    for d in dupes:
        d.pop("id")
    return draw(st.permutations(events)), extra, dupes, draw(tiers)


TIERS = ["depositary", "official", "scholarly", "press", "reference", "weak", None]
# each stream's own three sources: tiers drawn (None: unrated), publication dates as in the test
# world, so that tier, publication and recording each decide some disputes
tiers = st.fixed_dictionaries({s: st.sampled_from(TIERS) for s in ("s1", "s2", "s3")})
PUBLISHED = {"s1": "2005-01-01", "s2": "2006-01-01", "s3": "2004"}


def load(ledger, kind, stream):
    cid = f"p{next(_counter)}"
    treaty = ({"entry_into_force": {"threshold": 2, "days": 60, "months": 1, "first_of_month": True},
               "withdrawal": {"months": 6}} if kind == "treaty" else None)
    events, extra, dupes, rated = stream
    ledger.import_records([Record("coalition", {"id": cid, "name": cid, "kind": kind,
                                                **({"treaty": treaty} if treaty else {})}, "<p>", 1)]
                          + [Record("source", {"id": f"{cid}-{s}", "title": s, "published": PUBLISHED[s],
                                               **({"tier": t} if t else {})}, "<p>", 1)
                             for s, t in rated.items()])
    load_into(ledger, cid, list(events) + extra + dupes)
    return cid


def load_into(ledger, cid, events):
    """Append events to coalition `cid` in one transaction."""
    records = []
    for i, ev in enumerate(events):
        data = {k: v for k, v in ev.items() if v is not None}
        data["coalition"] = cid
        if "id" in data:
            data["id"] = f"{cid}-{data['id']}"
        if "ref" in data:
            data["ref"] = f"{cid}-{data['ref']}"
        data["source"] = f"{cid}-{data['source']}"
        if data["type"] in ("end",):
            data.pop("actor", None)
        records.append(Record("event", data, "<p>", i + 2))
    if records:
        ledger.import_records(records)


def probe_days(stream):
    events, extra, _, _ = stream
    out = {date(1999, 12, 31), date(2012, 1, 1)}
    for ev in list(events) + extra:
        for key in ("date", "effective"):
            if ev.get(key):
                text = ev[key]
                lo = date.fromisoformat(text + "-01-01"[len(text) - 4:] if len(text) < 10 else text)
                out.update({lo, lo - timedelta(days=1), lo + timedelta(days=31), lo + timedelta(days=366)})
    out = sorted(out)
    return out[::max(1, len(out) // 20)]


def replayed(ledger, cid, day):
    # known_at in the far future makes the API answer by replaying the log, not from spells
    return ledger.asof(day, cid, known_at="2999-01-01")


def assert_same(ledger, cid, stream):
    days_ = probe_days(stream)
    for day in days_:
        fast, plain = ledger.asof(day, cid), replayed(ledger, cid, day)
        assert fast.to_dict() | {"known_at": None} == plain.to_dict() | {"known_at": None}, day
        # every source of these streams is dated: heard by the year 9999, all of them are heard
        heard = ledger.asof(day, cid, published_by="9999").to_dict()
        assert heard.pop("published_by") == "9999-12-31" and heard == fast.to_dict(), day
    for a, b in zip(days_, days_[1:]):
        fast = ledger.diff(a, b, cid).to_dict()
        plain = ledger.diff(a, b, cid, known_at="2999-01-01").to_dict() | {"known_at": None}
        assert fast == plain, (a, b)


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(stream=streams(MILITARY))
def test_military_projection_equals_replay(sqlite_ledger, stream):
    assert_same(sqlite_ledger, load(sqlite_ledger, "military", stream), stream)


@SETTINGS
@given(stream=streams(TREATY))
def test_treaty_projection_equals_replay(sqlite_ledger, stream):
    assert_same(sqlite_ledger, load(sqlite_ledger, "treaty", stream), stream)


@SETTINGS
@given(stream=streams(MILITARY), source=st.sampled_from(["s1", "s2", "s3"]),
       tier=st.sampled_from(TIERS[:-1]))
def test_a_new_rating_keeps_the_projection_equal_to_the_replay(sqlite_ledger, stream, source, tier):
    cid = load(sqlite_ledger, "military", stream)
    sqlite_ledger.import_records([Record("rating", {"source": f"{cid}-{source}", "tier": tier},
                                         "<p>", 1)])
    assert_same(sqlite_ledger, cid, stream)


def test_rebuild_gives_the_same_spells(sqlite_ledger):
    from conftest import data
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    before = sqlite_ledger.asof("2004-01-01", "test").to_dict()
    sqlite_ledger.rebuild()
    assert sqlite_ledger.asof("2004-01-01", "test").to_dict() == before


def spells_of(ledger, cid):
    from ledger import projection, store
    with store.reading(ledger.engine) as conn:
        return projection.coalition_spells(conn, cid)      # sorted by actor and start


@SETTINGS
@given(stream=streams(MILITARY), cut=st.integers(min_value=0, max_value=25))
def test_appending_one_event_at_a_time_keeps_the_projection_of_a_full_rebuild(sqlite_ledger, stream, cut):
    # Each append rebuilds only the spells of the actors it names (the coalition-level events, here
    # corrections, retractions and ends, rebuild the coalition): the result must be what a rebuild
    # of everything from the log gives, whatever the order of arrival.
    events, extra, dupes, rated = stream
    events = list(events)
    arrival = events[:cut] + extra[:1] + events[cut:] + extra[1:] + dupes
    cid = load(sqlite_ledger, "military", ([], [], [], rated))
    for i, ev in enumerate(arrival):
        if ev.get("ref") and not any(e.get("id") == ev["ref"] for e in arrival[:i]):
            continue        # a correction arriving before its target is refused; not this test
        load_into(sqlite_ledger, cid, [ev])
    incremental = spells_of(sqlite_ledger, cid)
    sqlite_ledger.rebuild()
    assert incremental == spells_of(sqlite_ledger, cid)
