"""`ledger coverage`: sources by tier, the share of events whose best source is press or better,
and the age of troop figures at each year end (README, "Bundled data")."""
import json

from click.testing import CliRunner

from ledger.cli.main import cli
from ledger.coverage import coverage, markdown, to_dict
from ledger.files import Record
from conftest import data


def _rate(ledger, **tiers):
    ledger.import_records([Record("source", {"id": sid, "title": sid.upper(), "tier": tier}, "<t>", n)
                           for n, (sid, tier) in enumerate(tiers.items(), start=1)])


def _row(ledger, coalition="test-2003"):
    return next(r for r in coverage(ledger) if r["coalition"] == coalition)


def test_best_source_is_the_highest_tier_an_event_cites(ledger):
    _rate(ledger, gov="official", blog="weak", wiki="reference")
    ledger.append("join", "test", "2003-03-20", actor="pol", sources=[{"source": "blog"}, {"source": "gov"}])
    ledger.append("join", "test", "2003-04-01", actor="esp", source="wiki")
    ledger.append("join", "test", "2003-04-02", actor="gbr", source="blog")
    row = _row(ledger)
    assert row["tiers"] == {"official": 1, "reference": 1, "weak": 1}
    assert (row["standing"], row["press_or_better"], row["reference_or_weak"]) == (3, 1, 2)
    assert row["unsourced"] == 0


def test_an_unrated_source_is_not_press_or_better(ledger):
    ledger.append("join", "test", "2003-03-20", actor="pol", source="s1")     # s1 has no tier
    row = _row(ledger)
    assert row["tiers"] == {"unrated": 1} and row["reference_or_weak"] == 1


def test_a_retracted_event_is_left_out_and_a_correction_lends_its_sources(ledger):
    _rate(ledger, blog="weak", untc="depositary")
    ledger.append("join", "test", "2003-03-20", actor="pol", source="blog", id="pol-in")
    ledger.append("join", "test", "2003-03-21", actor="esp", source="blog", id="esp-in")
    ledger.append("join", "test", "2003-03-22", actor="gbr", source="blog")
    assert _row(ledger)["reference_or_weak"] == 3
    ledger.append("retract", "test", "2010-01-01", ref="pol-in", source="untc")
    ledger.append("correct", "test", "2010-01-02", ref="esp-in", set={"date": "2003-03-25"},
                  source="untc")
    row = _row(ledger)
    assert (row["from"], row["to"]) == ("2003-03-20", "2003-03-22")   # not the corrections' days
    # pol's join is gone; esp's counts with the depositary; the correction and retraction
    # events are not counted themselves
    assert (row["events"], row["standing"], row["press_or_better"]) == (5, 2, 1)


def test_a_fact_restated_by_a_better_source_pools_the_sources(ledger):
    _rate(ledger, blog="weak", wire="press")
    ledger.append("join", "test", "2003-03-20", actor="pol", source="blog")
    ledger.append("join", "test", "2003-03-20", actor="pol", source="wire")   # same fact, same values
    ledger.append("join", "test", "2003", actor="esp", source="blog")
    ledger.append("join", "test", "2003-04-02", actor="esp", source="wire")   # a finer date of it
    ledger.append("commit_troops", "test", "2003-05-01", actor="pol", troops=100, source="blog")
    ledger.append("commit_troops", "test", "2003-05-01", actor="pol", troops=120, source="wire")
    row = _row(ledger)
    # the disagreeing troop figure from the blog keeps its own (weak) best source
    assert (row["standing"], row["press_or_better"], row["reference_or_weak"]) == (6, 5, 1)


def test_troop_ages_at_each_year_end(ledger):
    ledger.append("join", "test", "2003-03-20", actor="pol", troops=200, source="s1")
    ledger.append("commit_troops", "test", "2004-09", actor="pol", troops=2400, source="s1")
    ledger.append("join", "test", "2003-12-01", actor="esp", troops=1300, source="s1")
    ledger.append("withdraw", "test", "2004-05-21", actor="esp", source="s1")
    ledger.append("join", "test", "2004-01-01", actor="gbr", source="s1")      # no figure
    ledger.append("milestone", "test", "2005-06-30", label="last event", source="s1")
    ages = _row(ledger)["troop_ages"]
    assert ages == [
        {"date": "2003-12-31", "members": 2, "with_figure": 2, "median": (286 + 30) / 2, "worst": 286},
        {"date": "2004-12-31", "members": 2, "with_figure": 1, "median": 121, "worst": 121}]
    ledger.append("withdraw", "test", "2005-03-01", actor="pol", source="s1")
    ledger.append("milestone", "test", "2006-06-30", label="later", source="s1")
    # a year end whose members have no figure is shown, as a gap
    assert _row(ledger)["troop_ages"][-1] == {"date": "2005-12-31", "members": 1, "with_figure": 0,
                                              "median": None, "worst": None}


def test_no_troop_ages_for_a_coalition_without_figures(ledger):
    ledger.append("join", "test", "2003-03-20", actor="pol", source="s1")
    ledger.append("milestone", "test", "2005-06-30", label="last event", source="s1")
    assert _row(ledger)["troop_ages"] == []


def test_markdown_and_json_give_the_shares_overall_and_per_coalition(ledger):
    _rate(ledger, blog="weak", wire="press")
    ledger.append("join", "test", "2003-03-20", actor="pol", source="blog")
    ledger.append("join", "test", "2003-03-21", actor="esp", source="wire")
    ledger.append("sign_treaty", "pact", "2000-02-01", actor="esp", source="wire")
    rows = coverage(ledger)
    text = markdown(rows)
    assert "| `test-2003` | military | top-down | 2 | 2 | 2 | 2003-03-20 | 2003-03-21 | P 1 · W 1 " \
           "| 50.0 % | 50.0 % |" in text
    assert "| all | | | | 3 | | | | | 66.7 % | 33.3 % |" in text
    whole = to_dict(rows)["all"]
    assert whole["reference_or_weak_share"] == 0.3333 and whole["events"] == 3


def test_cli_coverage_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()
    for args in (["import", data("world.yaml")], ["import", data("iraq-sample.yaml")]):
        assert runner.invoke(cli, ["--database", url, "--no-bundled", *args]).exit_code == 0
    result = runner.invoke(cli, ["--database", url, "--no-bundled", "coverage", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    row = next(r for r in out["coalitions"] if r["coalition"] == "test-2003")
    assert row["tiers"] == {"unrated": row["sources"]} and row["press_or_better_share"] == 0.0
    assert row["troop_ages"] and out["all"]["events"] == sum(r["events"] for r in out["coalitions"])
