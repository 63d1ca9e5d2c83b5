"""The model-one coalitions restated from official sources (events/*.unsc.yaml, *.official.yaml,
*.nato.yaml) reproduce the figures those sources publish."""
import pytest


UN_ELEVEN = {"aut", "bel", "dnk", "fra", "grc", "ita", "prt", "rou", "svn", "esp", "tur"}


def members(ledger, day, coalition):
    return {m.actor: m for m in ledger.asof(day, coalition).members}


def test_alba_strength_on_29_april_1997_is_the_un_press_conference_figure(world):
    on = members(world, "1997-04-29", "albania-1997")
    six = {"ita": 2755, "fra": 923, "esp": 345, "grc": 630, "tur": 691, "aut": 116}
    assert {a: on[a].troops for a in six} == six
    assert sum(six.values()) == 5460          # "a strength of 5,460" (UN, 30 April 1997)


def test_alba_contingents_are_the_eleven_the_council_was_told_of(world):
    assert set(members(world, "1997-07-01", "albania-1997")) == UN_ELEVEN
    claims = {c["count"] for c in world.asof("1997-08-14", "albania-1997").claims
              if "un-press-sc6410-1997-08-14" in c["sources"]}
    assert claims == {11}


def test_alba_denmark_and_romania_were_still_expected_on_29_april(world):
    on = members(world, "1997-04-29", "albania-1997")
    assert on["dnk"].uncertain and on["rou"].uncertain   # joined in 1997, day unknown
    assert on["dnk"].troops is None and on["rou"].troops is None


def test_gulf_states_without_a_role_in_any_source_are_not_members(world):
    on = members(world, "1991-02-01", "gulf-1991")
    assert {"phl", "prt", "sle"}.isdisjoint(on) and "omn" in on
    assert {"dnk", "esp", "grc", "aus"} <= set(on) and not on["dnk"].uncertain


def test_gulf_joins_restated_from_the_press_and_defence_records(world):
    assert "tur" not in members(world, "1991-01-17", "gulf-1991")        # Incirlik raids from the 18th
    on = members(world, "1991-02-04", "gulf-1991")
    assert "tur" in on and not on["tur"].uncertain and "hnd" not in on
    assert on["hun"].uncertain                                            # a 1991 medical team, day unknown
    assert on["gbr"].troops == 40000 and on["egy"].troops == 30000       # Heritage, 4 February 1991


def test_gulf_korea_arrives_in_january_with_154_then_314(world):
    assert members(world, "1991-01-17", "gulf-1991")["kor"].uncertain   # in January, day unknown
    assert members(world, "1991-02-01", "gulf-1991")["kor"].troops == 154
    assert members(world, "1991-02-27", "gulf-1991")["kor"].troops == 314


def test_gulf_gao_counts_are_all_shown(world):
    claims = world.asof("1991-08-01", "gulf-1991").claims
    gao = {c["date"]: c["count"] for c in claims if c["sources"][0].startswith("gao-")}
    assert gao == {"1991-01-04": 35, "1991-02-27": 31, "1991-07-31": 36}
    assert len({c["count"] for c in claims}) >= 10          # 19 to 43: every count is shown


def test_kosovo_iceland_luxembourg_and_greece_are_not_members(world):
    on = members(world, "1999-04-01", "kosovo-1999")
    assert {"isl", "lux", "grc"}.isdisjoint(on) and {"nato", "usa", "nld", "deu"} <= set(on)
    # with the three new members' political support set aside, the aircraft contributors are
    # the thirteen of NATO's nineteen that CRS counts
    assert len(set(on) - {"nato", "hun", "cze", "pol"}) == 13


def test_kosovo_opening_wave_is_the_eight_allies_afp_names(world):
    first = {a: m for a, m in members(world, "1999-03-24", "kosovo-1999").items() if not m.uncertain}
    eight = {"gbr", "can", "fra", "deu", "ita", "nld", "esp", "usa"}
    assert eight <= set(first)
    assert {"dnk", "nor"}.isdisjoint(members(world, "1999-03-24", "kosovo-1999"))
    second = members(world, "1999-03-25", "kosovo-1999")
    assert not second["dnk"].uncertain and not second["nor"].uncertain
    assert second["bel"].uncertain and second["tur"].uncertain       # joined in 1999, day unknown


def test_interfet_australia_deploys_2000_first_and_ends_on_23_february_2000(world):
    on = members(world, "1999-09-21", "interfet-1999")
    assert on["aus"].troops == 2000                     # the Prime Minister to the House, 21 September
    assert members(world, "2000-02-22", "interfet-1999")
    assert not members(world, "2000-02-23", "interfet-1999")   # hand-over to UNTAET (UN), not the 28th
    claims = {c["count"] for c in world.asof("1999-09-30", "interfet-1999").claims}
    assert {12, 13} <= claims


def test_isaf_placemat_of_6_august_2010_counts_47_nations(world):
    claims = [c for c in world.asof("2010-08-31", "isaf").claims
              if c["sources"] == ["nautilus-2010-isaf-coalition-forces"]]
    assert [(c["date"], c["count"]) for c in claims] == [("2010-08-06", 47)]
    assert "119,819" in claims[0]["label"]            # the placemat's total strength


def test_count_claims_in_the_model_one_coalitions_are_reconciled(world):
    """Every count claim of these coalitions either matches the ledger's count on its date or
    carries a note (its own or a correction's) that says why not (`ledger check`)."""
    mine = {"albania-1997", "gulf-1991", "kosovo-1999", "isaf", "interfet-1999"}
    unexplained = [p for p in world.check() if p.level == "problem" and p.coalition in mine]
    assert unexplained == []


def test_interfet_pledges_and_undated_peaks_are_not_levels(world):
    on = members(world, "1999-10-31", "interfet-1999")
    # peaks are not levels: Australia's last level is the Hansard's 2,468 ashore on 23 September
    assert on["aus"].troops == 2468 and on["nzl"].troops != 1200
    assert all(on[a].troops is None for a in ("can", "ita"))   # the BBC's were offers
    # France's level is its ministry's (200 at Darwin from 20 September), not the BBC's offer
    assert (on["fra"].troops, on["fra"].troops_as_of) == (200, "1999-09-20")
    assert [s["id"] for s in on["fra"].troops_sources] == ["frmod-1999-12-06-dossier-santal"]
    peaks = {(e.actor, e.payload["troops"]) for e in world.log("interfet-1999") if e.type == "peak_troops"}
    assert {("aus", 5500), ("nzl", 1200)} <= peaks
