"""Facts the second evidence round settled from official and press originals (issue 14): each pins
what the better source says, against what the weak copy had said."""
from test_bundled import members


def source_ids(member):
    return {s["id"] for s in member.sources}


def test_interfet_has_the_22_nations_of_the_australian_governments_list(world):
    # Australian Embassy, Manila (9 October 2010): a force "from 22 nations", 21 named besides
    # Australia; Pakistan's join rested on an encyclopedia infobox alone and is retracted
    on = members(world, "2000-02-20", "interfet-1999")
    assert len(on) == 22 and "pak" not in on
    for actor in ("dnk", "egy", "ken", "nor"):
        assert "auembassy-manila-2010-10-09-interfet-medal" in source_ids(on[actor])


def test_irelands_interfet_contingent_leaves_after_the_dail_vote(world):
    # the Dail approved the dispatch on 12 October 1999; the first 49 left the day after
    assert "irl" not in members(world, "1999-09-30", "interfet-1999")
    assert members(world, "1999-10-31", "interfet-1999")["irl"].troops == 49


def test_moldova_has_no_group_in_iraq_between_february_2005_and_january_2006(world):
    # REGNUM (5 April 2007): the second group served July 2004 - February 2005, the third from
    # 13 January 2006
    assert "mda" in members(world, "2005-01-31", "iraq")
    assert "mda" not in members(world, "2005-12-31", "iraq")
    assert members(world, "2006-01-13", "iraq")["mda"].troops == 11


def test_ukraines_brigade_enters_iraq_in_august_2003(world):
    assert "ukr" not in members(world, "2003-08-01", "iraq")
    assert "ukr" in members(world, "2003-08-31", "iraq")
