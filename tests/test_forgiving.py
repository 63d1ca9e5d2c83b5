"""Imports that forgive what they safely can (BOM, header case, the delimiter, 1,850, typographic
apostrophes, any case in names) and report everything else: every error of a file, up to 50,
each with file, line and field, and nothing appended; warnings for what is accepted but odd."""
import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from ledger.cli.main import cli
from ledger.errors import InputError, InputErrors


def _counts(ledger):
    return len(ledger.log()), len(ledger.sources())


def test_every_error_of_a_file_is_reported_and_nothing_appended(ledger, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("type,coalition,actor,date,troops,source\n"
                    "join,test,esp,2003-08,1300,s1\n"
                    "join,test,spian,2003-08,1,s1\n"
                    "join,test,usa,2003-02-30,1,s1\n"
                    "join,test,usa,2003-03-20,1,s1,extra\n"
                    "commit_troops,test,pol,2003-09-03,-5,s1\n")
    before = _counts(ledger)
    with pytest.raises(InputErrors) as err:
        ledger.import_file(str(path))
    found = [(e.line, e.field) for e in err.value.errors]
    assert found == [(3, "actor"), (4, "date"), (5, None), (6, "troops")]
    text = str(err.value)
    assert text.startswith(f"{path}:3: field 'actor': unknown actor 'spian'")
    assert "3 more error(s), and nothing was appended:" in text
    assert f"\n  {path}:6: field 'troops':" in text
    assert _counts(ledger) == before


def test_at_most_fifty_errors(ledger, tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("".join('{"type": "join", "coalition": "test", "actor": "usa", '
                            f'"date": "2003-02-{30 + i % 2}", "source": "s1"}}\n' for i in range(80)))
    with pytest.raises(InputErrors) as err:
        ledger.import_file(str(path))
    assert len(err.value.errors) == 50 and "checking stopped there" in str(err.value)
    assert ledger.log() == []


def test_bad_json_lines_are_reported_with_the_others(ledger, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"type": "join", "coalition": "test", "actor": "usa", "date": "2003-03-20", '
                    '"source": "s1"}\n{not json\n[1, 2]\n')
    with pytest.raises(InputErrors) as err:
        ledger.import_file(str(path))
    assert [e.line for e in err.value.errors] == [2, 3]
    assert ledger.log() == []


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_bom_header_case_delimiter_and_thousands(ledger, tmp_path, sep):
    troops = '"1,850"' if sep == "," else "1,850"
    path = tmp_path / "forgiving.csv"
    path.write_bytes(("\ufeff" + sep.join(["Type", "COALITION", "Actor", "Date", "Troops", "Source"])
                      + "\n" + sep.join(["join", "test", "Côte d’Ivoire", "2003-04-01", troops, "s1"])
                      + "\n" + sep.join(["join", "test", "SPAIN", "2003-04-01", "12", "s1"]) + "\n"
                      ).encode("utf-8"))
    summary = ledger.import_file(str(path))
    assert summary.new == 2
    members = {m.actor: m.troops for m in ledger.asof("2003-05-01", "test").members}
    assert members == {"civ": 1850, "esp": 12}


def test_thousands_in_yaml_and_append(ledger, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text('events:\n  - {type: join, coalition: test, actor: usa, date: "2003-03-20", '
                    'troops: "150,000", source: s1}\n')
    ledger.import_file(str(path))
    assert ledger.asof("2003-04-01", "test").troops_total == 150000
    for bad in ("1,85", "1,8500", "1.850", ",850"):
        with pytest.raises(InputError):
            ledger.append("commit_troops", "test", "2003-05-01", actor="usa", troops=bad, source="s1")


def test_warnings_for_empty_files_future_dates_and_dates_outside_the_span(ledger, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert ledger.import_file(str(empty)).warnings == [(None, "the file holds no records")]
    with freeze_time("2026-01-15"):
        path = tmp_path / "odd.csv"
        path.write_text("type,coalition,actor,date,source\n"
                        "join,test,usa,2027-01-01,s1\n"        # the future
                        "join,test,gbr,2002-06-01,s1\n"        # before test-2003 starts (2003-03-20)
                        "join,test,pol,2003-04-01,s1\n")
        summary = ledger.import_file(str(path))
    assert summary.new == 3
    assert summary.warnings == [(2, "date 2027-01-01 is in the future"),
                                (3, "date 2002-06-01 is outside test-2003's span (2003-03-20 to …)")]


def test_the_command_line_prints_warnings_and_all_errors(ledger, tmp_path):
    url = str(ledger.engine.url)
    path = tmp_path / "x.csv"
    path.write_text("type,coalition,actor,date,source\njoin,test,qqqqqqq,2003,s1\njoin,test,usa,2003-13,s1\n")
    out = CliRunner().invoke(cli, ["--database", url, "import", str(path)])
    assert out.exit_code == 1
    assert f"Error: {path}:2: field 'actor'" in out.output and f"{path}:3: field 'date'" in out.output
    path.write_text("type,coalition,actor,date,source\njoin,test,usa,2002,s1\n")
    out = CliRunner().invoke(cli, ["--database", url, "import", str(path)])
    assert out.exit_code == 0
    assert f"warning: {path}:2: date 2002 is outside test-2003's span" in out.output


def test_a_nul_character_is_an_error_naming_its_field(ledger, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"type,coalition,actor,date,source\njoin,\x00,,2003-03-20,s1\n"
                     b"join,test,usa,2003-03-20,s1\n")
    with pytest.raises(InputError) as err:
        ledger.import_file(str(path))
    assert (err.value.line, err.value.field) == (2, "coalition") and "NUL" in str(err.value)
    assert ledger.log() == []
