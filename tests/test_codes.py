"""State codes over time (ledger/codes.py, ledger/data/): the table, prefixed codes as actor names,
and the built-in states of a ledger opened without the bundled events."""
import csv
import io

import pytest
from click.testing import CliRunner

from ledger import Ledger, codes
from ledger.cli.main import cli
from ledger.errors import UnknownIdError


def test_codes_carry_their_own_intervals():
    assert codes.code_in("esp", "cow", "2004-12-31") == "230"
    assert codes.code_in("esp", "cowabb", "2004-12-31") == "SPN"
    assert codes.code_in("cze", "cow", "2004-12-31") == "316"
    assert codes.code_in("csk", "cow", "1991-06-30") == "315"
    assert codes.code_in("csk", "cow", "1993-06-30") is None       # dissolved 1992-12-31
    # COW keeps Yugoslavia's 345 for Serbia; GW gives Serbia 340 from 2006-06-05
    assert [codes.code_in(a, "cow", d) for a, d in
            (("yug", "2002-12-31"), ("scg", "2004-12-31"), ("srb", "2007-12-31"))] == ["345"] * 3
    assert codes.code_in("scg", "cow", "2007-12-31") is None
    assert codes.code_in("srb", "gw", "2007-12-31") == "340"
    assert codes.code_in("scg", "gw", "2005-12-31") == "345"
    assert codes.code_in("mne", "cow", "2006-12-31") == "341"
    assert codes.code_in("xkx", "iso3", "2010-01-01") == "XKX"
    assert codes.code_in("xkx", "cow", "2007-12-31") is None        # COW: from 2008-02-20
    assert codes.code_in("deu", "gw", "1980-01-01") == "260"         # GW keeps 260 after 1990
    assert codes.code_in("deu", "gw", "2000-01-01") == "260"
    assert codes.code_in("deu", "cow", "2000-01-01") == "255"
    assert codes.code_in("esp", "wikidata", "2000-01-01") == "Q29"
    # V-Dem keeps one unit for Yugoslavia, Serbia and Montenegro and Serbia, as COW does
    assert [codes.code_in(a, "vdem", d) for a, d in
            (("yug", "2002-12-31"), ("scg", "2004-12-31"), ("srb", "2007-12-31"))] == ["SRB"] * 3
    assert codes.code_in("xkx", "vdem", "2010-01-01") == "XKX"
    assert codes.code_in("ddr", "vdem", "1980-01-01") == "DDR"


def test_one_code_names_one_actor_on_any_day():
    by_code: dict = {}
    for c in codes.table():
        assert c.start is None or c.end is None or c.start <= c.end, c
        if c.system in ("cow", "gw"):
            by_code.setdefault((c.system, c.code), []).append(c)
    for key, spells in by_code.items():
        spells.sort(key=lambda c: c.start or "")
        for a, b in zip(spells, spells[1:]):
            assert a.end is not None and a.end < b.start, (key, a, b)


def test_every_state_of_the_ledger_has_an_iso_code_and_rows_cite_a_list():
    import yaml
    from importlib.resources import files
    actors = yaml.safe_load(files("ledger.events").joinpath("actors.yaml").read_text())["actors"]
    for a in actors:
        assert codes.code_in(a["id"], "iso3", "1990-01-01", "2026-01-01") == a["id"].upper(), a["id"]
    listed = {"iso-3166-1", "iso-3166-3", "user-assigned", "cow-2016", "gw-2017",
              "owid-countries-regions", "fr-2004-69-3188", "vparty"}
    assert {c.source for c in codes.table()} <= listed
    assert {s.source for s in codes.successions()} <= listed
    provenance = files("ledger.data").joinpath("PROVENANCE.md").read_text()
    for source in listed:
        assert f"`{source}`" in provenance


@pytest.mark.parametrize("text, actor", [("cow:230", "esp"), ("COW:230", "esp"), ("iso:esp", "esp"),
                                         ("iso3:ESP", "esp"), ("Q29", "esp"), ("gw:345", "scg"),
                                         ("cow:345", "srb"), ("cowabb:SPN", "esp"), ("gw:340", "srb")])
def test_prefixed_codes_name_actors(text, actor):
    assert codes.actor_for(text) == (actor, "")


def test_successions_continue_and_end_states():
    assert codes.continuing("scg").successor == "srb"
    assert codes.continuing("yug").successor == "scg"
    assert codes.continuing("csk") is None
    assert codes.ended("scg") == "2006-06-04"
    assert codes.ended("csk") == "1992-12-31"
    assert codes.ended("srb") is None


def test_a_ledger_without_the_bundled_events_knows_the_states(sqlite_url):
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    assert ledger.log() == []
    assert {a.id for a in ledger.actors()} >= {"esp", "srb", "scg", "xkx", "sun"}
    ledger.import_file(_world(ledger, sqlite_url))
    ledger.append("join", "test", "2003-08-01", actor="cow:230", source="s1")
    ledger.append("join", "test", "2003-08-01", actor="Q38", source="s1")
    assert {m.actor for m in ledger.asof("2004-01-01", "test").members} == {"esp", "ita"}
    assert [s.coalition for s in ledger.history("gw:230")] == ["test"]
    with pytest.raises(UnknownIdError, match="no state has the cow code '999'"):
        ledger.append("join", "test", "2003-08-01", actor="cow:999", source="s1")
    ledger.close()
    # opened again: nothing declared twice
    again = Ledger.open(sqlite_url, bundled_data=False)
    assert again.log()[-1].actor == "ita"
    again.close()


def _world(ledger, url):
    import os
    import tempfile
    path = os.path.join(tempfile.mkdtemp(), "w.yaml")
    with open(path, "w") as f:
        f.write("coalitions:\n  - {id: test, name: Test, kind: military}\n"
                "sources:\n  - {id: s1, title: One}\n")
    return path


def test_actors_csv_prints_every_code(sqlite_url):
    out = CliRunner().invoke(cli, ["--database", sqlite_url, "--no-bundled", "actors", "--all",
                                   "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.output))}
    assert rows["srb"]["cow"] == "345 (2006-06-05/..)"
    assert rows["srb"]["gw"] == "340 (1878-07-13/1915-10-01); 340 (2006-06-05/..)"
    assert rows["yug"]["iso3"] == "YUG (../2003-07-23)"
    assert rows["esp"]["wikidata"] == "Q29"
