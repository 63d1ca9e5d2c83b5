"""The bundled Iraq troop series against the published figures it was built from: where the
invasion-phase levels end, the non-US total, and how old the troop figures are at each year end."""
from test_bundled import members as coalition_members


def members(ledger, day):
    return coalition_members(ledger, day, "iraq")


def non_us_total(ledger, day):
    result = ledger.asof(day, "iraq")
    us = next(m.troops for m in result.members if m.actor == "usa")
    return result.troops_total - us


def source_ids(member):
    return {s["id"] for s in member.sources}


def test_the_uk_leaves_its_invasion_level_in_2003(world):
    # Hoon to the Commons, 11 June 2003 (Iraq Inquiry 9.2, para 98): some 17,000 left in the region
    assert members(world, "2003-06-30")["gbr"].troops == 17000
    # Irish Examiner (March 2006): the post-war high point was about 10,000 in October 2003;
    # BBC, 29 November 2003: at least 10,000
    uk = members(world, "2003-11-13")["gbr"]
    assert uk.troops < 46000 and uk.troops == 10000
    assert "irishexaminer-2006-03-britain-cut-10" in source_ids(uk)
    assert members(world, "2003-11-29")["gbr"].troops == 10000


def test_poland_leads_its_division_from_september_2003(world):
    assert members(world, "2003-09-02")["pol"].troops == 184          # the invasion contingent
    poland = members(world, "2003-11-13")["pol"]
    # Warsaw Voice (9 January 2008): nearly 2,500; BBC (2 July 2003): 2,300 planned. Both kept,
    # the later source standing and the other shown as disputed.
    assert poland.troops == 2500
    assert [(d["field"], d["value"]["troops"]) for d in poland.disputed] == [("commit_troops", 2300)]
    assert "bbc-2003-07-02-polish-force" in poland.disputed[0]["sources"]


def test_ukraine_and_spain_have_their_2003_contingents(world):
    on = members(world, "2003-11-13")
    assert on["ukr"].troops == 1650        # CBS/AP (22 March 2005): 1,650 from September 2003
    assert on["esp"].troops == 1300        # AFP (26 July 2003): the 1,300-strong contingent


def test_the_non_us_total_in_november_2003_is_near_the_published_counts(world):
    # BBC, 29 November 2003: 24,000 non-US foreign troops; the Brookings Iraq Index gives about
    # 23,000 for that period. Before the 2003 drawdown events the ledger gave 53,095.
    for day in ("2003-11-13", "2003-11-29"):
        total = non_us_total(world, day)
        assert 18000 <= total <= 27000, (day, total)


def stale_at(ledger, day):
    """Members on DAY whose troop figure is older than the ledger's horizon (six months)."""
    return {m.actor for m in ledger.asof(day, "iraq").members if m.stale}


def test_the_2004_year_end_has_the_summer_2004_lists(world):
    on = members(world, "2004-12-31")
    assert on["ita"].troops == 2800       # BBC, 20 July 2004: South-East division, 7 July 2004
    assert on["aus"].troops == 850        # BBC, 20 July 2004: in and around Iraq
    # AP list as of 13 August 2004
    assert (on["aze"].troops, on["prt"].troops, on["kaz"].troops) == (151, 120, 27)
    # Slovakia: the Slovak Spectator (TASR) on the parliamentary debate of 19 October 2004
    assert on["svk"].troops == 102
    # the second half of 2004 from national sources: El Salvador (La Prensa Grafica, 22 August)
    # and Romania (its defence ministry, 21 September); for Iceland no stored source gives one
    assert (on["slv"].troops, on["rou"].troops) == (380, 710)
    assert stale_at(world, "2004-12-31") == {"isl"}


def test_the_2005_year_end_has_the_ap_list_of_december_2005(world):
    # AP, "U.S.-led coalition - at a glance" (Spokesman-Review, 2 December 2005)
    published = {"alb": 120, "arm": 46, "aus": 900, "aze": 150, "bih": 36, "gbr": 8000, "cze": 108,
                 "dnk": 530, "slv": 380, "est": 34, "geo": 898}
    on = members(world, "2005-12-31")
    assert {a: on[a].troops for a in published} == published
    assert not stale_at(world, "2005-12-31") & set(published)


def test_el_salvador_and_romania_at_the_later_year_ends(world):
    assert members(world, "2006-12-31")["slv"].troops == 380     # Xinhua, 13 August 2006
    assert "slv" not in stale_at(world, "2006-12-31")
    assert members(world, "2008-12-31")["rou"].troops == 498     # AFP, 24 December 2008
    assert "rou" not in stale_at(world, "2008-12-31")


def test_south_korea_in_february_2007_keeps_both_published_figures(world):
    # Irish Times (21 February 2007), citing the Brookings Institution: 2,300; the BBC table of the
    # same day: 3,200. The tie goes to the claim recorded last, the other is shown as disputed.
    korea = members(world, "2007-02-22")["kor"]
    assert korea.troops == 2300
    assert [(d["value"]["troops"], d["sources"]) for d in korea.disputed] == [(3200, ["bbc-2007-02-21-denmark-pull"])]


def test_australias_invasion_level_rests_on_the_age_as_well_as_the_blog_copy(world):
    # The Age, 17 April 2003: "Australia's 2,000-strong forces sent to the Iraq war"
    australia = members(world, "2003-04-01")["aus"]
    assert australia.troops == 2000
    assert {"theage-2003-04-17-troops-home", "secondgulfwar-2010-coalition"} <= source_ids(australia)


def test_the_first_named_list_rests_on_a_newspaper_of_the_day_too(world):
    # San Diego Union-Tribune, 18 March 2003: the State Department's list of 30, with Bulgaria
    # and without Iceland; the transcript copies name Iceland and not Bulgaria.
    on = coalition_members(world, "2003-03-18", "coalition-of-the-willing-2003")
    pressed = {a for a, m in on.items() if "sdut-2003-03-18-powell-30" in source_ids(m)}
    assert len(pressed) == 30 and "bgr" in pressed and "isl" not in pressed
    assert {"state-2003-03-18-briefing", "sdut-2003-03-18-powell-30"} <= source_ids(on["gbr"])


def test_the_us_level_in_late_november_2003(world):
    # BBC, 29 November 2003: nearly 132,000 (AP's 146,000 of May 2003 held until then)
    assert members(world, "2003-11-28")["usa"].troops == 146000
    assert members(world, "2003-11-29")["usa"].troops == 132000


def test_poland_leaves_with_its_last_900_in_october_2008(world):
    # UPI, 4 October 2008: the remaining 900 to be withdrawn during October; the finer day of the
    # withdrawal (28 October, AFP) stands and cites UPI's month too
    poland = members(world, "2008-10-27")["pol"]
    assert poland.troops == 900 and "upi-2008-10-04-polish-leaving" in source_ids(poland)
    assert "pol" not in members(world, "2008-10-28")


def test_count_claims_of_iraq_and_the_white_house_list_are_explained(world):
    # cumulative counts (Bush's 41, AP's 38) and lists counted with the United States (AFP's 49
    # "including the United States") are corrected to say what they count, with a note
    problems = [p for p in world.check() if p.level == "problem"
                and p.coalition in ("iraq-2003", "coalition-of-the-willing-2003")]
    assert problems == []


def test_japans_air_unit_at_the_2007_year_end(world):
    # KUNA, 10 July 2007: about 200 ASDF personnel flying into Iraq from Kuwait
    japan = members(world, "2007-12-31")["jpn"]
    assert japan.troops == 200 and not japan.stale


def test_the_2006_year_end_has_figures_of_the_second_half_of_2006(world):
    on = members(world, "2006-12-31")
    assert on["kor"].troops == 2300      # Yonhap, 28 November 2006
    assert on["pol"].troops == 900       # Xinhua, 8 December 2006
    assert on["rou"].troops == 628       # AP, 30 August 2006 (Defence Ministry figure)
    assert on["aus"].troops == 1400      # Australian Minister for Defence, 4 September 2006
    assert not {"kor", "pol", "rou", "aus", "slv"} & stale_at(world, "2006-12-31")


def test_the_2005_year_end_has_japan_korea_and_italy_from_december_2005(world):
    on = members(world, "2005-12-31")
    assert on["jpn"].troops == 500       # BBC, 8 December 2005
    assert on["kor"].troops == 3200      # Al Jazeera, 30 December 2005 (cut to 2,300 in 2006)
    assert on["ita"].troops == 2900      # the same item
    assert not {"jpn", "kor", "ita"} & stale_at(world, "2005-12-31")
