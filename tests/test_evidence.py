"""Evidence rules (README, Temporal rules 7, 9 and 12-14): which source wins, where every figure
comes from and how old it is, what happened inside a period, and why a state is what it is."""
import pytest

from ledger.errors import InputError
from ledger.files import Record


def _declare(ledger, *sources):
    ledger.import_records([Record("source", s, "<t>", n) for n, s in enumerate(sources, 1)])


def members(answer):
    return {m.actor: m for m in answer.members}


@pytest.fixture
def rated(ledger):
    """A weak source published late and a depositary source published early: the weak one would
    win on publication alone."""
    _declare(ledger,
             {"id": "forum", "title": "A forum post", "published": "2010-01-01", "tier": "weak"},
             {"id": "untc", "title": "Status of treaty", "published": "2002-01-01",
              "tier": "depositary"},
             {"id": "mod", "title": "Ministry of Defence", "published": "2004-01-01",
              "tier": "official"},
             {"id": "paper", "title": "A newspaper", "published": "2005-01-01", "tier": "press"})
    return ledger


def test_the_depositary_wins_a_ratification_date_over_a_weak_source(rated):
    rated.append("sign_treaty", "statute-2000", "2000-02-01", actor="aaa", source="untc")
    rated.append("ratify", "statute-2000", "2000-03-01", actor="aaa", mode="ratification", source="untc")
    rated.append("ratify", "statute-2000", "2000-03-01", actor="bbb", mode="accession", source="untc")
    # the forum gives another day for aaa's one ratification (no withdrawal between the two)
    rated.append("ratify", "statute-2000", "2000-09-15", actor="aaa", mode="ratification", source="forum")
    m = members(rated.asof("2000-04-15", "statute-2000"))["aaa"]
    assert m.status == "ratified" and m.since == "2000-03-01"
    [alt] = m.disputed
    assert alt["field"] == "date" and alt["value"] == "2000-09-15"
    assert alt["sources"] == ["forum"] and alt["tiers"] == ["weak"] and alt["lost_by"] == "tier"
    # the losing date does not count as a second deposit for entry into force (threshold 2)
    assert rated.asof("2000-04-15", "statute-2000").counts["ratified"] == 2


def test_the_depositary_wins_a_troop_figure_and_the_weak_one_is_shown_disputed(rated):
    rated.append("join", "test", "2003-03-20", actor="gbr", troops=1000, source="mod")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=8700, source="mod")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=46000, source="forum")
    m = members(rated.asof("2004-07-01", "test"))["gbr"]
    assert m.troops == 8700
    assert m.disputed[0]["value"]["troops"] == 46000 and m.disputed[0]["lost_by"] == "tier"


def test_equal_tiers_go_to_the_latest_published_then_the_latest_recorded(rated):
    _declare(rated, {"id": "paper2", "title": "Another paper", "published": "2006-01-01",
                     "tier": "press"},
             {"id": "paper3", "title": "A third paper", "published": "2006-01-01", "tier": "press"})
    rated.append("join", "test", "2003-03-20", actor="gbr", source="paper")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=100, source="paper2")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=200, source="paper")
    m = members(rated.asof("2004-07-01", "test"))["gbr"]
    assert m.troops == 100 and m.disputed[0]["lost_by"] == "publication"
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=300, source="paper3")
    m = members(rated.asof("2004-07-01", "test"))["gbr"]
    assert m.troops == 300 and {d["lost_by"] for d in m.disputed} == {"recording", "publication"}


def test_an_unrated_source_ranks_just_above_weak(rated):
    rated.append("join", "test", "2003-03-20", actor="gbr", source="paper")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=5, source="forum")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=7, source="s3")
    assert members(rated.asof("2004-07-01", "test"))["gbr"].troops == 7     # s3: unrated, 2004


def test_a_new_rating_changes_the_winner_at_once(rated):
    rated.append("join", "test", "2003-03-20", actor="gbr", source="paper")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=5, source="forum")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=7, source="paper")
    assert members(rated.asof("2004-07-01", "test"))["gbr"].troops == 7
    rated.import_records([Record("rating", {"source": "forum", "tier": "depositary"}, "<t>", 1)])
    assert members(rated.asof("2004-07-01", "test"))["gbr"].troops == 5
    # as known before the re-rating, the old tiers decide
    first = rated.log("test")[0].recorded_at
    assert members(rated.asof("2004-07-01", "test", known_at="2999-01-01"))["gbr"].troops == 5


def test_min_tier_answers_from_strong_enough_citations_only(rated):
    rated.append("join", "test", "2003-03-20", actor="gbr", troops=100,
                 sources=[{"source": "mod", "locator": "p. 1"}, {"source": "forum", "locator": "x"}])
    rated.append("join", "test", "2003-03-20", actor="pol", troops=50, source="forum")
    full = rated.asof("2004-01-01", "test")
    assert set(members(full)) == {"gbr", "pol"}
    strong = rated.asof("2004-01-01", "test", min_tier="press")
    assert set(members(strong)) == {"gbr"} and strong.to_dict()["min_tier"] == "press"
    assert [s["id"] for s in members(strong)["gbr"].sources] == ["mod"]
    assert [c.actor for c in rated.diff("2003-01-01", "2004-01-01", "test", min_tier="official").joined] == ["gbr"]
    assert rated.growth("test", min_tier="official")[-1].count == 1
    assert all(r.actor == "gbr" for r in rated.replay("test", min_tier="official"))
    with pytest.raises(InputError, match="not a tier"):
        rated.asof("2004-01-01", "test", min_tier="gold")


def test_every_figure_carries_its_provenance_and_age(rated):
    rated.append("join", "test", "2003-03", actor="gbr", troops=46000, source="mod")
    rated.append("join", "test", "2003-04-01", actor="pol", source="paper")
    answer = rated.asof("2003-11-13", "test")
    gbr = members(answer)["gbr"]
    assert gbr.troops_as_of == "2003-03" and gbr.stale is True
    assert [s["id"] for s in gbr.troops_sources] == ["mod"] and gbr.troops_sources[0]["tier"] == "official"
    assert gbr.status_event["type"] == "join" and gbr.since == "2003-03"
    assert answer.troops_known == 1 and answer.troops_stale == 1
    assert answer.totals() == ("2 members, 46,000 troops from 1 of 2 members; "
                               "1 figure older than 6 months")
    doc = answer.to_dict()
    assert doc["troops_known"] == 1 and doc["troops_stale"] == 1 and doc["stale_after"] == "6 months"
    gbr_doc = next(m for m in doc["members"] if m["actor"] == "gbr")
    assert gbr_doc["troops_as_of"] == "2003-03" and gbr_doc["stale"] is True
    assert gbr_doc["status_sources"][0]["id"] == "mod" and gbr_doc["troops_sources"][0]["tier"] == "official"
    # a figure dated to a month is stale only once even its last day is past the horizon
    assert not members(rated.asof("2003-09-30", "test"))["gbr"].stale
    assert members(rated.asof("2003-10-01", "test"))["gbr"].stale
    assert not members(rated.asof("2003-11-13", "test", stale_after="1y"))["gbr"].stale
    rated.append("commit_troops", "test", "2003-09-01", actor="gbr", troops=11000, source="paper")
    gbr = members(rated.asof("2003-11-13", "test"))["gbr"]
    assert (gbr.troops, gbr.troops_as_of, gbr.stale) == (11000, "2003-09-01", False)
    assert gbr.status_event["type"] == "join"      # the status still rests on the join


def test_a_member_whose_figure_alone_is_uncertain_is_a_certain_member(rated):
    rated.append("join", "test", "1991-01-17", actor="usa", troops=500000, source="mod")
    rated.append("commit_troops", "test", "1991-02", actor="usa", troops=540000, source="mod")
    answer = rated.asof("1991-02-27", "test")
    usa = members(answer)["usa"]
    assert not usa.uncertain and usa.troops_uncertain
    assert usa.troops == 500000 and usa.possibly == {"status": "member", "troops": 540000}
    assert answer.count == 1 and answer.uncertain == 0 and answer.troops_total == 500000


def test_an_announcement_is_shown_when_it_was_made_with_its_target(rated):
    rated.append("join", "test", "2003-08-01", actor="hun" if False else "aaa", source="paper")
    rated.append("announce_withdrawal", "test", "2004-11-03", actor="aaa", effective="2005-03-31",
                 source="paper")
    rated.append("withdraw", "test", "2004-12-31", actor="aaa", source="paper")
    [row] = [r for r in rated.replay("test") if r.type == "announce_withdrawal"]
    assert row.date == "2004-11-03" and "announced; to leave by 2005-03-31" in row.detail


def test_diff_sees_inside_the_period(rated):
    rated.append("join", "test", "2004-07", actor="aaa", troops=45, source="paper")
    rated.append("withdraw", "test", "2004-12-17", actor="aaa", source="paper")
    rated.append("join", "test", "2003-08-01", actor="bbb", troops=32, source="paper")
    rated.append("withdraw", "test", "2004-04-05", actor="bbb", source="paper")
    rated.append("join", "test", "2004-11", actor="bbb", troops=180, source="paper")
    rated.append("join", "test", "2003-08-01", actor="ccc", troops=10, source="paper")
    rated.append("commit_troops", "test", "2004-06-01", actor="ccc", troops=20, source="paper")
    d = rated.diff("2004-01-01", "2005-01-01", "test")
    assert [c.actor for c in d.joined + d.left] == []
    assert [c.actor for c in d.changed] == ["bbb", "ccc"]
    within = {w.actor: w.runs for w in d.within}
    assert set(within) == {"aaa", "bbb"}       # ccc changed once: its ends show it all
    assert [(r["since"], r["to"], r["troops"]) for r in within["aaa"]] == [("2004-07", "2004-12-17", 45)]
    assert [(r["from"], r["to"], r["troops"]) for r in within["bbb"]] == [
        ("2004-01-01", "2004-04-05", 32), ("2004-11-01", None, 180)]
    # the replayed answer agrees with the one from the projection
    replayed = rated.diff("2004-01-01", "2005-01-01", "test", known_at="2999-01-01").to_dict()
    assert replayed | {"known_at": None} == d.to_dict()


def test_replay_of_one_actor(rated):
    rated.append("join", "test", "2004-07", actor="aaa", source="paper")
    rated.append("join", "test", "2004-08", actor="bbb", source="paper")
    assert {r.actor for r in rated.replay("test", actor="aaa")} == {"aaa"}


def test_withdrawn_is_told_apart_from_never_in(rated):
    rated.append("join", "test", "2003-08-01", actor="aaa", source="paper")
    rated.append("withdraw", "test", "2004-04-05", actor="aaa", source="paper")
    rated.append("join", "test", "2003-08-01", actor="bbb", source="paper")
    answer = rated.asof("2005-01-01", "test")
    assert [(f.actor, f.status, f.since) for f in answer.former] == [("aaa", "left", "2004-04-05")]
    assert answer.to_dict()["former"][0]["actor"] == "aaa"


def test_an_instrument_withdrawn_before_it_took_effect_is_no_withdrawal(rated):
    for actor in ("aaa", "bbb"):
        rated.append("ratify", "statute-2000", "2000-03-01", actor=actor, mode="accession", source="untc")
    # ccc accedes, and withdraws its instrument before the treaty enters into force for it
    rated.append("ratify", "statute-2000", "2003-03-04", actor="ccc", mode="accession", effective="2003-06-01",
                 source="untc")
    rated.append("withdraw_treaty", "statute-2000", "2003-04-29", actor="ccc", effective="2003-04-29",
                 source="untc")
    answer = rated.asof("2004-01-01", "statute-2000")
    assert "ccc" not in members(answer) and answer.counts["withdrawn"] == 0
    assert answer.counts["parties"] == 2 and answer.former == ()
    assert not [p for p in rated.check() if "ccc" in p.message.lower() and p.level == "problem"]


def test_known_at_before_anything_was_recorded_says_so(rated):
    rated.append("join", "test", "2003-08-01", actor="aaa", source="paper")
    answer = rated.asof("2004-01-01", "test", known_at="2001-01-01")
    assert answer.members == () and "nothing had been recorded by 2001-01-01" in answer.note
    assert "--published-by" in answer.note and "note" in answer.to_dict()
    assert rated.asof("2004-01-01", "test", known_at="2999-01-01").note is None


def test_blame_names_the_winner_of_each_field_and_the_rule(rated):
    rated.append("join", "test", "2003", actor="gbr", source="paper")
    rated.append("join", "test", "2003-03-20", actor="gbr", troops=46000, source="mod", id="gbr-in")
    rated.append("commit_troops", "test", "2003-09-01", actor="gbr", troops=11000, source="paper")
    rated.append("commit_troops", "test", "2003-09-01", actor="gbr", troops=40000, source="forum")
    rated.append("commit_troops", "test", "2004-01-01", actor="gbr", troops=9000, source="paper",
                 id="jan")
    rated.append("retract", "test", "2005-01-01", ref="jan", source="mod")
    blame = rated.blame("2003-11-13", "test", "gbr")
    doc = blame.to_dict()
    assert set(doc) == {"coalition", "actor", "date", "fields", "events"}
    assert doc["fields"]["status"]["value"] == "member" and doc["fields"]["since"]["value"] == "2003-03-20"
    assert doc["fields"]["since"]["rule"] == "refinement"
    assert doc["fields"]["troops"] == {"value": 11000, "rule": "tier",
                                       "event": doc["fields"]["troops"]["event"]}
    standing = {(e["type"], e["date"], e["payload"].get("troops")): e["standing"] for e in doc["events"]}
    assert standing[("join", "2003", None)].startswith("refined by #")
    assert standing[("commit_troops", "2003-09-01", 40000)].endswith("by tier")
    assert standing[("commit_troops", "2004-01-01", 9000)].startswith("retracted by #")
    assert standing[("commit_troops", "2003-09-01", 11000)] == "in effect"
    tiers = {s["id"]: s["tier"] for e in doc["events"] for s in e["sources"]}
    assert tiers["forum"] == "weak" and tiers["mod"] == "official"
    # events in effect order
    dates = [e["date"] for e in doc["events"] if e["type"] != "retract"]
    assert dates == ["2003", "2003-03-20", "2003-09-01", "2003-09-01", "2004-01-01"]


def _kinds(ledger, level=None):
    # the test world declares sources no event here cites: leave those out
    return [(p.kind, p.level) for p in ledger.check()
            if (level is None or p.level == level) and p.kind != "uncited-source"]


def test_check_reconciles_count_claims_with_the_computed_counts(rated):
    rated.append("join", "test", "2003-03-20", actor="gbr", source="paper")
    rated.append("join", "test", "2003-03-20", actor="pol", source="paper")
    rated.append("count_claim", "test", "2003-04-01", count=2, source="paper")
    assert ("count-claim-mismatch", "problem") not in _kinds(rated)
    rated.append("count_claim", "test", "2003-04-02", count=3, source="mod", id="three")
    [p] = [p for p in rated.check() if p.kind == "count-claim-mismatch"]
    assert p.level == "problem" and "count claim of 3" in p.message and "members 2" in p.message
    assert "mod" in p.message and p.to_dict()["kind"] == "count-claim-mismatch"
    # a correction with a note that explains it makes it a note
    rated.append("correct", "test", "2003-04-02", ref="three", set={"label": "counts the US twice"},
                 source="mod", note="The source counts the lead nation twice.")
    assert _kinds(rated, "problem") == []
    # a year-dated claim agrees with any count on some day of that year
    rated.append("count_claim", "test", "2003", count=1, source="paper")
    assert ("count-claim-mismatch", "problem") in _kinds(rated)
    rated.append("withdraw", "test", "2003-06-01", actor="pol", source="paper")
    assert _kinds(rated, "problem") == []


def test_check_compares_a_treaty_claim_with_its_measure(rated):
    for actor in ("aaa", "bbb", "ccc"):
        rated.append("sign_treaty", "statute-2000", "2000-02-01", actor=actor, source="untc")
    rated.append("ratify", "statute-2000", "2000-03-01", actor="aaa", mode="ratification", source="untc")
    rated.append("count_claim", "statute-2000", "2000-03-02", count=3, source="untc")   # signed
    assert _kinds(rated, "problem") == []
    rated.append("count_claim", "statute-2000", "2000-03-03", count=3, measure="ratified",
                 source="untc")
    [p] = [p for p in rated.check() if p.kind == "count-claim-mismatch"]
    assert "(ratified)" in p.message and "ratified 1" in p.message


def test_check_reports_contradictory_dates_and_weak_evidence_and_the_signature_window(rated):
    rated.append("join", "test", "2003-03-20", actor="gbr", source="paper")
    rated.append("join", "test", "2003-04-20", actor="gbr", source="paper")
    kinds = _kinds(rated)
    assert ("contradictory-dates", "problem") in kinds
    rated.append("join", "test", "2003-05-01", actor="pol", source="forum")
    assert ("weak-evidence", "note") in _kinds(rated)
    rated.append("sign_treaty", "statute-2000", "1999-05-01", actor="aaa", source="untc")
    assert ("signature-window", "problem") in _kinds(rated)


def test_a_correction_citing_the_target_s_own_source_adds_it_once(rated):
    rated.append("join", "test", "2003-03-20", actor="gbr", troops=100, source="paper", id="in")
    rated.append("correct", "test", "2003-04-01", ref="in", set={"troops": 120}, source="paper")
    m = members(rated.asof("2003-05-01", "test"))["gbr"]
    assert m.troops == 120 and [s["id"] for s in m.sources] == ["paper"]


def test_nothing_takes_effect_before_the_coalition_starts(rated):
    # test-2003 starts on 2003-03-20: a join known only as "2003" cannot be before that day
    rated.append("join", "test", "2003", actor="gbr", source="paper")
    assert rated.asof("2003-02-01", "test").members == ()
    assert rated.asof("2003-02-01", "test").uncertain == 0
    assert members(rated.asof("2003-04-01", "test"))["gbr"].uncertain
    assert members(rated.asof("2003-04-01", "test"))["gbr"].since == "2003"


def test_members_of_an_ended_coalition_are_told_apart_from_those_who_left(rated):
    rated.append("join", "test", "2003-04-01", actor="gbr", source="paper")
    rated.append("join", "test", "2003-04-01", actor="pol", source="paper")
    rated.append("withdraw", "test", "2004-04-01", actor="pol", source="paper")
    rated.append("end", "test", "2005-01-01", source="paper")
    former = {f.actor: f.status for f in rated.asof("2005-06-01", "test").former}
    assert former == {"gbr": "ended", "pol": "left"}


def test_an_answer_names_an_event_by_its_own_date_and_the_day_it_took_effect(rated):
    rated.append("ratify", "statute-2000", "2000-03-01", actor="aaa", mode="accession", source="untc")
    rated.append("ratify", "statute-2000", "2000-03-01", actor="bbb", mode="accession", source="untc")
    m = members(rated.asof("2000-06-01", "statute-2000"))["aaa"]
    assert m.status == "party" and m.status_event["date"] == "2000-03-01"
    assert m.status_event["effective"] == m.since == "2000-05-01"


def test_replay_of_a_consent_withdrawn_before_it_took_effect(rated):
    for actor in ("aaa", "bbb"):
        rated.append("ratify", "statute-2000", "2000-03-01", actor=actor, mode="accession", source="untc")
    rated.append("ratify", "statute-2000", "2003-03-04", actor="ccc", mode="accession",
                 effective="2003-06-01", source="untc")
    rated.append("withdraw_treaty", "statute-2000", "2003-04-29", actor="ccc", effective="2003-04-29",
                 source="untc")
    rows = [(r.effect, r.detail) for r in rated.replay("statute-2000", actor="ccc")]
    assert ("party", "in force for it") not in rows
    assert any(e == "withdrawn" and "never a party" in d for e, d in rows)


def test_diff_sees_a_member_become_certain_and_says_why_an_early_answer_is_empty(rated):
    rated.append("join", "test", "2003-04", actor="gbr", source="paper")
    d = rated.diff("2003-04-10", "2003-05-10", "test")
    [c] = d.changed
    assert c.actor == "gbr" and c.before["uncertain"] and not c.after["uncertain"]
    early = rated.diff("2003-04-10", "2003-05-10", "test", known_at="2001-01-01")
    assert early.known_at.startswith("2001-01-01") and "nothing had been recorded" in early.note
    assert "nothing had been recorded" in rated.blame("2003-05-10", "test", "gbr",
                                                      known_at="2001-01-01").note


def test_blame_names_what_took_a_state_away(rated):
    rated.append("join", "test", "2003-04-01", actor="gbr", source="forum", id="weak-join")
    rated.append("retract", "test", "2005-01-01", ref="weak-join", source="mod")
    assert rated.blame("2004-01-01", "test", "gbr").fields["status"] == {
        "value": "none", "event": None, "rule": "retraction"}
    # a sign that stands, and a later deposit that was retracted: the retraction decided
    rated.append("sign_treaty", "statute-2000", "2000-02-01", actor="aaa", source="untc")
    rated.append("ratify", "statute-2000", "2000-03-01", actor="aaa", mode="ratification",
                 source="forum", id="weak-deposit")
    rated.append("retract", "statute-2000", "2005-01-01", ref="weak-deposit", source="untc")
    status = rated.blame("2000-06-01", "statute-2000", "aaa").fields["status"]
    assert status["value"] == "signatory" and status["rule"] == "retraction"
    # a figure that only may have changed by the day is not decided by a retraction
    rated.append("join", "test", "2003-04-01", actor="pol", troops=100, source="mod")
    rated.append("commit_troops", "test", "2003-05", actor="pol", troops=200, source="mod", id="may")
    rated.append("retract", "test", "2005-01-01", ref="may", source="mod")
    assert rated.blame("2003-05-15", "test", "pol").fields["troops"]["rule"] == "order"


def test_wording_of_runs_disputed_figures_and_horizons(rated):
    from ledger.dates import horizon_text, parse_horizon
    from ledger.results import disputed_text
    rated.append("join", "test", "2004-07", actor="aaa", troops=45, source="paper")
    rated.append("withdraw", "test", "2004-12", actor="aaa", source="paper")
    rated.append("join", "test", "2003-04-01", actor="bbb", source="paper")
    d = rated.diff("2004-01-01", "2005-01-31", "test")
    assert [w.text() for w in d.within] == ["member 2004-07 → 2004-12 (45)"]
    assert horizon_text(parse_horizon("0d")) == "0 days" and horizon_text((6, 0)) == "6 months"
    assert disputed_text({"field": "commit_troops", "value": {"troops": 2300, "approx": True},
                          "sources": ["x"], "tiers": ["press"], "lost_by": "tier"}) == \
        "troops about 2,300 per x (press), lost by tier"


def test_a_report_shows_disputed_claims_and_what_may_be_so(rated, tmp_path):
    from ledger.report import build, to_markdown
    rated.append("join", "test", "2003-03-20", actor="gbr", troops=1000, source="mod")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=8700, source="mod")
    rated.append("commit_troops", "test", "2004-06-01", actor="gbr", troops=46000, source="forum")
    md = to_markdown(build(rated, "test", at=["2004-07-01"]))
    assert "troops 46,000 per forum (weak), lost by tier" in md
