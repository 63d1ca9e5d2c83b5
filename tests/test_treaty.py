"""Treaty time on small synthetic treaties (tests/data/world.yaml: `pact-2000`, Ottawa-like rules;
`statute-2000`, Rome-like rules)."""
from datetime import date

import pytest

from ledger.dates import shift


def status(ledger, day, coalition="pact"):
    return {m.actor: m.status for m in ledger.asof(day, coalition).members}


@pytest.fixture
def pact(ledger):
    for actor, signed in (("aaa", "2000-01-10"), ("bbb", "2000-01-10"), ("ccc", "2000-02-01"),
                          ("usa", "2000-02-01")):
        ledger.append("sign_treaty", "pact", signed, actor=actor, source="s1")
    ledger.append("ratify", "pact", "2000-03-15", actor="aaa", mode="ratification", source="s1")
    ledger.append("ratify", "pact", "2000-04-30", actor="bbb", mode="acceptance", source="s1")
    # the third deposit, on the last day of a month, brings the treaty into force
    ledger.append("ratify", "pact", "2000-05-31", actor="ccc", mode="ratification", source="s1")
    # a later state, by accession, while the treaty waits to enter into force
    ledger.append("ratify", "pact", "2000-08-10", actor="ddd", mode="accession", source="s1")
    return ledger


def test_rules_compute_the_dates_of_the_articles():
    # Ottawa Art. 17: first day of the sixth month after the month of deposit
    assert shift(date(1998, 9, 16), months=6, first=True) == date(1999, 3, 1)
    # Rome Art. 126: first day of the month after the 60th day following the deposit
    assert shift(date(2002, 4, 11), days=60, months=1, first=True) == date(2002, 7, 1)
    assert shift(date(2000, 3, 1), days=60, months=1, first=True) == date(2000, 5, 1)
    assert shift(date(2000, 3, 2), days=60, months=1, first=True) == date(2000, 6, 1)


def test_signatory_ratified_party(pact):
    assert status(pact, "2000-03-01") == {"aaa": "signatory", "bbb": "signatory",
                                          "ccc": "signatory", "usa": "signatory"}
    assert status(pact, "2000-06-01")["ccc"] == "ratified"
    on_entry = status(pact, "2000-11-01")
    assert on_entry["aaa"] == on_entry["bbb"] == on_entry["ccc"] == "party"
    assert status(pact, "2000-10-31")["ccc"] == "ratified"


def test_later_state_enters_by_its_own_rule(pact):
    assert status(pact, "2001-01-31")["ddd"] == "ratified"
    assert status(pact, "2001-02-01")["ddd"] == "party"
    m = {m.actor: m for m in pact.asof("2001-02-01", "pact").members}["ddd"]
    assert m.since == "2001-02-01" and m.mode == "accession"


def test_counts(pact):
    result = pact.asof("2001-03-01", "pact")
    assert result.counts == {"signed": 4, "ratified": 4, "parties": 4, "withdrawn": 0}
    assert result.count == 4
    early = pact.asof("2000-04-01", "pact")
    assert early.counts == {"signed": 4, "ratified": 1, "parties": 0, "withdrawn": 0}


def test_withdrawal_notified_during_another_states_wait(pact):
    # aaa notifies while ddd waits for its entry into force; it takes effect six months later
    pact.append("withdraw_treaty", "pact", "2000-09-15", actor="aaa", source="s2")
    assert status(pact, "2001-03-14")["aaa"] == "party"
    assert "aaa" not in status(pact, "2001-03-15")
    assert status(pact, "2001-03-15")["ddd"] == "party"
    assert pact.asof("2001-03-15", "pact").counts["withdrawn"] == 1


def test_withdrawal_later_than_the_rule_when_the_notice_says_so(ledger):
    ledger.append("ratify", "statute-2000", "2000-02-10", actor="aaa", mode="accession", source="s1")
    ledger.append("ratify", "statute-2000", "2000-03-01", actor="bbb", mode="accession", source="s1")
    ledger.append("withdraw_treaty", "statute-2000", "2003-01-10", effective="2004-06-01", actor="aaa",
                  source="s1")
    assert status(ledger, "2000-04-30", "statute-2000") == {"aaa": "ratified", "bbb": "ratified"}
    assert status(ledger, "2000-05-01", "statute-2000") == {"aaa": "party", "bbb": "party"}
    assert status(ledger, "2004-05-31", "statute-2000")["aaa"] == "party"   # not 2004-01-10: the notice
    assert "aaa" not in status(ledger, "2004-06-01", "statute-2000")


def test_unsigning(pact):
    pact.append("unsign", "pact", "2002-05-06", actor="usa", source="s2")
    assert status(pact, "2002-05-05")["usa"] == "signatory"
    assert "usa" not in status(pact, "2002-05-06")
    assert pact.asof("2002-05-06", "pact").counts["signed"] == 3


def test_succession_takes_effect_from_the_date_given(pact):
    pact.append("ratify", "pact", "2002-11-11", effective="2002-07-09", actor="gbr",
                mode="succession", source="s2")
    assert "gbr" not in status(pact, "2002-07-08")
    assert status(pact, "2002-07-09")["gbr"] == "party"
    assert status(pact, "2002-11-11")["gbr"] == "party"


def test_recorded_entry_into_force_wins_and_check_notes_the_difference(pact):
    pact.append("entry_into_force", "pact", "2000-12-01", source="s2")
    assert status(pact, "2000-11-15")["aaa"] == "ratified"
    assert status(pact, "2000-12-01")["aaa"] == "party"
    notes = [p.message for p in pact.check() if p.level == "note"]
    assert any("recorded as 2000-12-01" in n and "2000-11-01" in n for n in notes)


def test_signature_after_the_window_is_a_problem(pact):
    pact.append("sign_treaty", "pact", "2001-01-05", actor="gbr", source="s1")
    problems = [p.message for p in pact.check() if p.level == "problem"]
    assert any("United Kingdom signs on 2001-01-05" in m for m in problems)


def test_imprecise_deposit_makes_entry_into_force_uncertain(ledger):
    ledger.append("ratify", "pact", "2000-03-15", actor="aaa", mode="accession", source="s1")
    ledger.append("ratify", "pact", "2000-04-02", actor="bbb", mode="accession", source="s1")
    ledger.append("ratify", "pact", "2000-05", actor="ccc", mode="accession", source="s1")
    # the third deposit in May 2000 gives 2000-11-01 whatever the day
    assert status(ledger, "2000-11-01") == {"aaa": "party", "bbb": "party", "ccc": "party"}
    ledger.append("ratify", "pact", "2000", actor="ddd", mode="accession", source="s1")
    m = {m.actor: m for m in ledger.asof("2001-03-01", "pact").members}["ddd"]
    assert m.uncertain


def test_treaty_events_do_not_belong_to_military_coalitions(ledger):
    from ledger import InputError
    with pytest.raises(InputError, match="does not belong"):
        ledger.append("ratify", "test", "2000-03-15", actor="aaa", mode="accession", source="s1")


# -- the rules of the model-two treaties (tests/data/model-two.yaml) ------------------------------

@pytest.fixture
def two(ledger):
    from conftest import data
    ledger.import_file(data("model-two.yaml"))
    return ledger


def test_only_the_instruments_the_treaty_names_count_toward_entry_into_force(two):
    # ATT Art. 22: an accession does not count; the second ratification does, and 90 days after it
    two.append("ratify", "trade-2013", "2014-01-10", actor="aaa", mode="ratification", source="s1")
    two.append("ratify", "trade-2013", "2014-02-01", actor="bbb", mode="accession", source="s1")
    assert status(two, "2014-12-31", "trade-2013") == {"aaa": "ratified", "bbb": "ratified"}
    two.append("ratify", "trade-2013", "2014-03-03", actor="ccc", mode="approval", source="s1")
    # 3 March 2014 + 90 days = 1 June 2014
    assert status(two, "2014-05-31", "trade-2013")["aaa"] == "ratified"
    assert status(two, "2014-06-01", "trade-2013") == {"aaa": "party", "bbb": "party", "ccc": "party"}


def test_succession_and_acceptance_do_not_count_where_only_ratification_and_accession_do(two):
    # OPAC Art. 10(1): three months after the tenth instrument of ratification or accession
    two.append("ratify", "protocol-2000", "2001-01-15", actor="aaa", mode="acceptance", source="s1")
    two.append("ratify", "protocol-2000", "2001-02-15", actor="bbb", mode="ratification", source="s1")
    two.append("ratify", "protocol-2000", "2001-03-31", actor="ccc", mode="succession", source="s1")
    assert status(two, "2002-01-01", "protocol-2000")["bbb"] == "ratified"
    two.append("ratify", "protocol-2000", "2001-11-30", actor="ddd", mode="accession", source="s1")
    # 30 November + 3 months: the last day of February
    assert status(two, "2002-02-27", "protocol-2000")["ddd"] == "ratified"
    assert status(two, "2002-02-28", "protocol-2000")["ddd"] == "party"


def test_later_states_rule_only_for_deposits_once_in_force(two):
    for actor, day in (("aaa", "2014-01-10"), ("bbb", "2014-03-03")):
        two.append("ratify", "trade-2013", day, actor=actor, mode="ratification", source="s1")
    # in force 1 June 2014; a deposit while the treaty waits is bound from 1 June, not 90 days on
    two.append("ratify", "trade-2013", "2014-05-20", actor="ccc", mode="ratification", source="s1")
    # a deposit on the day of entry into force and one after it take 90 days from their deposit
    two.append("ratify", "trade-2013", "2014-06-01", actor="ddd", mode="accession", source="s1")
    two.append("ratify", "trade-2013", "2014-07-01", actor="eee", mode="accession", source="s1")
    since = {m.actor: m.since for m in two.asof("2015-01-01", "trade-2013").members}
    assert since == {"aaa": "2014-06-01", "bbb": "2014-06-01", "ccc": "2014-06-01",
                     "ddd": "2014-08-30", "eee": "2014-09-29"}


def test_one_month_for_later_states_of_the_protocol(two):
    for actor, day in (("aaa", "2001-09-10"), ("bbb", "2001-11-12")):
        two.append("ratify", "protocol-2000", day, actor=actor, mode="ratification", source="s1")
    # in force 12 Feb 2002; deposited 30 Jan 2002: bound from 12 Feb (one month on would be 28 Feb)
    two.append("ratify", "protocol-2000", "2002-01-30", actor="ccc", mode="accession", source="s1")
    two.append("ratify", "protocol-2000", "2002-03-05", actor="ddd", mode="ratification", source="s1")
    since = {m.actor: m.since for m in two.asof("2003-01-01", "protocol-2000").members}
    assert since == {"aaa": "2002-02-12", "bbb": "2002-02-12", "ccc": "2002-02-12",
                     "ddd": "2002-04-05"}


def test_sixth_month_after_the_month_of_the_threshold_deposit(two):
    # CCM Art. 17(1): 16 Feb 2010 gives 1 Aug 2010; a later state the same rule from its deposit
    two.append("ratify", "munitions-2008", "2009-06-16", actor="aaa", mode="ratification", source="s1")
    two.append("ratify", "munitions-2008", "2010-02-16", actor="bbb", mode="ratification", source="s1")
    two.append("ratify", "munitions-2008", "2010-09-30", actor="ccc", mode="accession", source="s1")
    since = {m.actor: m.since for m in two.asof("2011-06-01", "munitions-2008").members}
    assert since == {"aaa": "2010-08-01", "bbb": "2010-08-01", "ccc": "2011-03-01"}


@pytest.fixture
def munitions(two):
    for actor, day in (("aaa", "2009-06-16"), ("bbb", "2010-02-16"), ("ccc", "2010-03-01")):
        two.append("ratify", "munitions-2008", day, actor=actor, mode="ratification", source="s1")
    return two


def test_withdrawal_without_an_armed_conflict_takes_effect_after_six_months(munitions):
    munitions.append("withdraw_treaty", "munitions-2008", "2025-03-06", actor="ccc", source="s2")
    assert status(munitions, "2025-09-05", "munitions-2008")["ccc"] == "party"
    assert "ccc" not in status(munitions, "2025-09-06", "munitions-2008")


def test_withdrawal_held_off_while_the_state_is_in_an_armed_conflict(munitions):
    munitions.append("conflict_begins", "munitions-2008", "2022-02-24", actor="aaa", source="s2")
    munitions.append("withdraw_treaty", "munitions-2008", "2025-06-29", actor="aaa", source="s2")
    # notified, due 2025-12-29, held: still a party years later, and counted as one
    later = munitions.asof("2030-01-01", "munitions-2008")
    assert {m.actor: m.status for m in later.members}["aaa"] == "party"
    assert later.counts["withdrawn"] == 0
    rows = [(r.date, r.effect, r.detail) for r in munitions.replay("munitions-2008")
            if r.actor == "aaa"]
    assert ("2025-06-29", "notify", "") in rows
    assert ("2025-12-29", "held", "withdrawal notified 2025-06-29 held off: armed conflict") in rows
    assert not any(effect == "withdrawn" for _, effect, _ in rows)
    # the conflict's recorded end lets the withdrawal take effect that day
    munitions.append("conflict_ends", "munitions-2008", "2031-05-01", actor="aaa", source="s2")
    assert status(munitions, "2031-04-30", "munitions-2008")["aaa"] == "party"
    assert "aaa" not in status(munitions, "2031-05-01", "munitions-2008")
    assert munitions.asof("2031-05-01", "munitions-2008").counts["withdrawn"] == 1


def test_a_conflict_that_ended_before_the_period_ends_holds_nothing(munitions):
    munitions.append("conflict_begins", "munitions-2008", "2020-01-10", actor="bbb", source="s2")
    munitions.append("conflict_ends", "munitions-2008", "2025-12-29", actor="bbb", source="s2")
    munitions.append("conflict_begins", "munitions-2008", "2025-12-30", actor="ccc", source="s2")
    for actor in ("bbb", "ccc"):
        munitions.append("withdraw_treaty", "munitions-2008", "2025-06-29", actor=actor, source="s2")
    # bbb's conflict ended on the day the period ends; ccc's began the day after: neither is held
    day = status(munitions, "2025-12-29", "munitions-2008")
    assert "bbb" not in day and "ccc" not in day


def test_a_conflict_known_only_to_the_month_holds_the_withdrawal(munitions):
    # the conflict may have begun on or before the day the period ends: the withdrawal waits
    munitions.append("conflict_begins", "munitions-2008", "2025-12", actor="ccc", source="s2")
    munitions.append("withdraw_treaty", "munitions-2008", "2025-06-15", actor="ccc", source="s2")
    assert status(munitions, "2027-01-01", "munitions-2008")["ccc"] == "party"
    # ... until an end in a known month, when its effect is uncertain within that month
    munitions.append("conflict_ends", "munitions-2008", "2026-03", actor="ccc", source="s2")
    assert status(munitions, "2026-02-28", "munitions-2008")["ccc"] == "party"
    mid = {m.actor: m for m in munitions.asof("2026-03-15", "munitions-2008").members}
    assert mid["ccc"].uncertain
    assert "ccc" not in status(munitions, "2026-03-31", "munitions-2008")


def test_two_conflicts_in_a_row_hold_the_withdrawal_until_the_second_ends(munitions):
    munitions.append("conflict_begins", "munitions-2008", "2025-01-01", actor="aaa", source="s2")
    munitions.append("conflict_ends", "munitions-2008", "2026-02-01", actor="aaa", source="s2")
    munitions.append("conflict_begins", "munitions-2008", "2026-01-20", actor="aaa", source="s2")
    munitions.append("conflict_ends", "munitions-2008", "2026-07-01", actor="aaa", source="s2")
    munitions.append("withdraw_treaty", "munitions-2008", "2025-06-29", actor="aaa", source="s2")
    assert status(munitions, "2026-06-30", "munitions-2008")["aaa"] == "party"
    assert "aaa" not in status(munitions, "2026-07-01", "munitions-2008")


def test_no_armed_conflict_rule_no_hold(pact):
    # the test pact has no armed-conflict rule: a recorded conflict changes nothing
    pact.append("conflict_begins", "pact", "2000-09-01", actor="aaa", source="s2")
    pact.append("withdraw_treaty", "pact", "2000-09-15", actor="aaa", source="s2")
    assert "aaa" not in status(pact, "2001-03-15")


def test_a_recorded_effective_date_stands_whatever_the_conflict(munitions):
    munitions.append("conflict_begins", "munitions-2008", "2022-02-24", actor="aaa", source="s2")
    munitions.append("withdraw_treaty", "munitions-2008", "2025-06-29", effective="2025-12-29",
                     actor="aaa", source="s2")
    assert "aaa" not in status(munitions, "2025-12-29", "munitions-2008")


def test_a_revocation_while_held_means_it_never_takes_effect(munitions):
    munitions.append("conflict_begins", "munitions-2008", "2022-02-24", actor="aaa", source="s2")
    munitions.append("withdraw_treaty", "munitions-2008", "2025-06-29", actor="aaa", source="s2")
    munitions.append("revoke_withdrawal", "munitions-2008", "2027-01-10", actor="aaa", source="s2")
    munitions.append("conflict_ends", "munitions-2008", "2028-01-01", actor="aaa", source="s2")
    assert status(munitions, "2029-01-01", "munitions-2008")["aaa"] == "party"


def test_a_signatory_notice_of_not_intending_to_become_a_party(two):
    # the US and the Arms Trade Treaty: signed 2013, notice 2019; it stays counted as having signed
    # until the notice, and is neither signatory nor party after it
    two.append("sign_treaty", "trade-2013", "2013-09-25", actor="usa", source="s1")
    two.append("unsign", "trade-2013", "2019-07-18", actor="usa", source="s2")
    assert two.asof("2019-07-17", "trade-2013").counts["signed"] == 1
    after = two.asof("2019-07-18", "trade-2013")
    assert after.counts["signed"] == 0 and after.members == ()
    rows = [(r.date, r.effect) for r in two.replay("trade-2013")]
    assert ("2019-07-18", "unsign") in rows


@pytest.mark.parametrize("rule, field", [
    ({"entry_into_force": {"threshold": 2, "counts": ["signature"]}}, "treaty.entry_into_force.counts"),
    ({"entry_into_force": {"threshold": 2, "counts": []}}, "treaty.entry_into_force.counts"),
    ({"later_states": {"days": 90, "after": "signature"}}, "treaty.later_states.after"),
    ({"withdrawal": {"months": 6, "armed_conflict": "yes"}}, "treaty.withdrawal.armed_conflict"),
    ({"withdrawal": {"months": 6, "after": "threshold"}}, "treaty.withdrawal"),
    ({"later_states": {"days": 90, "counts": ["accession"]}}, "treaty.later_states"),
])
def test_bad_rules_are_refused_naming_the_field(rule, field):
    from ledger import InputError
    from ledger.treaty import check_rules
    with pytest.raises(InputError) as caught:
        check_rules(rule)
    assert caught.value.field == field


def test_conflict_events_belong_to_treaties_only(ledger):
    from ledger import InputError
    with pytest.raises(InputError, match="does not belong"):
        ledger.append("conflict_begins", "test", "2022-02-24", actor="aaa", source="s1")


def test_a_treaty_rule_event_states_a_rule_the_declaration_left_out(pact):
    pact.append("conflict_begins", "pact", "2000-09-01", actor="aaa", source="s2")
    pact.append("withdraw_treaty", "pact", "2000-09-15", actor="aaa", source="s2")
    assert "aaa" not in status(pact, "2001-03-15")
    pact.append("treaty_rule", "pact", "2000-01-10", rule={"withdrawal": {"armed_conflict": True}},
                source="s2", id="art-20-3")
    # the period of the declaration stays; the clause is added to it, for the whole history
    assert status(pact, "2001-03-15")["aaa"] == "party"
    pact.append("conflict_ends", "pact", "2001-04-02", actor="aaa", source="s2")
    assert status(pact, "2001-04-01")["aaa"] == "party"
    assert "aaa" not in status(pact, "2001-04-02")
    # retracted, the rule is gone again
    pact.append("retract", "pact", "2006-01-01", ref="art-20-3", source="s2")
    assert "aaa" not in status(pact, "2001-03-15")


def test_a_treaty_rule_can_change_what_counts_toward_entry_into_force(pact):
    pact.append("treaty_rule", "pact", "2000-01-10", source="s2",
                rule={"entry_into_force": {"counts": ["ratification"]}})
    # bbb's acceptance no longer counts: ddd's accession does not either; no entry into force
    assert pact.asof("2001-06-01", "pact").counts["parties"] == 0


def test_a_bad_treaty_rule_is_refused_naming_the_field(ledger):
    from ledger import InputError
    with pytest.raises(InputError) as caught:
        ledger.append("treaty_rule", "pact", "2000-01-10", source="s2",
                      rule={"withdrawal": {"armed_conflict": "sometimes"}})
    assert caught.value.field == "rule.withdrawal.armed_conflict"
    with pytest.raises(InputError, match="does not belong"):
        ledger.append("treaty_rule", "test", "2000-01-10", source="s2",
                      rule={"withdrawal": {"months": 6}})


def test_a_deposit_two_sources_date_differently_counts_once_towards_entry_into_force(pact):
    # a second source dates aaa's deposit five days later: still one state, so the third
    # deposit is ccc's of 31 May, and the treaty enters into force on 1 November, not 1 October
    pact.append("ratify", "pact", "2000-03-20", actor="aaa", mode="ratification", source="s2")
    assert status(pact, "2000-10-15")["aaa"] == "ratified"
    assert status(pact, "2000-11-01")["aaa"] == "party"


def test_check_computes_entry_into_force_from_the_deposits_that_stand(pact):
    pact.append("entry_into_force", "pact", "2000-11-01", source="s1")
    # a deposit recorded in error and then retracted must not bring the computed date forward
    pact.append("ratify", "pact", "2000-02-01", actor="usa", mode="ratification", source="s1",
                id="usa-early")
    pact.append("retract", "pact", "2000-06-01", ref="usa-early", source="s2")
    notes = [p.message for p in pact.check() if p.coalition == "pact-2000"]
    assert not [m for m in notes if "entry into force recorded as" in m], notes
