"""The bundled data: every file loads, its invariants hold, it reproduces published milestones,
and the README's coverage table is what the data says."""
import os
import re

import pytest
import yaml

from ledger import bundled
from ledger.coverage import coverage, markdown
from conftest import HERE


def members(ledger, day, coalition):
    return {m.actor: m for m in ledger.asof(day, coalition).members}


def test_every_bundled_file_is_loaded_and_nothing_is_left_out(world):
    names = [p.name for p in bundled.paths()]
    assert names[0] == "actors.yaml" and "iraq-2003.yaml" in names and len(names) >= 12
    # a later file of a coalition (`rome-1998.depositary.yaml`) shares its stem and its coalition
    with_events = {p.name.split(".", 1)[0] for p in bundled.paths()
                   if yaml.safe_load(p.read_text(encoding="utf-8")).get("events")}
    assert len(world.coalitions()) >= len(with_events)


def test_a_later_file_for_a_coalition_loads_after_the_file_that_declares_it():
    stems = [p.name.rsplit(".", 1)[0] for p in bundled.paths()]
    for i, stem in enumerate(stems):
        base = stem.split(".", 1)[0]
        if base != stem:
            assert base in stems[:i], (stem, stems)


def test_check_reports_no_problem(world):
    problems = [p for p in world.check() if p.level == "problem"]
    assert problems == []


def test_every_event_cites_a_described_source_with_a_locator_or_quote(world):
    sources = {s.id: s for s in world.sources()}
    for ev in world.log():
        assert ev.sources, ev
        for cite in ev.sources:
            assert cite.locator or cite.quote, (ev.seq, cite)
            if cite.quote:
                assert len(cite.quote.split()) < 25, (ev.seq, cite.quote)
    for s in sources.values():
        assert s.title and (s.url or s.publisher), s
        assert s.publisher or s.author or s.url, s


def test_the_hash_chain_verifies(world):
    result = world.verify()
    assert result.ok and result.events == len(world.log())


def test_iraq_coalition_of_the_leaving(world):
    at_2003 = members(world, "2003-12-31", "iraq")
    assert {"usa", "gbr", "pol", "esp", "ita", "nld", "ukr", "hnd", "dom", "nic"} <= set(at_2003)
    at_2004 = members(world, "2004-12-31", "iraq")
    assert {"esp", "hnd", "dom", "nic", "phl"}.isdisjoint(at_2004)
    assert {"usa", "gbr", "pol", "ita", "kor"} <= set(at_2004)
    at_2008 = members(world, "2008-12-31", "iraq")
    assert "pol" not in at_2008 and "geo" not in at_2008 and "usa" in at_2008
    left = {c.actor for c in world.diff("2004-01-01", "2005-12-31", "iraq").left}
    assert {"esp", "hnd", "dom", "nic", "nld"} <= left
    assert not members(world, "2012-01-01", "iraq")


def test_spain_announced_in_april_and_left_in_may_2004(world):
    events = world.log("iraq", "esp")
    announce = [e.date.text for e in events if e.type == "announce_withdrawal"]
    leave = [e.date.text for e in events if e.type == "withdraw"]
    assert "2004-04-18" in announce and any(d.startswith("2004-05") for d in leave)
    assert "esp" in members(world, "2004-05-01", "iraq")


def test_ottawa_milestones(world):
    assert members(world, "1999-02-28", "ottawa") and all(
        m.status != "party" for m in world.asof("1999-02-28", "ottawa").members)
    on_entry = world.asof("1999-03-01", "ottawa")
    assert on_entry.counts["parties"] >= 40
    # the 40th deposit (Burkina Faso, 16 September 1998) starts the six-month wait
    bfa = [e for e in world.log("ottawa", "bfa") if e.type == "ratify"]
    assert any(e.date.text == "1998-09-16" for e in bfa)
    # signature at the Ottawa conference, 3-4 December 1997
    assert world.asof("1997-12-04", "ottawa").counts["signed"] >= 120
    # the 2025 withdrawals take effect on their dates
    assert members(world, "2025-12-26", "ottawa")["ltu"].status == "party"
    assert "ltu" not in members(world, "2025-12-27", "ottawa")
    assert "fin" not in members(world, "2026-01-10", "ottawa")


def test_ukraine_notice_of_2025_is_held_off_by_the_armed_conflict(world):
    # notified on 18 July 2025; the six months end on 18 January 2026, in the war (Art. 20(3))
    assert members(world, "2027-01-01", "ottawa")["ukr"].status == "party"
    rows = [(r.date, r.effect) for r in world.replay("ottawa", "2025-01-01") if r.actor == "ukr"]
    assert ("2025-07-18", "notify") in rows and ("2026-01-18", "held") in rows
    assert not any(effect == "withdrawn" for _, effect in rows)


def test_ccm_milestones(world):
    # the 30th instruments (Burkina Faso and Moldova, 16 February 2010) give 1 August 2010, Art. 17(1):
    # the rule and the recorded entry into force agree (check notes any difference)
    assert world.asof("2010-07-31", "ccm-2008").counts["parties"] == 0
    assert world.asof("2010-08-01", "ccm-2008").counts["parties"] == 30
    assert not [p for p in world.check() if "entry into force recorded" in p.message
                and p.coalition == "ccm-2008"]
    # a later state: Ecuador deposited on 11 May 2010, bound from 1 November 2010 (Art. 17(2))
    assert members(world, "2010-11-01", "ccm-2008")["ecu"].since == "2010-11-01"
    # Lithuania's withdrawal took effect on 6 March 2025
    assert members(world, "2025-03-05", "ccm-2008")["ltu"].status == "party"
    assert "ltu" not in members(world, "2025-03-06", "ccm-2008")


def test_g20_cancun_milestones(world):
    # the twenty co-sponsors of 20 August 2003, then the coalition of the leaving
    at_cancun = members(world, "2003-09-10", "g20-cancun-2003")
    assert {"bra", "ind", "chn", "zaf", "arg", "cri", "per", "slv"} <= set(at_cancun)
    assert "cri" in members(world, "2003-10-08", "g20-cancun-2003")
    after = members(world, "2003-11-01", "g20-cancun-2003")
    assert not {"cri", "per", "slv"} & set(after) and {"bra", "ind", "chn"} <= set(after)


def test_rome_milestones(world):
    assert world.asof("2002-06-30", "rome").counts["parties"] == 0
    on_entry = world.asof("2002-07-01", "rome")
    assert on_entry.counts["parties"] >= 60
    # signature closed on 31 December 2000 with 139 signatories
    assert world.asof("2000-12-31", "rome").counts["signed"] == 139
    assert members(world, "2017-10-26", "rome")["bdi"].status == "party"
    assert "bdi" not in members(world, "2017-10-27", "rome")
    assert "phl" not in members(world, "2019-03-17", "rome")
    assert "zaf" in members(world, "2018-01-01", "rome")          # withdrawal revoked in 2017
    assert "usa" not in members(world, "2002-05-06", "rome")      # unsigned


def test_gulf_coalition_counts_disagree_and_are_all_shown(world):
    claims = world.asof("1991-03-01", "gulf-1991").claims
    assert len({c["count"] for c in claims}) >= 3


def test_every_bundled_source_is_rated(world):
    unrated = [s.id for s in world.sources() if s.tier == "unrated"]
    assert not unrated, unrated[:20]


def test_every_bundled_event_cites_a_source(world):
    assert not [(e.coalition, e.seq) for e in world.log() if not e.sources]
    assert all(r["unsourced"] == 0 for r in coverage(world))


def test_readme_coverage_table_is_generated_from_the_data(world):
    with open(os.path.join(os.path.dirname(HERE), "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    table = re.search(r"<!-- coverage:start -->\n(.*?)\n<!-- coverage:end -->", readme, re.S).group(1)
    assert table == markdown(coverage(world))


def test_published_by_cites_only_sources_out_by_then(world):
    published = {s.id: s.published for s in world.sources()}
    now = world.asof("2004-12-31", "iraq")
    then = world.asof("2004-12-31", "iraq", published_by="2005")
    assert then.members and then.published_by == "2005-12-31"
    for m in then.members:
        assert m.sources and all(published[s["id"]] and published[s["id"]][:4] <= "2005"
                                 for s in m.sources), m.actor
    assert any(len(m.sources) < len({s["id"] for s in n.sources}) for m in then.members
               for n in now.members if n.actor == m.actor)     # later sources were left out


def test_every_figure_in_force_says_how_old_it_is(world):
    """What the data has not yet fixed is visible: a figure older than six months is marked."""
    from ledger.dates import before, parse_date, parse_day
    for day in ("2003-11-13", "2004-12-31", "2006-06-30", "2008-12-31"):
        answer = world.asof(day, "iraq")
        cutoff = before(parse_day(day), (6, 0))
        for m in answer.members:
            if m.troops is not None:
                assert m.troops_as_of, (day, m.actor)
                assert m.stale == (parse_date(m.troops_as_of).hi < cutoff), (day, m.actor)
        assert answer.troops_stale == sum(1 for m in answer.members if m.stale and not m.uncertain)


def test_the_issue_examples_of_evidence_rules(world):
    # an imprecise troop figure does not make the US an uncertain member of the Gulf coalition
    usa = members(world, "1991-02-27", "gulf-1991")["usa"]
    assert not usa.uncertain
    # Hungary announced on 3 November 2004 that it would leave by 31 March 2005
    [row] = [r for r in world.replay("iraq", actor="hun") if r.type == "announce_withdrawal"]
    assert row.date == "2004-11-03" and "to leave by 2005-03-31" in row.detail
    # Tonga's deployment and Singapore's departure and return show inside the 2004 diff
    inside = {w.actor for w in world.diff("2004-01-01", "2005-01-01", "iraq").within}
    assert {"ton", "sgp"} <= inside


def kp_participants(ledger, day):
    """Kimberley Process participants on DAY as the KP counts them: governments and the European
    Community/Union once, without Partnership Africa Canada (an NGO observer) and the rough-diamond
    trading entity of Chinese Taipei (met the requirements, never numbered among participants)."""
    return set(members(ledger, day, "kimberley")) - {"pac", "twn"}


def test_kimberley_published_participant_counts(world):
    # Chair's notice of 31 October 2003 (Rapaport, rapaport-2003-10-31-kp-list): 45 numbered
    # entries, 44 states and the European Community
    assert len(kp_participants(world, "2003-10-31")) == 45
    # Professional Jeweler, 7 August 2003 (pj-2003-08-07-53-participants): "53 countries" admitted
    # from 31 August are 39 names (Chinese Taipei among them) plus 14 EC member states named one by one
    assert len(kp_participants(world, "2003-08-31")) == 53 - 14 - 1 + 1
    # Turkey participant no. 47 from 14 August 2007 (rapaport-2007-08-22-turkey); after the Republic
    # of Congo's readmission in November 2007, 47 countries and the EU (namibian-2007-11-congo)
    assert "tur" in kp_participants(world, "2007-08-14") and "tur" not in kp_participants(world, "2007-08-13")
    assert len(kp_participants(world, "2007-11-30")) - len(kp_participants(world, "2007-08-14")) == 48 - 47


def test_kimberley_eu_accessions_fold_states_into_the_eu_participant(world):
    # kp-participant-eu: the EU and its member states count as a single participant
    for state, day, before in (("hun", "2004-05-01", "2004-04-30"), ("pol", "2004-05-01", "2004-04-30"),
                               ("svn", "2004-05-01", "2004-04-30"), ("bgr", "2007-01-01", "2006-12-31"),
                               ("rou", "2007-01-01", "2006-12-31"), ("hrv", "2013-07-01", "2013-06-30")):
        assert state in kp_participants(world, before) and state not in kp_participants(world, day), state
        assert "eu" in kp_participants(world, day)


def test_kimberley_count_claims_are_matched_or_explained(world):
    found = [p for p in world.check() if p.coalition == "kimberley" and p.kind == "count-claim-mismatch"]
    assert found and all(p.level == "note" for p in found)
    # the four claims of kimberley.yaml the ledger cannot reach are each explained by a correction
    explained = {e.payload["ref"] for e in world.log("kimberley") if e.type == "correct" and e.note}
    claims = {e.key: e.date.text for e in world.log("kimberley") if e.type == "count_claim"}
    assert {claims[k] for k in explained if k in claims} >= {"2003-08-31", "2004-07-12", "2011-12-05",
                                                             "2024-11-15"}
