"""Output that could carry an attack (issue 15): HTML in Markdown, terminal escapes in tables,
formulas in CSV. What the ledger holds is kept as it was; only what is shown is made safe."""
import csv
import io
import json

import pytest

ESC = "\x1b[31mRed\x1b]0;pwned\x07\u202eevil"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile(ledger, tmp_path):
    path = tmp_path / "hostile.jsonl"
    records = [
        {"record": "actor", "id": "evil", "name": f"Evil {SCRIPT}", "aliases": [ESC]},
        {"record": "actor", "id": "esc", "name": ESC},
        {"record": "actor", "id": "calc", "name": "=HYPERLINK(\"http://x\",\"y\")"},
        {"record": "source", "id": "sx", "title": f"Title {IMG}", "publisher": "@SUM(A1)",
         "url": "https://example.org/a)<b>"},
        {"type": "join", "coalition": "test", "actor": "evil", "date": "2003-03-20",
         "source": "sx", "note": f"note {IMG}"},
        {"type": "join", "coalition": "test", "actor": "esc", "date": "2003-03-21", "source": "sx",
         "note": "-2+3"},
        {"type": "join", "coalition": "test", "actor": "calc", "date": "2003-03-22",
         "source": "sx", "note": "=1+1"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    ledger.import_file(str(path))
    return ledger


def test_markdown_report_escapes_html(hostile, db_url, tmp_path, run_cli):
    out = tmp_path / "report.md"
    code, _, err = run_cli("--database", db_url, "--no-bundled", "report", "-c", "test",
                           "--at", "2004-01-01", "-o", str(out))
    assert code == 0, err
    text = out.read_text()
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Title &lt;img src=x onerror=alert(1)&gt;" in text
    assert "(https://example.org/a%29%3Cb%3E)" in text      # the link cannot be left
    html_out = tmp_path / "report.html"
    assert run_cli("--database", db_url, "--no-bundled", "report", "-c", "test", "--at",
                   "2004-01-01", "-o", str(html_out))[0] == 0
    page = html_out.read_text()           # (its maps are <img> of data URIs, its own)
    assert "<script>" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("args", [["asof", "2004-01-01", "-c", "test"],
                                  ["actors"], ["actors", "--format", "markdown"],
                                  ["history", "-a", "esc"], ["log", "-c", "test"],
                                  ["replay", "-c", "test"], ["export"], ["cite", "-c", "test"]])
def test_terminal_output_carries_no_control_characters(hostile, db_url, run_cli, args):
    code, out, err = run_cli("--database", db_url, "--no-bundled", *args)
    assert code == 0, err
    assert not any(c in out for c in "\x1b\x07\u202e"), repr(out[:300])
    if args[0] in ("asof", "actors", "replay"):
        assert "[31mRed]0;pwnedevil" in out         # the text is shown, its controls are not


def test_markdown_tables_escape_html(hostile, db_url, run_cli):
    code, out, err = run_cli("--database", db_url, "--no-bundled", "actors", "--format", "markdown")
    assert code == 0 and "<script" not in out and "&lt;script&gt;" in out


def test_the_ledger_keeps_the_text_as_given(hostile):
    assert {a.id: a.name for a in hostile.actors()}["esc"] == ESC


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_neutralises_formulas_by_default(hostile, db_url, run_cli):
    code, out, _ = run_cli("--database", db_url, "--no-bundled", "export", "--format", "csv")
    notes = {r["actor"]: r["note"] for r in _rows(out)}
    assert notes == {"evil": f"note {IMG}", "esc": "'-2+3", "calc": "'=1+1"}
    assert {r["source_titles"] for r in _rows(out)} == {f"Title {IMG}"}
    code, raw, _ = run_cli("--database", db_url, "--no-bundled", "export", "--format", "csv",
                           "--no-escape-formulas")
    assert {r["actor"]: r["note"] for r in _rows(raw)}["calc"] == "=1+1"


def test_panel_and_query_csv_neutralise_formulas(hostile, db_url, run_cli):
    code, out, _ = run_cli("--database", db_url, "--no-bundled", "panel", "-c", "test")
    names = {r["actor"]: r["name"] for r in _rows(out)}
    assert names["calc"] == "'=HYPERLINK(\"http://x\",\"y\")"
    code, out, _ = run_cli("--database", db_url, "--no-bundled", "panel", "-c", "test",
                           "--no-escape-formulas")
    assert {r["actor"]: r["name"] for r in _rows(out)}["calc"].startswith("=HYPERLINK")
    code, out, _ = run_cli("--database", db_url, "--no-bundled", "sources", "--format", "csv")
    assert {r["id"]: r["publisher"] for r in _rows(out)}["sx"] == "'@SUM(A1)"


def test_json_shows_control_characters_as_escapes_and_keeps_them(hostile, db_url, tmp_path,
                                                                  run_cli):
    code, out, _ = run_cli("--database", db_url, "--no-bundled", "actors", "--format", "json")
    assert code == 0 and not any(c in out for c in "\x1b\x07\u202e")
    assert {a["id"]: a["name"] for a in json.loads(out)["actors"]}["esc"] == ESC
    code, out, _ = run_cli("--database", db_url, "--no-bundled", "export")
    assert code == 0 and not any(c in out for c in "\x1b\x07\u202e")
    names = {r["id"]: r["name"] for r in map(json.loads, out.splitlines())
             if r["record"] == "actor"}
    assert names["esc"] == ESC          # the export re-imports as the same text
