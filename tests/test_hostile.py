"""Hostile input: every file here is refused with `Error: FILE:LINE: field 'F': ...`, exit 1, no
traceback, and nothing of it appended, on each backend (issue 15). The bounds are README's
"Bounds on input"."""
import json
import re

import pytest
import sqlalchemy as sa

from ledger.files import MAX_ALIAS_NODES, MAX_DEPTH

EVENT = {"type": "join", "coalition": "test", "actor": "usa", "date": "2003-03-20", "source": "s1"}


def jsonl(**fields):
    return json.dumps({**EVENT, **fields}) + "\n"


def yaml_event(extra: str, base: str = "type: join, coalition: test, actor: usa, "
               "date: '2003-03-20', source: s1") -> str:
    return "events:\n  - {" + base + (", " + extra if extra else "") + "}\n"


def laughs(levels: int = 8) -> str:
    """A "billion laughs": each anchor is nine aliases of the one before, used in event fields."""
    out = ["events:\n", "  - type: milestone\n    coalition: test\n    date: '2003'\n    source: s1\n"
           "    label: &b0 [" + ", ".join(["lol"] * 9) + "]\n"]
    for i in range(1, levels + 1):
        out.append(f"  - {{type: milestone, coalition: test, date: '2003', source: s1, "
                   f"label: &b{i} [" + ", ".join([f"*b{i - 1}"] * 9) + "]}\n")
    return "".join(out)


NESTED = "[" * 500 + "]" * 500
CASES = {
    # name: (file name, text, line, field or None, what the message says)
    "json-1000-brackets": ("deep.jsonl", "[" * 1000 + "\n", 1, None, "nested deeper than"),
    "json-value-500-deep": ("deep.jsonl", '{"type": "join", "note": ' + NESTED + "}\n", 1, "note",
                            "nested deeper than"),
    "json-object-500-deep": ("deep.jsonl", '{"type": "join", "note": ' + '{"a": ' * 500 + "1"
                             + "}" * 500 + "}\n", 1, "note", "nested deeper than"),
    "yaml-value-500-deep": ("deep.yaml", yaml_event("note: " + NESTED), 2, "note",
                            "nested deeper than"),
    "json-5000-digits": ("big.jsonl", jsonl()[:-2] + ', "troops": ' + "9" * 5000 + "}\n", 1,
                         "troops", "more than 100 digits"),
    "yaml-5000-digits": ("big.yaml", yaml_event("troops: " + "9" * 5000), 2, "troops",
                         "more than 100 digits"),
    "yaml-list-key": ("key.yaml", "events:\n  - {type: join, [a, b]: c}\n", 2, None,
                      "a key must be a plain name"),
    "yaml-mapping-key": ("key.yaml", "events:\n  - ? {a: 1}\n    : x\n", 2, None,
                         "a key must be a plain name"),
    "yaml-deep-key": ("key.yaml", "events:\n  - {? " + "[" * 14 + "1" + "]" * 14 + " : x}\n", 2,
                      None, "nested deeper than"),
    "yaml-billion-laughs": ("laughs.yaml", laughs(), None, None,
                            f"more than {MAX_ALIAS_NODES:,} nodes"),
    "yaml-alias-cycle": ("cycle.yaml", "events:\n  - &e [*e]\n", 2, None, "contains it"),
    "ratify-on-9999-12-31": ("edge.yaml", yaml_event("", "type: ratify, coalition: pact, "
                             "actor: usa, date: '9999-12-31', mode: ratification, source: s1"), 2,
                             "date", "after the year 9000"),
    "withdraw-treaty-in-9999": ("edge.yaml", yaml_event("", "type: withdraw_treaty, "
                                "coalition: pact, actor: usa, date: '9999', source: s1"), 2,
                                "date", "after the year 9000"),
    "effective-9999": ("edge.jsonl", jsonl(type="withdraw", effective="9999-01"), 1, "effective",
                       "after the year 9000"),
    "correction-to-9999": ("edge.jsonl", jsonl(type="correct", actor=None, ref="x",
                                               set={"date": "9999"}), 1, "set", "after the year"),
    "treaty-rule-days-10e12": ("rule.yaml", "coalitions:\n  - {id: big, name: Big, kind: treaty,"
                               " treaty: {withdrawal: {days: 1000000000000}}}\n", 2,
                               "treaty.withdrawal.days", "from 0 to 36,600"),
    "treaty-rule-first-of-month": ("rule.yaml", "coalitions:\n  - {id: big, name: Big, kind: "
                                   "treaty, treaty: {later_states: {first_of_month: [1]}}}\n", 2,
                                   "treaty.later_states.first_of_month", "true or false"),
    "nul-in-note": ("nul.jsonl", jsonl(note="a\x00b"), 1, "note", "NUL"),
    "nul-in-title": ("nul.jsonl", json.dumps({"record": "source", "id": "sx", "title": "a\x00"})
                     + "\n", 1, "title", "NUL"),
    "alias-of-300": ("alias.jsonl", json.dumps({"record": "actor", "id": "zz", "name": "Z",
                                                "aliases": ["x" * 300]}) + "\n", 1, "aliases",
                     "longer than 200 characters"),
    "actor-name-of-300": ("alias.jsonl", json.dumps({"record": "actor", "id": "zz",
                                                     "name": "y" * 300}) + "\n", 1, "name",
                          "longer than 200 characters"),
    "id-with-newline": ("id.jsonl", json.dumps({"record": "source", "id": "nl-src\n",
                                                "title": "x"}) + "\n", 1, "id", "not a valid id"),
    "fullwidth-digits": ("date.jsonl", jsonl(date="２００３"), 1, "date", "not a date"),
    "csv-multiline-cell": ("ml.csv", 'type,coalition,actor,date,source,note\n'
                           'join,test,usa,2003-03-20,s1,"a\nb\nc"\n'
                           'join,test,usa,2003-02-30,s1,"x\ny"\n', 5, "date", "no day 30"),
}


def _counts(engine):
    with engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                     for t in ("events", "sources", "actors", "coalitions", "aliases"))


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_is_refused_cleanly(ledger, db_url, tmp_path, run_cli, case):
    name, text, line, fieldname, says = CASES[case]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    before, head = _counts(ledger.engine), ledger.head()
    code, out, err = run_cli("--database", db_url, "--no-bundled", "import", str(path))
    assert code == 1, out + err
    assert "Traceback" not in err and err.count("\n") == 1, err
    where = re.escape(f"Error: {path}:") + (str(line) if line else r"\d+") + ": "
    if fieldname:
        where += re.escape(f"field '{fieldname}': ")
    assert re.match(where, err), err
    if says:
        assert says in err
    assert len(err) < 400, "a refused value is quoted by a short prefix"
    assert _counts(ledger.engine) == before and ledger.head() == head
    assert ledger.verify().ok


def test_bounds_leave_room_for_real_files(ledger, tmp_path):
    """Inside the bounds all is read: nesting up to MAX_DEPTH where the field takes it, an alias
    that repeats an event (a duplicate, not a crash), a shared citation list."""
    path = tmp_path / "ok.yaml"
    path.write_text("events:\n"
                    "  - &e {type: join, coalition: test, actor: usa, date: '2003-03-20', "
                    "sources: &cites [{source: s1, locator: p. 1}]}\n"
                    "  - *e\n"
                    "  - {type: join, coalition: test, actor: esp, date: '2003-04', sources: *cites}\n")
    summary = ledger.import_file(str(path))
    assert (summary.new, summary.duplicate) == (2, 1)
    assert MAX_DEPTH >= 4          # a mapping of lists of mappings, and a treaty's rules


def test_a_long_refused_value_is_quoted_short(ledger, tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(jsonl(troops="9" * 50_000))
    with pytest.raises(Exception) as info:
        ledger.import_file(str(path))
    assert len(str(info.value)) < 300 and "…" in str(info.value)


@pytest.mark.parametrize("command", [["growth", "-c", "test", "--to", "9999"],
                                     ["growth", "-c", "pact", "--every", "month", "--to", "9999"],
                                     ["panel", "-c", "test", "--to", "9999"],
                                     ["chart", "-c", "test", "--to", "9999"]])
def test_queries_to_the_end_of_the_calendar(ledger, db_url, run_cli, command):
    ledger.append("join", "test", "2003-03-20", actor="usa", source="s1")
    ledger.append("ratify", "pact", "2001-01-01", actor="usa", mode="ratification", source="s1")
    code, out, err = run_cli("--database", db_url, "--no-bundled", *command)
    assert code == 0, err
    assert ("</svg>" if command[0] == "chart" else "9999-12-31") in out


def test_growth_stops_at_the_end_of_the_calendar(ledger):
    ledger.append("join", "test", "2003-03-20", actor="usa", source="s1")
    points = ledger.growth("test", "year", "9990", "9999")
    assert [p.date for p in points] == [f"{y}-12-31" for y in range(9990, 10000)]
    assert all(p.count == 1 for p in points)


def test_known_at_outside_the_calendar_in_utc(ledger):
    from ledger.errors import DateError
    with pytest.raises(DateError, match="not an instant"):
        ledger.asof("2004-01-01", "test", known_at="0001-01-01T00:00:00+05:00")


def test_retract_with_a_bad_seq_ref(ledger, db_url, run_cli):
    for ref in ("#abc", "#", "#-1", "#99999999999999999999999"):
        code, out, err = run_cli("--database", db_url, "--no-bundled", "append", "retract",
                                 "-c", "test", "-d", "2004", "--ref", ref, "-s", "s1")
        assert code == 2 and "Traceback" not in err, err       # a usage error, as click gives
        assert "Error: Invalid value for --ref" in err


def test_a_billion_laughs_is_refused_in_bounded_memory(tmp_path):
    """Nine levels of nine aliases would build 387 million nodes (gigabytes); the file is refused
    from its composed graph, whose size is what was written. Measured in a process of its own."""
    import subprocess
    import sys
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(9))
    script = ("import resource, sys\n"
              "from ledger import Ledger\n"
              "from ledger.errors import LedgerError\n"
              f"ledger = Ledger.open('sqlite:///{tmp_path / 'l.sqlite'}', bundled_data=False)\n"
              "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
              "try:\n"
              f"    ledger.import_file({str(path)!r})\n"
              "except LedgerError as exc:\n"
              "    print(exc)\n"
              "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    message, grown = done.stdout.strip().splitlines()
    assert f"more than {MAX_ALIAS_NODES:,} nodes" in message, done.stderr
    assert int(grown) < 20, f"peak memory grew by {grown} MB"
