"""Appending and importing: idempotence, classification, atomic files, and clear errors."""
import pytest

from ledger import ConflictError, DateError, InputError, UnknownIdError
from conftest import data


def count(ledger):
    return ledger.head()[0]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_same_event_from_same_source_again_changes_nothing(ledger):
    first = ledger.import_file(data("iraq-sample.yaml"))
    n, head = ledger.head()
    again = ledger.import_file(data("iraq-sample.yaml"))
    assert first.new == 7 and again.new == 0 and again.duplicate == 7
    assert ledger.head() == (n, head)
    dup = ledger.append("join", "test", "2003-03-20", actor="usa", troops=150000, source="s1")
    assert dup.duplicate == 1 and ledger.head() == (n, head)


def test_the_three_formats_read_alike(ledger, tmp_path):
    csv_path = write(tmp_path, "e.csv", "type,coalition,actor,date,troops,source,locator\n"
                     "join,test,esp,2003-08,1300,s1,p. 2\n")
    jsonl_path = write(tmp_path, "e.jsonl",
                       '{"record": "source", "id": "s9", "title": "Nine"}\n'
                       '{"type": "join", "coalition": "test", "actor": "esp", "date": "2003-08", '
                       '"troops": 1300, "source": "s1"}\n'
                       '{"type": "withdraw", "coalition": "test", "actor": "esp", "date": "2004-05-21", '
                       '"source": "s9"}\n')
    assert ledger.import_file(csv_path).new == 1
    summary = ledger.import_file(jsonl_path)
    assert summary.duplicate == 1 and summary.new == 1 and summary.declared == 1


def test_a_bad_row_appends_nothing_of_its_file(ledger, tmp_path):
    before = ledger.head()
    path = write(tmp_path, "bad.csv", "type,coalition,actor,date,troops,source\n"
                 "join,test,esp,2003-08,1300,s1\n"
                 "join,test,gbr,2003-02-30,10,s1\n")
    with pytest.raises(DateError) as err:
        ledger.import_file(path)
    assert str(err.value) == f"{path}:3: field 'date': '2003-02-30': February 2003 has no day 30"
    assert ledger.head() == before


@pytest.mark.parametrize("row, field, message", [
    ("jion,test,esp,2003-08,1,s1", "type", "unknown event type 'jion' (did you mean 'join'?)"),
    ("join,tset,esp,2003-08,1,s1", "coalition", "unknown coalition 'tset' (did you mean 'test'?)"),
    ("join,test,spian,2003-08,1,s1", "actor", "unknown actor 'spian' (did you mean 'spain', 'pan', 'iran'?)"),
    ("join,test,esp,2003-13,1,s1", "date", "'2003-13': month 13 does not exist"),
    ("join,test,esp,03-08-2003,1,s1", "date", "'03-08-2003' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ("join,test,esp,2003-08,-5,s1", "troops", "'-5' is not a whole number >= 0"),
    ("join,test,esp,2003-08,many,s1", "troops", "'many' is not a whole number >= 0"),
    ("join,test,esp,2003-08,99999999999,s1", "troops", "99999999999 is implausibly large (over 1,000,000,000)"),
    ("join,test,esp,2003-08,1,nosuch", "source", "unknown source 'nosuch'; declare it first"),
    ("join,test,,2003-08,1,s1", "actor", "a 'join' event names an actor"),
    ("join,test,esp,,1,s1", "date", "required"),
])
def test_bad_input_names_file_line_and_field(ledger, tmp_path, row, field, message):
    path = write(tmp_path, "bad.csv", "type,coalition,actor,date,troops,source\n" + row + "\n")
    with pytest.raises(InputError) as err:
        ledger.import_file(path)
    assert str(err.value) == f"{path}:2: field '{field}': {message}"
    assert count(ledger) == 0


def test_yaml_errors_name_the_line_of_the_field(ledger, tmp_path):
    path = write(tmp_path, "bad.yaml", "events:\n  - type: join\n    coalition: test\n"
                 "    actor: esp\n    date: '2004-00'\n    source: s1\n")
    with pytest.raises(DateError, match=r"bad.yaml:5: field 'date': '2004-00': month 0"):
        ledger.import_file(path)


def test_malformed_files(ledger, tmp_path):
    cases = {
        "broken.yaml": ("events: [\n", r"broken.yaml:\d+: not valid YAML"),
        "broken.jsonl": ('{"type": "join"\n', r"broken.jsonl:1: not valid JSON"),
        "list.jsonl": ("[1, 2]\n", r"list.jsonl:1: each line must be a JSON object"),
        "cols.csv": ("type,coalition,date,colour\n", r"cols.csv:1: field 'colour': unknown column"),
        "events.txt": ("x", r"events.txt: unknown file type"),
    }
    for name, (text, pattern) in cases.items():
        with pytest.raises(InputError, match=pattern):
            ledger.import_file(write(tmp_path, name, text))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("type,coalition,actor,date,source\njoin,test,esp,2003,s1\n# Espa\xf1a\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin.csv:3: not UTF-8 text"):
        ledger.import_file(str(latin))
    with pytest.raises(InputError, match="cannot read"):
        ledger.import_file(str(tmp_path / "missing.yaml"))
    assert count(ledger) == 0


def test_empty_files_append_nothing(ledger, tmp_path):
    for name in ("empty.yaml", "empty.jsonl", "empty.csv"):
        summary = ledger.import_file(write(tmp_path, name, ""))
        assert summary.new == 0
    assert count(ledger) == 0


def test_a_source_is_never_edited(ledger, tmp_path):
    path = write(tmp_path, "s.yaml", "sources:\n  - {id: s1, title: A different title}\n")
    with pytest.raises(ConflictError, match="sources are never edited"):
        ledger.import_file(path)


def test_dry_run_shows_the_change_and_appends_nothing(ledger):
    summary = ledger.import_file(data("iraq-sample.yaml"), dry_run=True)
    assert summary.new == 7 and count(ledger) == 0
    added = summary.changes["test-2003"]["added"]
    # August 2003 is the join's uncertainty; from its last day on, Spain is surely a member
    assert {"actor": "esp", "from": "2003-08-31", "to": "2004-05-21", "status": "member",
            "troops": 1300} in added


def test_expect_head(ledger):
    _, head = ledger.head()
    ledger.append("join", "test", "2003-03-20", actor="usa", source="s1", expect_head=head)
    with pytest.raises(ConflictError, match="someone appended since you looked"):
        ledger.append("join", "test", "2003-03-20", actor="gbr", source="s1", expect_head=head)
    assert count(ledger) == 1


def test_corrections_must_point_at_an_event(ledger):
    with pytest.raises(UnknownIdError, match="no event with id 'nope'"):
        ledger.append("correct", "test", "2005-01-01", ref="nope", set={"troops": 1}, source="s1")
    ledger.import_file(data("iraq-sample.yaml"))
    with pytest.raises(InputError, match="'colour' cannot be corrected"):
        ledger.append("correct", "test", "2005-01-01", ref="esp-join", set={"colour": 1}, source="s1")


def test_events_are_typed_values_with_their_stored_fields(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    ev = ledger.log(actor="esp")[0]
    assert ev.type == "join" and ev.date.precision == "month" and ev.date.text == "2003-08"
    assert ev.payload["troops"] == 1300 and ev.source_ids == ("s1",) and ev.key == "esp-join"
    with pytest.raises(Exception):
        ev.type = "withdraw"
    with pytest.raises(TypeError):
        ev.payload["troops"] = 1


def test_upcaster_converts_old_payloads_on_read(monkeypatch):
    from ledger import model
    monkeypatch.setattr(model, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(model.UPCASTERS, ("commit_troops", 1),
                        lambda p: {"troops": p.pop("soldiers"), **p})
    assert model.upcast("commit_troops", 1, {"soldiers": 40}) == {"troops": 40}
    assert model.upcast("commit_troops", 2, {"troops": 40}) == {"troops": 40}


def test_one_id_for_two_events_in_one_file_is_refused(ledger, tmp_path):
    path = write(tmp_path, "ids.jsonl",
                 '{"type": "join", "coalition": "test", "actor": "esp", "date": "2003", "source": "s1", "id": "x"}\n'
                 '{"type": "join", "coalition": "test", "actor": "gbr", "date": "2003", "source": "s1", "id": "x"}\n')
    with pytest.raises(ConflictError, match="ids.jsonl:2: field 'id': 'x' already names another event"):
        ledger.import_file(path)
    assert count(ledger) == 0


def test_duplicates_across_chunks_of_a_large_file(ledger, tmp_path, monkeypatch):
    from ledger import ingest
    monkeypatch.setattr(ingest, "CHUNK", 3)
    line = '{{"type": "join", "coalition": "test", "actor": "{a}", "date": "2003", "source": "s1"}}\n'
    text = "".join(line.format(a=a) for a in ["esp", "gbr", "pol", "aaa", "esp", "bbb", "gbr"])
    summary = ledger.import_file(write(tmp_path, "chunks.jsonl", text))
    assert (summary.new, summary.duplicate) == (5, 2) and count(ledger) == 5


def test_text_that_is_not_unicode_is_refused_by_field(ledger, tmp_path):
    # "\ud800" in JSON decodes to a lone surrogate, which can be neither stored as UTF-8 nor digested
    path = write(tmp_path, "s.jsonl",
                 '{"type": "join", "coalition": "test", "actor": "esp", "date": "2003", '
                 '"source": "s1"}\n'
                 '{"type": "join", "coalition": "test", "actor": "pol", "date": "2003", '
                 '"source": "s1", "note": "a\\ud800b"}\n')
    before = ledger.head()
    with pytest.raises(InputError, match=r"s\.jsonl:2: field 'note': is not valid Unicode"):
        ledger.import_file(path)
    assert ledger.head() == before
