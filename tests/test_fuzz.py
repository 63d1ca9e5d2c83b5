"""Fuzzing the importers (CSV, JSON Lines, YAML) with hypothesis.

Whatever the bytes: either the file is appended, or a LedgerError names the file and the line,
and nothing of the file is in the ledger (no event, source, actor, coalition or alias).
`pytest -s tests/test_fuzz.py` prints how many inputs were tried.
"""
import csv
import functools
import io
import json
import os
import re

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import LedgerError
from ledger.files import CSV_COLUMNS

EXAMPLES = 200
INJECTION = ["'; DROP TABLE events; --", "\"; DELETE FROM sources; --", "1 OR 1=1",
             "x') ; TRUNCATE events CASCADE; --", "Robert'); DROP TABLE students;--", "%s%s%n",
             "\\x00", "${jndi:ldap://x}", "<script>alert(1)</script>"]
BAD_DATES = ["2003-02-30", "2003-13-01", "2003-00-10", "0000-01-01", "99999-01-01", "9999-12-31",
             "0001-01-01", "2003/01/01", "01-02-2003", "yesterday", "2003-1-1", " 2003 ", "２００３",
             "2003-02-29", "2004-02-29", "2003-04-31T00:00", "1e3", ""]
GOOD = {"coalition": ["test", "test-2003", "pact", "statute-2000", "Test coalition"],
        "actor": ["usa", "esp", "pol", "UK", "Kingdom of Spain"],
        "source": ["s1", "s2", "s3"],
        "type": ["join", "withdraw", "commit_troops", "sign_treaty", "ratify", "count_claim",
                 "correct", "retract", "milestone", "end", "entry_into_force"],
        "mode": ["ratification", "accession", "succession"],
        "date": ["2003-03-20", "2004", "2004-05", "2000-02-01", "2001-12-31"]}

texts = st.one_of(st.sampled_from(INJECTION), st.text(max_size=30),
                  st.text(alphabet="ab'\";-/\\%\x00\u202e\U0001f600", max_size=20),
                  st.just("x" * 6000))
numbers = st.one_of(st.integers(-10, 10**6), st.integers(), st.floats(allow_nan=True),
                    st.sampled_from([10**30, -1, 0, 2**63, 1e308, "1,000", "12.5", "٣"]))
nasty = st.one_of(texts, numbers, st.booleans(), st.none(),
                  st.lists(st.text(max_size=5), max_size=3),
                  st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))


@functools.lru_cache(maxsize=None)
def field(name):
    if name in ("date", "effective", "published", "accessed", "start", "end"):
        good = st.one_of(st.sampled_from(GOOD["date"]), st.sampled_from(BAD_DATES))
    elif name in ("troops", "troops_max", "count"):
        good = numbers
    elif name in GOOD:
        good = st.sampled_from(GOOD[name])
    elif name in ("id", "ref"):
        good = st.from_regex(r"\A[a-z][a-z0-9-]{0,8}\Z")
    else:
        good = texts
    return st.one_of(good, good, nasty)


EVENT_FIELDS = ["type", "coalition", "actor", "date", "effective", "troops", "troops_max", "approx",
                "mode", "role", "label", "count", "ref", "source", "locator", "quote", "note", "id"]
KIND_FIELDS = {"event": EVENT_FIELDS,
               "source": ["id", "title", "publisher", "author", "url", "published", "accessed"],
               "actor": ["id", "name", "kind", "aliases"],
               "coalition": ["id", "name", "aliases", "kind", "model", "lead", "start", "end",
                             "description", "treaty"]}


@st.composite
def record(draw):
    kind = draw(st.sampled_from(["event", "event", "event", "source", "actor", "coalition"]))
    names = draw(st.lists(st.sampled_from(KIND_FIELDS[kind] + ["bogus", "seq", "hash"]),
                          min_size=1, max_size=9, unique=True))
    if kind == "event":
        names = list(dict.fromkeys(["type", "coalition", "date", "source"] + names))
    return kind, {n: draw(field(n)) for n in names}


def _scalar(value):
    return value if isinstance(value, str) else json.dumps(value, default=str)


def jsonl_text(records):
    lines = []
    for kind, data in records:
        lines.append(json.dumps({"record": kind, **data} if kind != "event" else data,
                                default=str))
    return "\n".join(lines) + "\n"


def csv_text(records):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for _, data in records:
        writer.writerow([_scalar(data.get(c, "")) if data.get(c) is not None else ""
                         for c in CSV_COLUMNS])
    return out.getvalue()


def yaml_text(records):
    doc = {}
    for kind, data in records:
        doc.setdefault(kind + "s", []).append(data)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def garbage(draw, text: str) -> bytes:
    """Damage the text the way real files get damaged."""
    how = draw(st.sampled_from(["none", "none", "none", "bytes", "latin1", "utf16", "cut",
                                "random", "empty", "splice"]))
    raw = text.encode("utf-8")
    if how == "bytes":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"\x80", b"\xed\xa0\x80"])) + raw[at:]
    if how == "latin1":
        return text.encode("latin-1", errors="replace") + "é".encode("latin-1")
    if how == "utf16":
        return text.encode("utf-16")
    if how == "cut":
        return raw[:draw(st.integers(0, len(raw)))]
    if how == "random":
        return draw(st.binary(max_size=200))
    if how == "empty":
        return b""
    if how == "splice":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.text(max_size=20)).encode("utf-8") + raw[at:]
    return raw


def inputs(render):
    @st.composite
    def make(draw):
        records = draw(st.lists(record(), min_size=0, max_size=6))
        return garbage(draw, render(records))
    return make()


def _counts(ledger):
    with ledger.engine.connect() as conn:
        return tuple(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                     for t in ("events", "sources", "actors", "coalitions", "aliases"))


TRIED: dict = {}


def _fuzz(ledger, tmp_path, ext, strategy):
    tally = {"tried": 0, "refused": 0, "appended": 0}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(raw):
        tally["tried"] += 1
        path = str(tmp_path / f"fuzz-{tally['tried']}.{ext}")
        with open(path, "wb") as handle:
            handle.write(raw)
        before = _counts(ledger)
        try:
            summary = ledger.import_file(path)
        except LedgerError as exc:
            tally["refused"] += 1
            message = str(exc)
            assert message.startswith(path + ":"), message
            assert re.match(re.escape(path) + r":\d+: ", message), message
            assert _counts(ledger) == before, f"partial append: {message}"
        else:
            tally["appended"] += 1
            assert _counts(ledger)[0] == before[0] + summary.new + summary.conflicting

    one()
    assert ledger.verify().ok
    key = f"{ext}/{ledger.engine.dialect.name}"
    TRIED[key] = tally
    print(f"\nfuzz {key}: {tally['tried']} inputs tried, {tally['refused']} refused with "
          f"file:line, {tally['appended']} appended")


@pytest.mark.parametrize("ext,render", [("jsonl", jsonl_text), ("csv", csv_text),
                                        ("yaml", yaml_text)])
def test_fuzz_importer(ledger, tmp_path, ext, render):
    _fuzz(ledger, tmp_path, ext, inputs(render))


@pytest.mark.parametrize("ext", ["jsonl", "csv", "yaml"])
def test_empty_file_appends_nothing(ledger, tmp_path, ext):
    path = tmp_path / f"empty.{ext}"
    path.write_bytes(b"")
    before = _counts(ledger)
    summary = ledger.import_file(str(path))
    assert summary.new == 0 and _counts(ledger) == before


def test_very_large_files_fail_whole_naming_the_line(ledger, tmp_path):
    before = _counts(ledger)
    rows = [f"join,test,usa,2003-03-{1 + i % 28:02d},{i},s1\n" for i in range(6000)]
    big_csv = tmp_path / "big.csv"
    big_csv.write_text("type,coalition,actor,date,troops,source\n" + "".join(rows)
                       + "join,test,usa,2003-02-30,1,s1\n")
    with pytest.raises(LedgerError, match=re.escape(str(big_csv)) + r":6002: field 'date'"):
        ledger.import_file(str(big_csv))
    long_line = tmp_path / "long.jsonl"
    long_line.write_text(json.dumps({"note": "x" * 1_100_000}) + "\n")
    with pytest.raises(LedgerError, match=re.escape(str(long_line)) + r":1: line longer"):
        ledger.import_file(str(long_line))
    assert _counts(ledger) == before


# -- hostile files (issue 15): every class, every format, on each backend ---------------------------

HOSTILE = int(os.environ.get("LEDGER_TEST_HOSTILE", "300"))   # bench/fuzz.py is the long run


def test_hostile_files_are_refused_cleanly_or_imported(ledger, tmp_path):
    """Each generated file is imported, or refused with FILE:LINE: and nothing of it appended;
    never another exception; memory stays bounded; the chains verify at the end."""
    import resource

    import hostile_inputs
    tally = {"imported": 0, "refused": 0}
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for seed in range(HOSTILE):
        cls, ext, raw = hostile_inputs.case(seed)
        path = tmp_path / f"hostile-{seed}.{ext}"
        path.write_bytes(raw)
        before, head = _counts(ledger), ledger.head()
        try:
            summary = ledger.import_file(str(path))
        except LedgerError as exc:
            tally["refused"] += 1
            assert re.match(re.escape(str(path)) + r":\d+: ", str(exc)), (seed, cls, str(exc))
            # bounded: every error of the file is named (up to 50), each line short
            lines = str(exc).splitlines()
            assert len(lines) <= 52 and all(len(line) < 600 for line in lines), (seed, cls)
            assert (_counts(ledger), ledger.head()) == (before, head), f"partial: seed {seed}"
        else:
            tally["imported"] += 1
            assert _counts(ledger)[0] == before[0] + summary.new + summary.conflicting
        path.unlink()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start
    assert grown < 300 * 1024, f"peak memory grew by {grown // 1024} MB"
    assert ledger.verify(deep=True).ok
    assert tally["imported"] and tally["refused"]
    print(f"\nhostile {ledger.engine.dialect.name}: {HOSTILE} files, {tally}")


def test_hostile_cases_cover_every_class_and_format():
    import hostile_inputs
    seen = {hostile_inputs.case(seed)[:2] for seed in range(HOSTILE)}
    assert {c for c, _ in seen} == set(hostile_inputs.CLASSES)
    assert {e for _, e in seen} == set(hostile_inputs.EXTENSIONS)
