"""Panels that merge (README, "Panels"): codes, status, troops by end|max|mean, share, successors,
every state of the system, and a merge on ccode with a real COW state-year frame."""
import csv
import io
import os
from datetime import date

import pytest

from ledger import Ledger
from ledger.errors import InputError
from conftest import data


@pytest.fixture
def world(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    return sqlite_ledger


def _rows(ledger, **kw):
    return {(r.year, r.actor): r for r in ledger.panel("test", "year", **kw)}


def test_panel_columns_codes_and_status(world):
    rows = _rows(world)
    pol = rows[(2003, "pol")]
    assert (pol.coalition, pol.period, pol.iso3, pol.ccode, pol.gwcode) == ("test-2003", "2003-12-31",
                                                                         "POL", 290, 290)
    assert pol.status == "member" and pol.troops == 2500 and pol.sources == ("s1",)
    assert pol.url == "https://example.org/1"
    assert rows[(2004, "esp")].status == "withdrawn"          # was in, left 2004-05-21
    assert rows[(2008, "pol")].status == "withdrawn"
    assert rows[(2004, "esp")].troops is None and rows[(2004, "esp")].sources == ("s2",)  # the withdrawal


def test_share_is_the_fraction_of_the_period_in(world):
    rows = _rows(world)
    days_2003 = (date(2003, 12, 31) - date(2003, 3, 20)).days + 1
    assert rows[(2003, "pol")].share == round(days_2003 / 365, 4)
    assert rows[(2004, "esp")].share == round(((date(2004, 5, 21) - date(2004, 1, 1)).days) / 366, 4)
    assert rows[(2005, "pol")].share == 1.0 and rows[(2005, "esp")].share == 0.0


def test_troops_end_max_mean(world):
    end, top, mean = (_rows(world, troops=t)[(2003, "pol")].troops for t in ("end", "max", "mean"))
    assert (end, top) == (2500, 2500)
    before = (date(2003, 9, 3) - date(2003, 3, 20)).days        # 200 troops until 2003-09-02
    after = (date(2003, 12, 31) - date(2003, 9, 3)).days + 1    # 2,500 from 2003-09-03
    assert mean == round((200 * before + 2500 * after) / (before + after))
    assert _rows(world, troops="max")[(2008, "pol")].troops == 2500     # left 2008-10-28
    assert _rows(world, troops="end")[(2008, "pol")].troops is None


def test_all_states_adds_the_system_with_status_none(world):
    rows = world.panel("test", "year", "2005", "2005", all_states=True)
    by = {r.actor: r for r in rows}
    assert by["usa"].status == "member" and by["chn"].status == "none" and by["chn"].ccode == 710
    assert by["scg"].ccode == 345 and "srb" not in by and "sun" not in by
    assert "and" in by and by["and"].gwcode is None                  # GW's list has no microstates
    gw = {r.actor: r for r in world.panel("test", "year", "2005", "2005", all_states=True,
                                          system="gw")}
    assert "and" not in gw and gw["esp"].status == "withdrawn"
    with pytest.raises(InputError, match="the COW or the GW state system"):
        world.panel("test", "year", all_states=True, system="iso")
    vdem = {r.actor: r for r in world.panel("test", "year", "2005", "2005", system="vdem")}
    assert vdem["pol"].vdem == "POL" and vdem["pol"].note == ""
    xkx = {r.actor: r for r in world.panel("test", "year", "2007", "2007", all_states=True)}
    assert "xkx" not in xkx                                       # COW: Kosovo from 2008-02-20


def _state_years(first: int, last: int) -> list[tuple[int, int]]:
    """A COW-style state-year frame: a state is in year Y if it was in the system on any day of Y."""
    out = []
    with open(os.path.join(os.path.dirname(__file__), "data", "cow-states2016-extract.csv")) as f:
        for r in csv.DictReader(f):
            end = 9999 if (r["endyear"], r["endmonth"], r["endday"]) == ("2016", "12", "31") else int(r["endyear"])
            for year in range(max(first, int(r["styear"])), min(last, end) + 1):
                out.append((int(r["ccode"]), year))
    return sorted(set(out))


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    ledger = Ledger.open(f"sqlite:///{tmp_path_factory.mktemp('panel') / 'ledger.sqlite'}")
    yield ledger
    ledger.close()


def test_ottawa_panel_merges_on_ccode_with_a_cow_state_year_frame(bundled):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_state_years(1997, 2016), columns=["ccode", "year"])
    panel = bundled.panel("ottawa", "year", "1997", "2016", all_states=True).to_pandas()
    assert str(panel["ccode"].dtype) == "Int64"
    keyed = panel.dropna(subset=["ccode"])        # states with no COW code (Niue, ...) have a note
    assert (panel[panel["ccode"].isna()]["note"] == "no cow code in this period").all()
    merged = frame.merge(keyed, on=["ccode", "year"], how="left", validate="one_to_one")
    assert merged["status"].notna().all(), merged[merged["status"].isna()]
    at = merged.set_index(["ccode", "year"])
    assert at.loc[(345, 2004), "actor"] == "scg" and at.loc[(345, 2004), "status"] == "party"
    # Serbia continues Serbia and Montenegro: a party, not a new state outside the treaty
    assert at.loc[(345, 2006), "actor"] == "srb" and at.loc[(345, 2010), "status"] == "party"
    assert at.loc[(345, 2010), "note"] == "continues scg"
    assert at.loc[(341, 2007), "actor"] == "mne" and at.loc[(341, 2007), "status"] == "party"
    assert at.loc[(2, 2010), "status"] == "none" and at.loc[(365, 2010), "status"] == "none"
    assert at.loc[(347, 2010), "iso3"] == "XKX" and at.loc[(345, 2010), "vdem"] == "SRB"
    assert at.loc[(316, 2000), "iso3"] == "CZE" and at.loc[(230, 1999), "status"] == "party"
    assert set(panel.columns) >= {"coalition", "year", "actor", "iso3", "ccode", "gwcode", "vdem",
                                  "name", "status", "troops", "share", "uncertain", "sources", "url"}


def test_panel_csv_and_monthly_month_column(world):
    from ledger.exports import panel_csv
    text = panel_csv(world.panel("test", "month", "2004-04", "2004-05"), "month")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0].keys() >= {"year", "month", "ccode"}
    esp = {r["month"]: r for r in rows if r["actor"] == "esp"}
    assert esp["4"]["status"] == "member" and esp["5"]["status"] == "withdrawn"
    assert "month" not in panel_csv(world.panel("test", "year"), "year").splitlines()[0].split(",")


def test_states_that_end_inside_a_period_without_a_continuator(world):
    pd = pytest.importorskip("pandas")
    by = {(r.year, r.actor): r for r in world.panel("test", "year", "1990", "1993", all_states=True)}
    ddr = by[(1990, "ddr")]                      # absorbed by Germany on 1990-10-03
    assert (ddr.ccode, ddr.status, ddr.note) == (265, "none", "ended 1990-10-02")
    assert (1991, "ddr") not in by
    assert by[(1992, "csk")].ccode == 315 and (1993, "csk") not in by
    assert by[(1993, "cze")].ccode == 316 and (1992, "cze") not in by
    assert (1991, "sun") not in by and by[(1991, "rus")].ccode == 365     # Russia continues it
    frame = pd.DataFrame(_state_years(1990, 1993), columns=["ccode", "year"])
    panel = world.panel("test", "year", "1990", "1993", all_states=True).to_pandas()
    merged = frame.merge(panel.dropna(subset=["ccode"]), on=["ccode", "year"], how="left",
                         validate="one_to_one")
    unmatched = set(map(tuple, merged[merged["actor"].isna()][["ccode", "year"]].values.tolist()))
    # West Germany's 260 ends on 1990-10-02 and Germany's row carries 255, valid at the year's end
    assert unmatched == {(260, 1990)}
