"""The model-two lineage bundled from the depositary (issue 17): the Arms Trade Treaty, the TPNW, the
children-in-armed-conflict protocol (OPAC) and the whole Convention on Cluster Munitions. Each treaty's
entry into force, computed from the deposits by its own rule, must be the day the depositary records;
each pinned count is a figure the depositary or a second source published, named in a comment. The
year-end counts were counted by hand from the rows of the stored UNTC pages (status as at 3 February
2026), not from the ledger."""
import pytest

from ledger.effects import apply_corrections
from ledger.treaty import Rules


@pytest.mark.parametrize("coalition, recorded", [
    ("att-2013", "2014-12-24"),     # UNTC XXVI-8: "24 December 2014, in accordance with article 22"
    ("tpnw-2017", "2021-01-22"),    # UNTC XXVI-9: "22 January 2021, in accordance with article 15"
    ("opac-2000", "2002-02-12"),    # UNTC IV-11-b: "12 February 2002, in accordance with article 10(1)"
    ("ccm-2008", "2010-08-01"),     # UNTC XXVI-6: "1 August 2010, in accordance with article 17(1)"
])
def test_entry_into_force_computed_from_the_deposits_is_the_recorded_day(world, coalition, recorded):
    live = apply_corrections(world.log(coalition))
    deposits = [e for e in live if e.type != "entry_into_force"]
    rules = Rules.of(world.coalition(coalition), live)
    assert [e.date.text for e in live if e.type == "entry_into_force"] == [recorded]
    assert rules.computed_entry_into_force(deposits).text == recorded
    assert not [p for p in world.check() if p.coalition == coalition and p.kind == "entry-into-force"]


def test_att_counts_ratification_acceptance_approval_but_not_accession(world):
    # 50 instruments of ratification, acceptance or approval on 25 September 2014 (UN S-G, via Xinhua:
    # the threshold crossed that day); in force 90 days later
    live = apply_corrections(world.log("att-2013"))
    counted = sorted(e.date.text for e in live if e.type == "ratify"
                     and e.payload["mode"] in ("ratification", "acceptance", "approval"))
    assert counted[49] == "2014-09-25"
    # the first accession (Afghanistan, 29 July 2020 in the UNTC table) comes years later
    assert min(e.date.text for e in live if e.type == "ratify"
               and e.payload["mode"] == "accession") > "2014-12-24"


ATT = [
    # UNRCPD (after UNODA), 3 June 2014: 40 ratifications after the first anniversary's eight
    ("2014-06-03", "ratified", 40),
    # UNTC XXVI-8 rows: 115 signatures and 9 deposits by the end of 2013
    ("2013-12-31", "signed", 115), ("2013-12-31", "ratified", 9),
    # ... 61 deposits by the end of 2014, all in force on 24 December (deposited before it)
    ("2014-12-31", "ratified", 61), ("2014-12-31", "parties", 61),
    # ... 79 by the end of 2015, 105 by the end of 2019
    ("2015-12-31", "ratified", 79), ("2019-12-31", "ratified", 105),
    # UNTC header, 3 February 2026: Parties 117 (deposits); Signatories 130, less the US notice of 2019
    ("2026-02-03", "ratified", 117), ("2026-02-03", "signed", 129),
]

TPNW = [
    # ICAN, 24 October 2020: Honduras' deposit the 50th
    ("2020-10-23", "ratified", 49), ("2020-10-24", "ratified", 50),
    # in force on 22 January 2021 for the first 50 only; later ones 90 days after their deposit
    ("2021-01-22", "parties", 50),
    # UNTC XXVI-9 rows: 56 signatures and 3 deposits by the end of 2017, 34 deposits by the end of 2019
    ("2017-12-31", "signed", 56), ("2017-12-31", "ratified", 3), ("2019-12-31", "ratified", 34),
    # ... 51 by the end of 2020, 59 by the end of 2021
    ("2020-12-31", "ratified", 51), ("2021-12-31", "ratified", 59),
    # UNTC header, 3 February 2026: Signatories 95, Parties 74
    ("2026-02-03", "signed", 95), ("2026-02-03", "ratified", 74),
]

OPAC = [
    # UNTC IV-11-b rows: the 10th deposit on 12 November 2001, three months before 12 February 2002
    ("2001-11-11", "ratified", 9), ("2001-11-12", "ratified", 10),
    # ... 13 deposits by the end of 2001, 46 by the end of 2002, 105 by the end of 2005
    ("2001-12-31", "ratified", 13), ("2002-12-31", "ratified", 46), ("2005-12-31", "ratified", 105),
    # UNTC header, 3 February 2026: Signatories 130, Parties 173
    ("2026-02-03", "signed", 130), ("2026-02-03", "ratified", 173), ("2026-02-03", "parties", 173),
]

CCM = [
    # UNTC XXVI-6 rows: 94 signatures and 4 deposits by the end of 2008, 26 deposits by the end of 2009
    ("2008-12-31", "signed", 94), ("2008-12-31", "ratified", 4), ("2009-12-31", "ratified", 26),
    # ... 49 by the end of 2010, 98 by the end of 2015 (Lithuania's of 2011 counted: not yet withdrawn)
    ("2010-12-31", "ratified", 49), ("2015-12-31", "ratified", 98),
    # Cluster Munition Monitor 2011 (25 August 2011): 61 States Parties; 2016 (15 August): 100;
    # 2022 (1 August): 110. The Monitor counts a state from its deposit, not from the day the
    # convention binds it six months later, so its figure is the ledger's `ratified`
    ("2011-08-25", "ratified", 61), ("2016-08-15", "ratified", 100), ("2022-08-01", "ratified", 110),
    # UNTC header, 3 February 2026: Parties 112, without Lithuania (withdrawn 6 March 2025)
    ("2026-02-03", "ratified", 112), ("2026-02-03", "withdrawn", 1),
]


@pytest.mark.parametrize("coalition, day, measure, expected",
                         [("att-2013", *row) for row in ATT] + [("tpnw-2017", *row) for row in TPNW]
                         + [("opac-2000", *row) for row in OPAC] + [("ccm-2008", *row) for row in CCM])
def test_published_counts(world, coalition, day, measure, expected):
    assert world.asof(day, coalition).counts[measure] == expected


def test_us_notice_ends_its_att_signature(world):
    # UNTC XXVI-8, end note 3: the US notice received on 18 July 2019
    before = {m.actor: m.status for m in world.asof("2019-07-17", "att-2013").members}
    after = world.asof("2019-07-18", "att-2013")
    assert before["usa"] == "signatory"
    assert "usa" not in {m.actor for m in after.members}
    assert after.counts["signed"] == world.asof("2019-07-17", "att-2013").counts["signed"] - 1


def test_lithuania_leaves_the_ccm_on_the_depositary_day(world):
    # UNTC XXVI-6, end note 3: notified 6 September 2024, took effect 6 March 2025 (Art. 20)
    status = lambda day: {m.actor: m.status for m in world.asof(day, "ccm-2008").members}.get("ltu")
    assert status("2025-03-05") == "party"
    assert status("2025-03-06") != "party"


def test_new_files_leave_no_problem_in_the_lineage(world):
    lineage = {"att-2013", "tpnw-2017", "opac-2000", "ccm-2008"}
    assert [(p.coalition, p.kind, p.message) for p in world.check()
            if p.coalition in lineage and p.level == "problem"] == []
