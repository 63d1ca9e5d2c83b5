"""The temporal rules of the README, one test (or a few) each."""
import pytest
from freezegun import freeze_time

from conftest import data
from ledger.files import Record


def members(asof):
    return {m.actor: m for m in asof.members}


def test_member_from_join_day_until_the_day_before_withdrawal(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    assert "pol" in members(ledger.asof("2008-10-27", "test"))
    assert "pol" not in members(ledger.asof("2008-10-28", "test"))
    assert "pol" in members(ledger.asof("2003-03-20", "test"))
    assert "pol" not in members(ledger.asof("2003-03-19", "test"))


def test_asof_reports_troops_since_sources_and_totals(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    result = ledger.asof("2004-01-01", "test")
    m = members(result)
    assert m["pol"].troops == 2500 and m["pol"].since == "2003-03-20"
    assert [s["id"] for s in m["pol"].sources] == ["s1"]
    assert result.count == 3 and result.troops_total == 150000 + 1300 + 2500
    later = ledger.asof("2004-12-31", "test")
    assert set(members(later)) == {"usa", "pol"} and later.troops_total == 152500


def test_alias_resolves_coalition_and_actor(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    assert ledger.asof("2004-01-01", "test").coalition == "test-2003"
    assert ledger.history("Kingdom of Spain")[0].actor == "esp"


def test_effective_date_decides_when_a_withdrawal_counts(ledger):
    ledger.append("join", "test", "2003-05-01", actor="gbr", source="s1")
    ledger.append("withdraw", "test", "2009-04-30", actor="gbr", effective="2009-07-31", source="s1")
    assert "gbr" in members(ledger.asof("2009-07-30", "test"))
    assert "gbr" not in members(ledger.asof("2009-07-31", "test"))


def test_imprecise_date_gives_uncertain_answer_not_a_guess(ledger):
    ledger.append("join", "test", "2003-04-01", actor="esp", troops=1300, source="s1")
    ledger.append("withdraw", "test", "2004-05", actor="esp", source="s1")
    mid = members(ledger.asof("2004-05-15", "test"))["esp"]
    assert mid.uncertain and mid.possibly == {"status": "left", "troops": None}
    assert "esp" not in members(ledger.asof("2004-05-31", "test"))
    before = members(ledger.asof("2004-04-30", "test"))["esp"]
    assert not before.uncertain
    result = ledger.asof("2004-05-15", "test")
    assert result.count == 0 and result.uncertain == 1


def test_imprecise_join_is_listed_as_uncertain(ledger):
    ledger.append("join", "test", "2003", actor="aaa", source="s1")
    m = members(ledger.asof("2003-06-30", "test"))["aaa"]
    assert m.uncertain and m.status == "member" and m.possibly["status"] == "none"
    assert not members(ledger.asof("2004-01-01", "test"))["aaa"].uncertain


def test_finer_date_refines_a_coarser_one_for_the_same_fact(ledger):
    ledger.append("join", "test", "2003", actor="aaa", source="s1")
    ledger.append("join", "test", "2003-03-20", actor="aaa", source="s2")
    m = members(ledger.asof("2003-06-30", "test"))["aaa"]
    assert not m.uncertain and m.since == "2003-03-20"
    assert {s["id"] for s in m.sources} == {"s1", "s2"}


def test_correction_replaces_fields_and_cites_its_source(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("correct", "test", "2005-06-01", ref="esp-join", set={"troops": 1400, "date": "2003-07"},
                  source="s3")
    m = members(ledger.asof("2003-07-15", "test"))["esp"]
    assert m.troops == 1400 and m.since == "2003-07"
    assert {s["id"] for s in m.sources} >= {"s1", "s3"}


def test_retraction_removes_the_event_from_every_answer(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("retract", "test", "2005-06-01", ref="esp-join", source="s3")
    assert "esp" not in members(ledger.asof("2003-12-31", "test"))


def test_corrections_and_retractions_apply_to_count_claims(ledger):
    # rule 8 holds for a source's count too: a corrected claim shows its new date and label,
    # a retracted one is in no answer, and known-at still shows the claim as it was recorded
    ledger.import_file(data("iraq-sample.yaml"))
    with freeze_time("2005-01-01T12:00:00Z"):
        ledger.append("count_claim", "test", "2004-01", count=30, label="members", source="s1", id="c1")
        ledger.append("count_claim", "test", "2004-02-01", count=99, source="s1", id="c2")
    with freeze_time("2006-01-01T12:00:00Z"):
        ledger.append("correct", "test", "2006-01-01", ref="c1", set={"date": "2004-03", "label": "states"},
                      source="s2")
        ledger.append("retract", "test", "2006-01-01", ref="c2", source="s2")
    claims = ledger.asof("2004-12-31", "test").claims
    assert [(c["count"], c["date"], c["label"], c["sources"]) for c in claims] == [(30, "2004-03", "states", ["s1", "s2"])]
    assert ledger.asof("2004-02-15", "test").claims == ()          # the corrected claim is of March
    then = ledger.asof("2004-12-31", "test", known_at="2005-06-01").claims
    assert [(c["count"], c["date"]) for c in then] == [(30, "2004-01"), (99, "2004-02-01")]


def test_coverage_spans_the_history_not_the_day_of_a_correction(ledger):
    from ledger.coverage import coverage
    ledger.import_file(data("iraq-sample.yaml"))
    cid = ledger.coalition("test").id
    before = {r["coalition"]: r for r in coverage(ledger)}[cid]
    ledger.append("retract", "test", "2026-12-01", ref="esp-join", source="s3")
    after = {r["coalition"]: r for r in coverage(ledger)}[cid]
    assert after["to"] == before["to"] and after["events"] == before["events"] + 1


def test_known_at_answers_what_was_believed_then(ledger):
    with freeze_time("2005-01-01T12:00:00Z"):
        ledger.import_file(data("iraq-sample.yaml"))
    with freeze_time("2006-03-01T12:00:00Z"):
        ledger.append("retract", "test", "2006-03-01", ref="esp-join", source="s3")
    assert "esp" in members(ledger.asof("2003-12-31", "test", known_at="2005-12-31"))
    assert "esp" not in members(ledger.asof("2003-12-31", "test", known_at="2006-03-02"))
    assert "esp" not in members(ledger.asof("2003-12-31", "test"))
    assert ledger.asof("2003-12-31", "test", known_at="2004-01-01").members == ()


def _published_world(ledger):
    # s3 is dated "2004", s1 2005-01-01, s2 2006-01-01; s4 has no publication date
    ledger.declare_source(id="s4", title="Undated source")
    ledger.append("join", "test", "2003-03-20", actor="gbr", source="s3")
    ledger.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=8700, source="s1")
    ledger.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=9000, source="s2")
    ledger.import_records([Record("event", {"type": "join", "coalition": "test", "actor": "pol",
                                            "date": "2003-03-20", "sources": ["s1", "s2"]}, "x", 1)])
    ledger.append("withdraw", "test", "2004-05-01", actor="pol", source="s2")
    ledger.append("join", "test", "2003-03-20", actor="esp", source="s4")
    ledger.append("count_claim", "test", "2004-01-01", count=3, source="s2")


def test_published_by_answers_from_the_sources_out_by_then(ledger):
    _published_world(ledger)
    by_2004 = members(ledger.asof("2004-07-01", "test", published_by="2004"))
    assert set(by_2004) == {"gbr"} and by_2004["gbr"].troops is None
    # "2004" may be any day of 2004: not surely out by the end of June
    assert ledger.asof("2004-07-01", "test", published_by="2004-06").members == ()
    mid_2005 = ledger.asof("2004-07-01", "test", published_by="2005-06-30")
    m = members(mid_2005)
    assert set(m) == {"gbr", "pol"} and m["gbr"].troops == 8700 and m["gbr"].disputed == ()
    assert [s["id"] for s in m["pol"].sources] == ["s1"]     # s2 was not out yet
    assert mid_2005.claims == () and mid_2005.to_dict()["published_by"] == "2005-06-30"
    by_2006 = ledger.asof("2004-07-01", "test", published_by="2006")
    m = members(by_2006)
    assert set(m) == {"gbr"} and m["gbr"].troops == 9000       # pol left on 2004-05-01 (s2)
    assert m["gbr"].disputed[0]["value"]["troops"] == 8700 and len(by_2006.claims) == 1
    everything = ledger.asof("2004-07-01", "test")
    assert set(members(everything)) == {"gbr", "esp"}          # esp rests on the undated s4 alone
    assert "published_by" not in everything.to_dict()


def test_published_by_in_replay(ledger):
    _published_world(ledger)
    heard = [(r.type, r.actor, r.sources) for r in ledger.replay("test", published_by="2005-06-30")]
    assert ("withdraw", "pol", ("s2",)) not in heard and ("join", "esp", ("s4",)) not in heard
    assert ("join", "pol", ("s1",)) in heard and ("commit_troops", "gbr", ("s1",)) in heard
    everything = [(r.type, r.actor) for r in ledger.replay("test")]
    assert ("withdraw", "pol") in everything and ("join", "esp") in everything


def test_published_by_in_growth_agrees_with_asof(ledger):
    _published_world(ledger)
    for by in ("2004", "2005-06-30", "2006"):
        points = ledger.growth("test", "month", "2003-01", "2005-12", published_by=by)
        assert len(points) == 36
        for p in points:    # growth builds spells in memory; asof replays: the two must agree
            heard = ledger.asof(p.date, "test", published_by=by)
            assert (p.count, p.troops_total, p.uncertain) == (heard.count, heard.troops_total,
                                                               heard.uncertain), (by, p.date)
    heard = ledger.growth("test", "year", "2004", "2004", published_by="2005-06-30")
    everything = ledger.growth("test", "year", "2004", "2004")
    assert [(p.count, p.troops_total) for p in heard] == [(2, 8700)]          # gbr (s1) and pol
    assert [(p.count, p.troops_total) for p in everything] == [(2, 9000)]     # gbr (s2) and esp


def test_published_by_in_diff_and_with_known_at(ledger):
    with freeze_time("2007-01-01T12:00:00Z"):
        _published_world(ledger)
    before = ledger.diff("2004-01-01", "2004-07-01", "test", published_by="2005-06-30")
    assert [c.actor for c in before.changed] == ["gbr"] and before.changed[0].after["troops"] == 8700
    assert before.left == () and before.to_dict()["published_by"] == "2005-06-30"
    after = ledger.diff("2004-01-01", "2004-07-01", "test", published_by="2006-12-31")
    assert [c.actor for c in after.left] == ["pol"]
    assert ledger.asof("2004-07-01", "test", known_at="2006-12-31", published_by="2006").members == ()
    both = ledger.asof("2004-07-01", "test", known_at="2007-01-02", published_by="2006")
    assert both.known_at.startswith("2007-01-02") and set(members(both)) == {"gbr"}


def test_disagreeing_sources_latest_published_wins_and_disagreement_is_shown(ledger):
    ledger.append("join", "test", "2003-03-20", actor="gbr", source="s1")
    ledger.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=8700, source="s1")
    summary = ledger.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=9000, source="s2")
    assert summary.conflicting == 1
    m = members(ledger.asof("2004-07-01", "test"))["gbr"]
    assert m.troops == 9000                    # s2 (2006) is published after s1 (2005)
    assert m.disputed[0]["value"]["troops"] == 8700 and m.disputed[0]["sources"] == ["s1"]
    ledger.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=8000, source="s3")
    assert members(ledger.asof("2004-07-01", "test"))["gbr"].troops == 9000   # s3 is from 2004


def test_agreeing_sources_are_pooled(ledger):
    ledger.append("join", "test", "2003-03-20", actor="gbr", troops=100, source="s1")
    summary = ledger.append("join", "test", "2003-03-20", actor="gbr", troops=100, source="s2")
    assert summary.new == 1 and summary.conflicting == 0
    m = members(ledger.asof("2003-04-01", "test"))["gbr"]
    assert [s["id"] for s in m.sources] == ["s1", "s2"] and not m.disputed


def test_withdrawal_before_its_join_is_accepted_and_reported(ledger):
    ledger.append("withdraw", "test", "2004-05-21", actor="esp", source="s1")
    problems = [p for p in ledger.check() if p.level == "problem"]
    assert any("Spain" in p.message and "without being a member" in p.message for p in problems)
    ledger.append("join", "test", "2003-08", actor="esp", source="s1")
    assert not [p for p in ledger.check() if "Spain" in p.message and p.level == "problem"]
    assert "esp" in members(ledger.asof("2004-01-01", "test"))


def test_coalition_end_removes_every_member(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("end", "test", "2011-12-18", source="s2")
    assert members(ledger.asof("2011-12-17", "test"))
    assert not members(ledger.asof("2011-12-18", "test"))


def test_return_after_leaving(ledger):
    ledger.append("join", "test", "2003-04-01", actor="aaa", source="s1")
    ledger.append("withdraw", "test", "2004-01-01", actor="aaa", source="s1")
    ledger.append("join", "test", "2005-01-01", actor="aaa", troops=50, source="s1")
    spells = [s for s in ledger.history("aaa") if s.status == "member"]
    assert [(s.start, s.end) for s in spells] == [("2003-04-01", "2004-01-01"), ("2005-01-01", None)]


def test_diff_names_joined_left_and_changed_with_the_causing_event(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("join", "test", "2004-03-01", actor="gbr", source="s3")
    ledger.append("commit_troops", "test", "2005-01-01", actor="usa", troops=140000, source="s2")
    d = ledger.diff("2004-01-01", "2005-12-31", "test")
    assert [c.actor for c in d.joined] == ["gbr"]
    assert [c.actor for c in d.left] == ["esp"]
    assert d.left[0].event["type"] == "withdraw" and d.left[0].event["date"] == "2004-05-21"
    assert [c.actor for c in d.changed] == ["usa"]
    assert d.changed[0].before["troops"] == 150000 and d.changed[0].after["troops"] == 140000
    assert d.to_dict()["from"] == "2004-01-01"


def test_replay_tells_the_coalition_of_the_leaving(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    rows = ledger.replay("test")
    assert [r.date for r in rows] == sorted(r.date for r in rows)
    counts = [(r.date, r.count) for r in rows]
    assert counts[-1] == ("2008-10-28", 1)
    assert max(c for _, c in counts) == 3
    assert ledger.replay("test", start="2004-01-01", end="2004-12-31")[0].date == "2004-04-18"


def test_query_dates_must_be_whole_days(ledger):
    from ledger import DateError
    with pytest.raises(DateError, match="whole day"):
        ledger.asof("2004-05", "test")


def test_a_peak_figure_is_shown_but_never_taken_as_a_level(ledger):
    ledger.append("join", "test", "2003-03-20", actor="usa", troops=150000, source="s1")
    ledger.append("peak_troops", "test", "2003", actor="usa", troops=250000, approx=True, source="s2")
    assert members(ledger.asof("2004-06-01", "test"))["usa"].troops == 150000
    assert any("peak of about 250,000 troops" in r.detail for r in ledger.replay("test"))
