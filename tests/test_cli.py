"""Every core command through click's CliRunner: output, formats, exit codes, errors."""
import csv
import io
import json
import os
import re

import pytest
from click.testing import CliRunner

from ledger.cli.main import cli
from conftest import HERE, data

README = os.path.join(os.path.dirname(HERE), "README.md")


@pytest.fixture
def run(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()

    def invoke(*args, code=0):
        result = runner.invoke(cli, ["--database", url, "--no-bundled", *args])
        assert result.exit_code == code, result.output
        return result.output

    invoke("import", data("world.yaml"))
    invoke("import", data("iraq-sample.yaml"))
    return invoke


def test_asof_table_and_json(run):
    out = run("asof", "2004-01-01", "--coalition", "test")
    assert "Test coalition (test-2003) on 2004-01-01" in out
    assert re.search(r"esp\s+Spain\s+member\s+1,300 \(2003-08\)\s+2003-08", out)
    assert "3 members, 153,800 troops" in out
    doc = json.loads(run("asof", "2004-01-01", "-c", "test", "--format", "json"))
    assert set(doc) >= {"coalition", "date", "known_at", "count", "troops_total", "members"}
    assert doc["count"] == 3 and doc["troops_total"] == 153800 and doc["known_at"] is None
    member = doc["members"][0]
    assert set(member) >= {"actor", "name", "status", "troops", "since", "uncertain", "sources"}
    assert member["sources"][0]["id"] == "s1"


def test_asof_csv_and_markdown(run):
    rows = list(csv.reader(io.StringIO(run("asof", "2004-01-01", "-c", "test", "--format", "csv"))))
    assert rows[0][:5] == ["actor", "name", "status", "troops", "since"] and len(rows) == 4
    assert ["esp", "Spain", "member", "1300", "2003-08"] == rows[2][:5] or \
        ["esp", "Spain", "member", "1300", "2003-08"] in [r[:5] for r in rows]
    md = run("asof", "2004-01-01", "-c", "test", "--format", "markdown")
    assert "| actor | name | status |" in md and "| esp | Spain | member |" in md


def test_published_by_hears_only_the_sources_out_by_then(run):
    # Spain's withdrawal rests on s2, published 2006-01-01: by the end of 2005 no source said so
    heard = run("asof", "2005-06-30", "-c", "test", "--published-by", "2005")
    assert "on 2005-06-30, from sources published by 2005-12-31" in heard
    assert re.search(r"esp\s+Spain\s+member", heard)
    assert not re.search(r"esp\s+Spain", run("asof", "2005-06-30", "-c", "test"))
    doc = json.loads(run("asof", "2005-06-30", "-c", "test", "--published-by", "2005", "--format", "json"))
    assert doc["published_by"] == "2005-12-31" and doc["count"] == 3
    diff = run("diff", "2004-01-01", "2005-12-31", "-c", "test", "--published-by", "2005")
    assert "from sources published by 2005-12-31" in diff and "0 joined, 0 left" in diff
    bad = run("asof", "2005-06-30", "-c", "test", "--published-by", "20x5", code=1)
    assert "'20x5' is not a date" in bad


def test_diff_replay_history_log(run):
    out = run("diff", "2004-01-01", "2005-12-31", "-c", "test")
    assert re.search(r"left\s+esp\s+Spain\s+member 1,300\s+left\s+#\d+ withdraw 2004-05-21", out)
    doc = json.loads(run("diff", "2004-01-01", "2005-12-31", "-c", "test", "--format", "json"))
    assert set(doc) == {"coalition", "from", "to", "known_at", "joined", "left", "changed", "within"}
    replay = run("replay", "-c", "test")
    assert re.search(r"2004-05-21\s+withdraw\s+Spain", replay)
    history = json.loads(run("history", "--actor", "Spain", "--format", "json"))
    assert history["spells"][-1]["status"] == "left"
    log = json.loads(run("log", "--actor", "esp", "--format", "json"))["events"]
    assert [e["type"] for e in log] == ["join", "announce_withdrawal", "withdraw"]
    assert set(log[0]) >= {"seq", "type", "coalition", "actor", "date", "precision", "effective",
                           "payload", "sources", "recorded_at"}
    assert log[0]["date"] == "2003-08" and log[0]["precision"] == "month"


def test_listings(run):
    assert "test-2003" in run("coalitions") and "pact-2000" in run("coalitions")
    assert re.search(r"esp\s+Spain\s+state", run("actors"))
    assert "First source" in run("sources")


def test_growth(run):
    rows = list(csv.DictReader(io.StringIO(run("growth", "-c", "test", "--format", "csv"))))
    by_date = {r["date"]: r for r in rows}
    assert by_date["2003-12-31"]["members"] == "3" and by_date["2004-12-31"]["members"] == "2"


def test_append_verify_head_check_rebuild(run):
    out = run("append", "join", "-c", "test", "-a", "gbr", "-d", "2003-03-20", "--troops", "46000",
              "-s", "s1", "--locator", "p. 1")
    assert re.match(r"appended #8 \(new\); head [0-9a-f]{64}", out)
    again = run("append", "join", "-c", "test", "-a", "gbr", "-d", "2003-03-20", "--troops", "46000",
                "-s", "s1")
    assert again.startswith("duplicate")
    digest, n = run("head").split()
    assert n == "8" and len(digest) == 64
    assert run("verify").startswith(f"ok: 8 events, head {digest}")
    out = run("check", code=1)
    assert "source 's3' is cited by no event" in out and "1 problem(s)" in out
    assert run("rebuild").startswith("rebuilt:")
    out = run("append", "correct", "-c", "test", "-d", "2005-01-01", "--ref", "#8", "--set", "troops=45000",
              "-s", "s2")
    assert "appended #9" in out
    assert "45,000" in run("asof", "2003-04-01", "-c", "test")


def test_add_source_and_expect_head(run):
    assert "added" in run("add-source", "s7", "--title", "Seventh", "--url", "https://example.org/7")
    assert "already there" in run("add-source", "s7", "--title", "Seventh", "--url", "https://example.org/7")
    out = run("append", "join", "-c", "test", "-a", "gbr", "-d", "2003", "-s", "s7",
              "--expect-head", "0" * 64, code=1)
    assert "Error: the ledger's head is" in out


def test_import_dry_run_and_summary(run, tmp_path):
    path = tmp_path / "more.csv"
    path.write_text("type,coalition,actor,date,troops,source\njoin,test,gbr,2003-03-20,46000,s1\n"
                    "commit_troops,test,pol,2003-09-03,2400,s2\n")
    out = run("import", "--dry-run", str(path))
    assert "would append 2 event(s): 1 new, 1 conflicting" in out
    assert "test-2003: + gbr member 2003-03-20" in out
    assert "appended 2 event(s)" in run("import", str(path))
    assert "0 new, 0 conflicting with another source; 2 duplicate(s)" in run("import", str(path))


def test_errors_exit_1_with_a_clear_message(run, tmp_path):
    out = run("asof", "2004-13-01", "-c", "test", code=1)
    assert out.strip() == "Error: '2004-13-01': month 13 does not exist"
    out = run("asof", "2004-01-01", "-c", "iraqq", code=1)
    assert out.startswith("Error: unknown coalition 'iraqq'")
    bad = tmp_path / "bad.csv"
    bad.write_text("type,coalition,actor,date,source\njoin,test,esp,2003-08,s1\njoin,test,qqqqqqq,2003,s1\n")
    out = run("import", str(bad), code=1)
    assert out.strip() == f"Error: {bad}:3: field 'actor': unknown actor 'qqqqqqq'"
    assert run("unknown-command", code=2)


def test_verify_fails_naming_the_altered_event(run, tmp_path):
    import sqlite3
    conn = sqlite3.connect(tmp_path / "cli.sqlite")
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET payload = '{\"troops\": 9}' WHERE seq = 2")
    conn.commit()
    conn.close()
    out = run("verify", code=1)
    assert "Error: the chain breaks at event #2" in out and "altered" in out


def test_every_command_has_help_and_is_documented():
    with open(README, encoding="utf-8") as handle:
        readme = handle.read()
    names = []
    for name, command in cli.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
        assert command.help, f"{name} has no help text"
    missing = [n for n in names if f"ledger {n}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_first_use_creates_migrates_and_loads_the_bundled_data(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("LEDGER_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["asof", "2003-12-31", "--coalition", "iraq", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    actors = {m["actor"] for m in doc["members"]}
    assert {"usa", "gbr", "esp", "pol"} <= actors
    assert os.path.exists(tmp_path / "coalition-ledger" / "ledger.sqlite")


def test_asof_shows_each_figure_with_its_date_and_blame_explains_it(run):
    out = run("asof", "2004-06-01", "-c", "test")
    assert re.search(r"United States\s+member\s+150,000 \(2003-03-20\) stale", out)
    assert "no longer in: Spain (left 2004-05-21)" in out
    assert re.search(r"\d+ members, [\d,]+ troops from \d+ of \d+ members", out)
    doc = json.loads(run("asof", "2004-06-01", "-c", "test", "--format", "json"))
    assert {"troops_known", "troops_stale", "stale_after", "former"} <= set(doc)
    assert {"troops_as_of", "troops_sources", "status_sources", "stale"} <= set(doc["members"][0])
    blame = json.loads(run("blame", "2004-01-01", "-c", "test", "-a", "esp", "--format", "json"))
    assert blame["fields"]["status"]["value"] == "member" and blame["events"]
    assert "rule" in run("blame", "2004-06-01", "-c", "test", "-a", "esp")
    assert "not a tier" in run("asof", "2004-06-01", "-c", "test", "--min-tier", "gold", code=1)
    csv_rows = run("asof", "2004-06-01", "-c", "test", "--format", "csv").splitlines()
    assert csv_rows[0].endswith(",troops_as_of,stale")
    assert any(r.startswith("usa,") and r.endswith(",2003-03-20,yes") for r in csv_rows)


def test_a_ledger_started_without_the_bundle_stays_so(tmp_path, run_cli):
    url = f"sqlite:///{tmp_path / 'own.sqlite'}"
    code, _, _ = run_cli("--database", url, "--no-bundled", "import", data("world.yaml"))
    assert code == 0
    code, out, _ = run_cli("--database", url, "head")          # no flag: as it was started
    assert code == 0 and out.split()[-1] == "0"
    code, out, _ = run_cli("--database", url, "asof", "2004-01-01", "-c", "test")
    assert code == 0 and "iraq" not in out
    code, out, err = run_cli("--database", url, "coalitions")
    assert "iraq-2003" not in out
    code, out, _ = run_cli("--database", url, "--bundled", "coalitions")   # asked for: loaded
    assert "iraq-2003" in out
