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
