"""`growth --align opening` and its chart: treaties side by side by years since each opened for
signature (synthetic treaties of tests/data/world.yaml and model-two.yaml)."""
import csv
import io
import json
import re
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import data
from ledger import InputError
from ledger.cli.main import cli
from ledger.lineage import aligned


def _fill(ledger):
    ledger.import_file(data("model-two.yaml"))
    # pact-2000 opens 2000-01-10: three deposits, in force 2000-11-01
    ledger.append("sign_treaty", "pact", "2000-01-10", actor="aaa", source="s1")
    ledger.append("sign_treaty", "pact", "2000-02-01", actor="bbb", source="s1")
    for actor, day in (("aaa", "2000-03-15"), ("bbb", "2000-04-30"), ("ccc", "2000-05-31")):
        ledger.append("ratify", "pact", day, actor=actor, mode="accession", source="s1")
    # trade-2013 opens 2013-06-03: two ratifications, in force 90 days after the second
    ledger.append("sign_treaty", "trade-2013", "2013-06-03", actor="aaa", source="s1")
    ledger.append("sign_treaty", "trade-2013", "2013-06-03", actor="bbb", source="s1")
    ledger.append("ratify", "trade-2013", "2014-01-10", actor="aaa", mode="ratification", source="s1")
    ledger.append("ratify", "trade-2013", "2014-06-02", actor="bbb", mode="ratification", source="s1")
    return ledger


@pytest.fixture
def lineage(ledger):
    return _fill(ledger)


def test_rows_are_anniversaries_of_the_opening(lineage):
    points = aligned(lineage, ["pact", "trade-2013"], today=date(2016, 6, 3))
    pact = [(p.years, p.date, p.signed, p.ratified, p.parties) for p in points if p.coalition == "pact-2000"]
    assert pact[:3] == [(0, "2000-01-10", 1, 0, 0), (1, "2001-01-10", 2, 3, 3),
                        (2, "2002-01-10", 2, 3, 3)]
    assert pact[-1][0] == 16           # 2016-01-10 is the last anniversary before 2016-06-03
    trade = [(p.years, p.date, p.signed, p.parties) for p in points if p.coalition == "trade-2013"]
    # in force 2014-08-31, so on the first anniversary (2014-06-03) none is a party yet
    assert trade == [(0, "2013-06-03", 2, 0), (1, "2014-06-03", 2, 0), (2, "2015-06-03", 2, 2),
                     (3, "2016-06-03", 2, 2)]


def test_a_leap_day_opening_has_its_anniversaries_on_28_february(ledger):
    from ledger.files import Record
    ledger.import_records([Record("coalition", {
        "id": "leap-2004", "name": "Leap treaty", "kind": "treaty",
        "treaty": {"signature_open": {"from": "2004-02-29"}}}, "<t>", 1)], "<t>")
    ledger.append("sign_treaty", "leap-2004", "2004-02-29", actor="aaa", source="s1")
    days = [p.date for p in aligned(ledger, ["leap-2004"], today=date(2008, 3, 1))]
    assert days == ["2004-02-29", "2005-02-28", "2006-02-28", "2007-02-28", "2008-02-29"]


def test_only_treaties_with_an_opening_can_be_aligned(lineage):
    with pytest.raises(InputError, match="not a treaty with a day it opened"):
        aligned(lineage, ["test"])
    with pytest.raises(InputError, match="not a treaty with a day it opened"):
        aligned(lineage, ["protocol-2000"])          # declared without signature_open or adopted


@pytest.fixture
def run(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()

    def invoke(*args, code=0):
        result = runner.invoke(cli, ["--database", url, "--no-bundled", *args])
        assert result.exit_code == code, result.output
        return result.output

    invoke("import", data("world.yaml"))
    from ledger import Ledger
    ledger = Ledger.open(url, bundled_data=False)
    _fill(ledger)
    ledger.close()
    return invoke


def test_cli_table_csv_and_json(run):
    args = ("growth", "-c", "pact", "-c", "trade-2013", "--align", "opening")
    table = run(*args).splitlines()
    assert table[0].split() == ["years", "pact-2000", "parties", "pact-2000", "signed",
                                "trade-2013", "parties", "trade-2013", "signed"]
    assert table[2].split() == ["0", "0", "1", "0", "2"]
    assert table[4].split() == ["2", "3", "2", "2", "2"]
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv"))))
    assert rows[0] == {"coalition": "pact-2000", "years": "0", "date": "2000-01-10", "signed": "1",
                       "ratified": "0", "parties": "0", "withdrawn": "0", "uncertain": "0"}
    doc = json.loads(run(*args, "--format", "json"))
    assert doc["align"] == "opening" and doc["coalitions"] == ["pact", "trade-2013"]
    assert {(p["coalition"], p["years"]) for p in doc["points"]} >= {("trade-2013", 2), ("pact-2000", 14)}


def test_cli_several_coalitions_need_align_and_bad_ones_are_errors(run):
    out = run("growth", "-c", "pact", "-c", "trade-2013", code=2)
    assert "--align opening" in out
    out = run("growth", "-c", "test", "--align", "opening", code=1)
    assert "Error:" in out and "test-2003" in out


def test_chart_draws_each_treaty_s_parties_and_signatories(run, tmp_path):
    path = tmp_path / "lineage.svg"
    run("chart", "-c", "pact", "-c", "trade-2013", "--align", "opening", "-o", str(path))
    svg = path.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "years since opening for signature" in svg
    series = [s for s in svg.split('data-series="')[1:]]
    assert [s.split('"')[0] for s in series] == ["pact-2000 parties", "pact-2000 signed",
                                                 "trade-2013 parties", "trade-2013 signed"]
    # one legend entry per treaty, in its colour
    assert re.findall(r'<text x="\d+" y="36">([^<]+)</text>', svg) == ["pact-2000", "trade-2013"]
    # the younger treaty's lines are shorter: one point per anniversary
    points = {s.split('"')[0]: s.split('points="')[1].split('"')[0].count(",") for s in series}
    assert points["pact-2000 parties"] > points["trade-2013 parties"] > 0
