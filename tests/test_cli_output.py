"""Tables that fit the terminal, --columns, --sources, the legend, help texts, append --dry-run and
`ledger where`."""
import click
import pytest
from click.testing import CliRunner

from conftest import data
from ledger.cli.main import cli
from ledger.model import EVENT_TYPES
from ledger.schema_revision import SCHEMA_REVISION


@pytest.fixture
def url(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    sqlite_ledger.append("join", "test", "2003-03", actor="gbr", troops="45000",
                         sources=[{"source": "s1"}, {"source": "s2"}, {"source": "s3"}])
    return str(sqlite_ledger.engine.url)


def run(url, *args, env=None, code=0):
    result = CliRunner().invoke(cli, ["--database", url, "--no-bundled", *args], env=env or {})
    assert result.exit_code == code, result.output
    return result.output


def test_tables_fit_columns_and_cut_long_cells(url):
    wide = run(url, "asof", "2003-03-25", "-c", "test", env={"COLUMNS": "1000"})
    assert max(len(line) for line in wide.splitlines()) > 60
    for width in (80, 100):
        out = run(url, "asof", "2003-03-25", "-c", "test", env={"COLUMNS": str(width)})
        body = [line for line in out.splitlines()]
        assert max(len(line) for line in body) <= width, out
    narrow = run(url, "asof", "2003-03-25", "-c", "test", env={"COLUMNS": "60"})
    assert "…" in narrow and "150,000 (2003-03-20)" in narrow      # figures and dates are never cut


def test_columns_choose_and_order(url):
    out = run(url, "asof", "2004-01-01", "-c", "test", "--columns", "troops,actor")
    header = out.splitlines()[2].split()
    assert header == ["troops", "actor"]
    out = run(url, "log", "-c", "test", "--columns", "seq,type", "--format", "csv")
    assert out.splitlines()[0] == "seq,type"
    bad = CliRunner().invoke(cli, ["--database", url, "asof", "2004-01-01", "-c", "test",
                                   "--columns", "actor,nope"])
    assert bad.exit_code == 2 and "no column 'nope'" in bad.output


def test_sources_count_and_first_id_unless_full(url):
    short = run(url, "asof", "2004-01-01", "-c", "test", env={"COLUMNS": "200"})
    gbr = next(line for line in short.splitlines() if line.startswith("gbr"))
    assert gbr.rstrip().endswith("s1 (+2)")
    full = run(url, "asof", "2004-01-01", "-c", "test", "--sources", "full", env={"COLUMNS": "200"})
    gbr = next(line for line in full.splitlines() if line.startswith("gbr"))
    assert gbr.rstrip().endswith("s1, s2, s3")
    csv = run(url, "asof", "2004-01-01", "-c", "test", "--format", "csv")
    assert "s1, s2, s3" in csv


def test_legend_only_when_marks_appear(url):
    uncertain = run(url, "asof", "2003-03-25", "-c", "test", env={"COLUMNS": "200"})
    assert "legend: ?: uncertain" in uncertain and "maybe" in uncertain
    plain = run(url, "asof", "2004-06-30", "-c", "test", env={"COLUMNS": "200"})
    assert "legend" not in plain


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_help_is_never_cut_and_every_command_has_an_example():
    top = CliRunner().invoke(cli, ["--help"], env={"COLUMNS": "80"}).output
    assert "..." not in top.split("Commands:")[1]
    for path, cmd in _commands(cli):
        out = CliRunner().invoke(cli, [*path, "--help"]).output
        assert "Example" in out, path
        first = (cmd.help or "").split("\n\n")[0].split(". ")[0].split()
        assert " ".join(first[:6]) in " ".join(top.split()) or len(path) > 1, path


def test_append_help_lists_every_event_type_and_payload_option():
    out = CliRunner().invoke(cli, ["append", "--help"]).output
    for name, etype in EVENT_TYPES.items():
        assert name in out, name
        for field in etype.required + etype.optional:
            assert "--" + field.replace("_", "-") in out, field


def test_append_dry_run_appends_nothing(url, sqlite_ledger):
    before = sqlite_ledger.head()
    out = run(url, "append", "withdraw", "-c", "test", "-a", "cow:200", "-d", "2004-06-01", "-s", "s2",
              "--dry-run")
    assert out.startswith("would append one event (new); nothing appended")
    assert "test-2003: + gbr member" in out
    assert sqlite_ledger.head() == before


def test_where_masks_the_password(url, tmp_path):
    out = run(url, "where")
    assert f"database: {url}" in out and f"schema revision: {SCHEMA_REVISION} (this version needs {SCHEMA_REVISION})" in out
    missing = f"sqlite:///{tmp_path / 'nothing-here.sqlite'}"
    out = CliRunner().invoke(cli, ["--database", missing, "where"]).output
    assert "does not exist yet" in out and not (tmp_path / "nothing-here.sqlite").exists()
    out = CliRunner().invoke(cli, ["--database", "postgresql+psycopg://me:secret@127.0.0.1:1/x",
                                   "where"]).output
    assert "me:***@" in out and "secret" not in out


def test_cold_asof_with_a_dispute_never_imports_sqlalchemy(url, sqlite_ledger):
    import subprocess
    import sys
    sqlite_ledger.append("join", "test", "2003-08", actor="esp", troops="1400", source="s2")
    code = ("import sys; from ledger.cli.main import cli\n"
            f"try: cli(['--database', {url!r}, '--no-bundled', 'asof', '2004-01-01', '-c', 'test'])\n"
            "except SystemExit: pass\n"
            "print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"COLUMNS": "200", "PATH": ""}, check=True).stdout
    assert "1,300" in out and "1,400" in out and "legend:" in out and "disputed: another source" in out
    assert out.strip().endswith("False")
