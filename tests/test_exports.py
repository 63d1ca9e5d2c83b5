"""Exports (events as JSON Lines and CSV), the actor × period panel, and citations."""
import csv
import io
import json

from click.testing import CliRunner
from freezegun import freeze_time

from conftest import data
from ledger import Ledger
from ledger.cli.main import cli


def run(url, *args):
    result = CliRunner().invoke(cli, ["--database", url, "--no-bundled", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _events(ledger):
    """The log without what a new append necessarily changes (when it was recorded)."""
    return [{k: v for k, v in e.to_dict().items() if k != "recorded_at"} for e in ledger.log()]


def _fill(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("sign_treaty", "pact", "2000-02-01", actor="esp", source="s1", locator="p. 3",
                  quote="signed at the ceremony")
    ledger.append("ratify", "pact", "2000-05-01", actor="esp", mode="acceptance", source="s2",
                  note="deposited in New York")
    ledger.append("correct", "test", "2010-01-01", ref="esp-join", set={"troops": 1400}, source="s3")


def test_jsonl_export_reimports_as_the_same_events(ledger, tmp_path, sqlite_url):
    _fill(ledger)
    url = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    path = tmp_path / "export.jsonl"
    src_url = str(ledger.engine.url.render_as_string(hide_password=False))
    run(src_url, "export", "--format", "jsonl", "-o", str(path))
    # into an empty ledger, through the command line: the same events, in the same order
    out = run(url, "import", str(path))
    assert "appended 10 event(s): 10 new" in out
    copy = Ledger.open(url, bundled_data=False)
    try:
        assert _events(copy) == _events(ledger)
        assert copy.asof("2004-01-01", "test").to_dict() == ledger.asof("2004-01-01", "test").to_dict()
        assert copy.verify().ok
    finally:
        copy.close()
    # into the ledger it came from: nothing new
    again = ledger.import_file(str(path))
    assert (again.new, again.duplicate, again.conflicting) == (0, 10, 0)


def test_jsonl_export_of_one_coalition_carries_what_it_needs(sqlite_ledger, tmp_path):
    _fill(sqlite_ledger)
    path = tmp_path / "pact.jsonl"
    run(str(sqlite_ledger.engine.url), "export", "-c", "pact", "-o", str(path))
    records = [json.loads(line) for line in path.read_text().splitlines()]
    kinds = [r["record"] for r in records]
    assert kinds == ["actor", "coalition", "source", "source", "event", "event"]
    sign = records[4]
    assert sign["sources"] == [{"source": "s1", "locator": "p. 3", "quote": "signed at the ceremony"}]
    assert records[5]["mode"] == "acceptance" and records[5]["note"] == "deposited in New York"
    fresh = Ledger.open(f"sqlite:///{tmp_path / 'b.sqlite'}", bundled_data=False)
    try:
        summary = fresh.import_file(str(path))
        assert summary.new == 2
        assert fresh.asof("2000-06-01", "pact").members[0].status == "ratified"
    finally:
        fresh.close()


def test_csv_export_lists_events_with_source_titles_and_urls(sqlite_ledger):
    _fill(sqlite_ledger)
    out = run(str(sqlite_ledger.engine.url), "export", "--format", "csv", "-c", "test")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 8
    first = rows[0]
    assert (first["type"], first["actor"], first["date"], first["troops"]) == ("join", "usa", "2003-03-20", "150000")
    assert first["source_titles"] == "First source" and first["source_urls"] == "https://example.org/1"
    correction = rows[-1]
    assert correction["type"] == "correct" and correction["ref"] == "esp-join"
    assert json.loads(correction["set"]) == {"troops": 1400}


def test_panel_has_one_row_per_actor_and_period_from_asof(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    url = str(sqlite_ledger.engine.url)
    rows = list(csv.DictReader(io.StringIO(run(url, "panel", "-c", "test", "--every", "year"))))
    periods = sorted({r["period"] for r in rows})
    assert periods[0] == "2003-12-31" and all(p.endswith("-12-31") for p in periods)
    assert len(rows) == 3 * len(periods)
    by = {(r["period"], r["actor"]): r for r in rows}
    assert by[("2003-12-31", "esp")]["status"] == "member"
    assert by[("2003-12-31", "esp")]["troops"] == "1300"
    assert by[("2003-12-31", "esp")]["sources"] == "s1"
    assert by[("2004-12-31", "esp")]["status"] == "withdrawn" and by[("2004-12-31", "esp")]["troops"] == ""
    for period in periods:      # every row agrees with asof on that day
        asof = {m.actor: m for m in sqlite_ledger.asof(period, "test").members}
        for actor in ("esp", "pol", "usa"):
            row = by[(period, actor)]
            assert (row["status"] not in ("withdrawn", "none")) == (actor in asof)
            if actor in asof:
                assert row["troops"] == str(asof[actor].troops or "")


def test_panel_monthly_json(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    out = run(str(sqlite_ledger.engine.url), "panel", "-c", "test", "--every", "month",
              "--from", "2004-03", "--to", "2004-06", "--format", "json")
    doc = json.loads(out)
    assert sorted({r["period"] for r in doc["rows"]}) == ["2004-03-31", "2004-04-30", "2004-05-31",
                                                           "2004-06-30"]
    esp = {r["period"]: r["status"] for r in doc["rows"] if r["actor"] == "esp"}
    assert esp["2004-04-30"] == "member" and esp["2004-05-31"] == "withdrawn"


@freeze_time("2026-02-03 10:00:00")
def test_cite_text_names_version_events_head_and_date(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    seq, head = sqlite_ledger.head()
    out = run(str(sqlite_ledger.engine.url), "cite", "-c", "test")
    assert "coalition-ledger 0.1.0" in out and f"{seq} events" in out and head in out
    assert "retrieved 2026-02-03" in out
    assert "[s1] First source. Test Wire. 2005-01-01. https://example.org/1" in out
    assert "s3" not in out        # declared but not cited by this coalition


@freeze_time("2026-02-03 10:00:00")
def test_cite_bibtex_has_misc_entries_for_ledger_and_sources(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    sqlite_ledger.declare_source(id="s_amp", title="Troops & 100% of {them}", author="Doe, Jane",
                                 url="https://example.org/a_b", published="2004-05")
    sqlite_ledger.append("join", "test", "2005-01-01", actor="gbr", source="s_amp")
    _, head = sqlite_ledger.head()
    out = run(str(sqlite_ledger.engine.url), "cite", "-c", "test", "--format", "bibtex")
    entries = [e for e in out.split("\n\n") if e.strip()]
    assert all(e.startswith("@misc{") for e in entries)
    assert entries[0].startswith(f"@misc{{coalition-ledger-{head[:12]},") and head in entries[0]
    keys = [e.split("{", 1)[1].split(",", 1)[0] for e in entries[1:]]
    assert keys == ["s1", "s2", "s_amp"]
    amp = entries[3]
    assert r"title = {Troops \& 100\% of \{them\}}" in amp
    assert "author = {Doe, Jane}" in amp and "year = {2004}" in amp and "month = {5}" in amp
    assert "url = {https://example.org/a_b}" in amp
    assert out.count("{") == out.count("}")
