"""Importing other people's tables: a membership table (the EUMS file in shared/), a UN Treaty
Collection status table, and Wikidata SPARQL results. Each import is atomic and idempotent."""
import json
import os
from importlib.resources import as_file, files

import pytest
from click.testing import CliRunner

from conftest import data
from ledger import InputError, UnknownIdError
from ledger.cli.main import cli
from ledger.files import Record
from ledger.importers import import_table

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_EUMS_IN_SHARED = os.path.join("datasets", "eu-member-states", "member_states_raw.csv")
# shared/ sits beside the repository's clone (in CI and in a worktree under /work)
EUMS = next((p for p in (os.path.join(REPO, "..", "shared", _EUMS_IN_SHARED),
                         os.path.join("/work/shared", _EUMS_IN_SHARED)) if os.path.exists(p)),
            os.path.join(REPO, "..", "shared", _EUMS_IN_SHARED))
EU_COLUMNS = dict(actor_column="iso_alpha_3_code", join_column="accession_date",
                  exit_column="exit_date")

needs_eums = pytest.mark.skipif(
    not os.path.exists(EUMS),
    reason=f"the EUMS membership table is not at {os.path.normpath(EUMS)} (shared/ beside the repo)")


def _world(ledger):
    """Every ISO state (the bundled actors file), a list coalition, a treaty and their sources."""
    with as_file(files("ledger.events") / "actors.yaml") as path:
        ledger.import_file(str(path))
    ledger.import_records([
        Record("coalition", {"id": "eu", "name": "European Union", "kind": "list"}, "<t>", 1),
        Record("coalition", {"id": "mine-ban", "name": "Mine Ban Treaty", "kind": "treaty",
                             "treaty": {"signature_open": {"from": "1997-12-03",
                                                           "until": "entry_into_force"},
                                        "entry_into_force": {"threshold": 40, "months": 6,
                                                             "first_of_month": True},
                                        "later_states": {"months": 6, "first_of_month": True}}},
               "<t>", 2),
        Record("source", {"id": "eums", "title": "eums: The European Union Member States (EUMS) "
                          "Database", "author": "Joshua C. Fjelstul", "published": "2021"}, "<t>", 3),
        Record("source", {"id": "untc", "title": "UNTC status table (test sample)"}, "<t>", 4),
        Record("source", {"id": "wikidata", "title": "Wikidata query (test sample)",
                          "url": "https://query.wikidata.org/"}, "<t>", 5),
    ], "<test world>")
    return ledger


@pytest.fixture
def world(empty):
    return _world(empty)


def _members(ledger, day, coalition="eu"):
    return {m.actor for m in ledger.asof(day, coalition).members}


# -- membership table -------------------------------------------------------------------------------

@needs_eums
def test_eums_membership_table_imports_with_exit_as_first_day_outside(world):
    summary = import_table(world, EUMS, "membership", coalition="eu", source="eums", **EU_COLUMNS)
    assert (summary.new, summary.duplicate, summary.conflicting) == (29, 0, 0)   # 28 joins, 1 exit
    assert _members(world, "1952-07-22") == set()
    assert _members(world, "1952-07-23") == {"bel", "fra", "deu", "ita", "lux", "nld"}
    assert len(_members(world, "2013-06-30")) == 27 and "hrv" not in _members(world, "2013-06-30")
    assert len(_members(world, "2013-07-01")) == 28
    assert "gbr" in _members(world, "2020-01-30")
    assert "gbr" in _members(world, "2020-01-30") and "gbr" not in _members(world, "2020-01-31")
    assert len(_members(world, "2021-01-01")) == 27
    gbr = [e for e in world.log("eu", "gbr")]
    assert [(e.type, e.date.text) for e in gbr] == [("join", "1973-01-01"), ("withdraw", "2020-01-31")]
    assert gbr[0].sources[0].locator == "member_states_raw.csv, line 10"


@needs_eums
def test_membership_import_is_idempotent(world):
    import_table(world, EUMS, "membership", coalition="eu", source="eums", **EU_COLUMNS)
    head = world.head()
    again = import_table(world, EUMS, "membership", coalition="eu", source="eums", **EU_COLUMNS)
    assert (again.new, again.duplicate, again.conflicting) == (0, 29, 0)
    assert world.head() == head


@needs_eums
def test_membership_import_through_the_command_line(world, tmp_path):
    url = world.engine.url.render_as_string(hide_password=False)
    args = ["--database", url, "--no-bundled", "import-table", EUMS, "-c", "eu", "-s", "eums",
            "--actor-column", "iso_alpha_3_code", "--join-column", "accession_date",
            "--exit-column", "exit_date"]
    dry = CliRunner().invoke(cli, args + ["--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0 and "would append 29 event(s): 29 new" in dry.output
    assert world.log("eu") == []
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0 and "appended 29 event(s): 29 new" in result.output


def _bad_copy(tmp_path, line_no, column, value):
    """The EUMS table with one cell changed (line numbers as in the file)."""
    with open(EUMS, encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\r\n")
    import csv
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[line_no - 1]]))
    row[header.index(column)] = value
    import io
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    lines[line_no - 1] = buf.getvalue()
    path = tmp_path / "bad.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return str(path)


@needs_eums
def test_bad_date_appends_nothing_and_names_line_and_column(world, tmp_path):
    path = _bad_copy(tmp_path, 20, "accession_date", "2004-05-32")
    head = world.head()
    with pytest.raises(InputError) as err:
        import_table(world, path, "membership", coalition="eu", source="eums", **EU_COLUMNS)
    assert err.value.line == 20 and err.value.field == "accession_date"
    assert "bad.csv:20: field 'accession_date'" in str(err.value)
    assert world.head() == head and world.log("eu") == []


@needs_eums
def test_unknown_actor_late_in_the_table_appends_nothing(world, tmp_path):
    path = _bad_copy(tmp_path, 27, "iso_alpha_3_code", "XQZ")
    with pytest.raises(UnknownIdError) as err:
        import_table(world, path, "membership", coalition="eu", source="eums", **EU_COLUMNS)
    assert err.value.line == 27 and err.value.field == "iso_alpha_3_code"
    assert "unknown actor 'xqz'" in str(err.value)
    assert world.log("eu") == []


@needs_eums
def test_exit_before_join_is_refused(world, tmp_path):
    path = _bad_copy(tmp_path, 3, "exit_date", "1950-01-01")
    with pytest.raises(InputError) as err:
        import_table(world, path, "membership", coalition="eu", source="eums", **EU_COLUMNS)
    assert (err.value.line, err.value.field) == (3, "exit_date")
    assert world.log("eu") == []


def test_membership_table_na_empty_lowercase_codes_and_missing_column(world, tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("code,joined,left\nbel,1952-07-23,NA\nFra,1952-07-23,\ngBr,1973-01-01,2020-01-31\n")
    summary = import_table(world, str(path), "membership", coalition="eu", source="eums",
                           actor_column="code", join_column="joined", exit_column="left")
    assert summary.new == 4
    assert _members(world, "2020-02-01") == {"bel", "fra"}
    with pytest.raises(InputError) as err:
        import_table(world, str(path), "membership", coalition="eu", source="eums",
                     actor_column="iso", join_column="joined")
    assert err.value.line == 1 and "no column 'iso' (--actor-column)" in str(err.value)


# -- UN Treaty Collection ---------------------------------------------------------------------------

def test_untc_status_table_gives_signatures_and_ratifications_with_modes(world):
    summary = import_table(world, data("untc-sample.txt"), "untc", coalition="mine-ban", source="untc")
    assert summary.new == 16 and summary.duplicate == 0
    by = {}
    for e in world.log("mine-ban"):
        by.setdefault(e.actor, []).append((e.type, e.date.text, e.payload.get("mode")))
    assert by["afg"] == [("ratify", "2002-09-11", "accession")]
    assert by["alb"] == [("sign_treaty", "1998-09-08", None), ("ratify", "2000-02-29", "ratification")]
    assert by["bol"][0] == ("sign_treaty", "1997-12-03", None)      # "Bolivia (Plurinational State of)"
    assert by["cze"][1] == ("ratify", "1999-10-26", "ratification")  # footnote 3 dropped
    assert by["hun"][1][2] == "approval" and by["jpn"][1][2] == "acceptance"
    assert by["mne"] == [("ratify", "2006-10-23", "succession")]
    cite = world.log("mine-ban", "jpn")[0].sources[0]
    assert cite.source == "untc" and cite.locator == "untc-sample.txt, line 14 (Japan)"
    assert "jpn" in {m.actor for m in world.asof("1998-12-31", "mine-ban").members}
    again = import_table(world, data("untc-sample.txt"), "untc", coalition="mine-ban", source="untc")
    assert (again.new, again.duplicate) == (0, 16)


def test_untc_table_as_csv(world, tmp_path):
    path = tmp_path / "untc.csv"
    path.write_text('Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), '
                    'Succession(d)"\nCanada,3 Dec 1997,3 Dec 1997\nAfghanistan,,11 Sep 2002 a\n')
    summary = import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    assert summary.new == 3
    assert [(e.actor, e.type) for e in world.log("mine-ban")] == [
        ("can", "sign_treaty"), ("can", "ratify"), ("afg", "ratify")]


def test_untc_bad_row_appends_nothing_and_names_line_and_column(world, tmp_path):
    text = open(data("untc-sample.txt"), encoding="utf-8").read()
    path = tmp_path / "bad.txt"
    path.write_text(text.replace("30 Sep 1998 A", "30 Sept 1998 X"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    assert err.value.line == 14
    assert err.value.field.startswith("Ratification, Acceptance(A)")
    assert world.log("mine-ban") == []
    path.write_text(text.replace("Poland\t", "Polandia\t"), encoding="utf-8")
    with pytest.raises(UnknownIdError) as err:
        import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    assert (err.value.line, err.value.field) == (16, "Participant")
    assert "Polandia" in str(err.value) and world.log("mine-ban") == []


# The stored copy of a UNTC status page is the page's text with its markup taken out: headings
# and rows run together on one line. A SAMPLE written for the tests in that layout (real-looking rows,
# not checked against the UNTC): a provisional application (n), a footnote after a name, markers
# glued to the next name, an approval (AA) before a name that begins with A, and a lone date.
PAGE = ("CHAPTER XXVI\nDISARMAMENT\n6Convention on Cluster MunitionsDublin, 30 May 2008\n"
        "ParticipantSignatureProvisional application(n)Approval(AA), Acceptance(A), Accession(a), "
        "RatificationAndorra 9 Apr 2013 aAngola 3 Dec 2008 Antigua and Barbuda16 Jul 2010 "
        "23 Aug 2010 Belize<superscript>1</superscript> 2 Sep 2014 n 2 Sep 2014 aCuba 6 Apr 2016 "
        "aCyprus23 Sep 2009 Denmark 3 Dec 2008 12 Feb 2010 AAAustria 3 Dec 2008 2 Apr 2009 A"
        "Ecuador 3 Dec 2008 11 May 2010\n1 Footnote text, ignored.\n")


def test_untc_page_text_with_the_cells_run_together(world, tmp_path):
    path = tmp_path / "XXVI-6.txt"
    path.write_text(PAGE, encoding="utf-8")
    summary = import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    by = {}
    for e in world.log("mine-ban"):
        by.setdefault(e.actor, []).append((e.type, e.date.text, e.payload.get("mode")))
    assert by == {
        "and": [("ratify", "2013-04-09", "accession")],
        "ago": [("sign_treaty", "2008-12-03", None)],
        "atg": [("sign_treaty", "2010-07-16", None), ("ratify", "2010-08-23", "ratification")],
        "blz": [("ratify", "2014-09-02", "accession")],          # the provisional application skipped
        "cub": [("ratify", "2016-04-06", "accession")],
        "cyp": [("sign_treaty", "2009-09-23", None)],
        "dnk": [("sign_treaty", "2008-12-03", None), ("ratify", "2010-02-12", "approval")],
        "aut": [("sign_treaty", "2008-12-03", None), ("ratify", "2009-04-02", "acceptance")],
        "ecu": [("sign_treaty", "2008-12-03", None), ("ratify", "2010-05-11", "ratification")],
    }
    assert summary.new == 13
    assert world.log("mine-ban", "cyp")[0].sources[0].locator == "XXVI-6.txt, line 4 (Cyprus)"


def test_untc_page_cut_short_appends_nothing(world, tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text(PAGE.replace("11 May 2010\n", "11 May 2010 El Salvador 3 Dec\n"), encoding="utf-8")
    with pytest.raises(InputError, match="El Salvador 3 Dec' has no date after it") as err:
        import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    assert err.value.line == 4 and world.log("mine-ban") == []


def test_untc_table_with_a_provisional_application_column(world, tmp_path):
    path = tmp_path / "att.txt"
    path.write_text("Participant\tSignature\tProvisional application under article 23(n)\t"
                    "Approval(AA), Acceptance(A), Accession(a), Ratification\n"
                    "Antigua and Barbuda\t 3 Jun 2013\t12 Aug 2013 n\t12 Aug 2013\n"
                    "Andorra\t18 Dec 2014\t\t\n", encoding="utf-8")
    import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    assert [(e.actor, e.type, e.date.text) for e in world.log("mine-ban")] == [
        ("atg", "sign_treaty", "2013-06-03"), ("atg", "ratify", "2013-08-12"),
        ("and", "sign_treaty", "2014-12-18")]


# The status page as saved from treaties.un.org is HTML: the participants are the rows of the table
# whose id ends in "tblgrid". A SAMPLE written for the tests in that markup (real-looking rows, not
# checked against the UNTC): a layout table around it, a footnote link on a name, "St." for "Saint",
# a provisional application column, and a withdrawn state's dates in brackets.
HTML_PAGE = """<html><body><table><tr><td>STATUS AS AT : 03-02-2026</td></tr></table>
<table id="ctl00_ContentPlaceHolder1_tblgrid" class="table">
	<tr class="thead-one">
		<td>Participant<br></td><td>Signature<br></td><td>Provisional application(n)<br></td>
		<td>Approval(AA), Acceptance(A), Accession(a), Ratification<br></td>
	</tr>
	<tr><td><a href='#EndDec' class='noteIndex'>Denmark</a><sup>2</sup><br></td>
		<td> &nbsp;3 Dec	 2008 <br></td><td>&nbsp;</td><td>12 Feb	 2010 AA<br></td></tr>
	<tr><td>Lithuania<sup>3</sup></td><td>[ 3 Dec	 2008 ]</td><td>[24 Mar	 2011 n]</td>
		<td>[24 Mar	 2011 ]</td></tr>
	<tr><td>St. Kitts and Nevis<br></td><td>&nbsp;</td><td>&nbsp;</td><td>13 Sep	 2013 a<br></td></tr>
</table>
<p>End Note 2 Footnote text, ignored.</p></body></html>
"""


def test_untc_status_page_as_html(world, tmp_path):
    path = tmp_path / "XXVI-6.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    summary = import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    assert [(e.actor, e.type, e.date.text, e.payload.get("mode")) for e in world.log("mine-ban")] == [
        ("dnk", "sign_treaty", "2008-12-03", None), ("dnk", "ratify", "2010-02-12", "approval"),
        ("ltu", "sign_treaty", "2008-12-03", None), ("ltu", "ratify", "2011-03-24", "ratification"),
        ("kna", "ratify", "2013-09-13", "accession")]
    assert summary.new == 5
    assert world.log("mine-ban", "ltu")[0].sources[0].locator == "XXVI-6.html, line 9 (Lithuania)"


def test_untc_html_without_the_participants_table_rows(world, tmp_path):
    path = tmp_path / "empty.html"
    path.write_text('<html><table id="x_tblgrid"></table></html>', encoding="utf-8")
    with pytest.raises(InputError, match="participants table"):
        import_table(world, str(path), "untc", coalition="mine-ban", source="untc")
    assert world.log("mine-ban") == []


# -- Wikidata ---------------------------------------------------------------------------------------

def _binding(item, label, start, end=None, ref=None, precision=None):
    b = {"item": {"type": "uri", "value": f"http://www.wikidata.org/entity/{item}"},
         "itemLabel": {"type": "literal", "xml:lang": "en", "value": label},
         "start": {"datatype": "http://www.w3.org/2001/XMLSchema#dateTime", "type": "literal",
                   "value": start}}
    if end:
        b["end"] = {"datatype": "http://www.w3.org/2001/XMLSchema#dateTime", "type": "literal",
                    "value": end}
    if ref:
        b["ref"] = {"type": "uri", "value": ref}
    if precision:
        b["startPrecision"] = {"datatype": "http://www.w3.org/2001/XMLSchema#integer",
                               "type": "literal", "value": precision}
    return b


def _sparql(tmp_path, bindings):
    path = tmp_path / "query.json"
    path.write_text(json.dumps({"head": {"vars": ["item", "itemLabel", "start", "end", "ref",
                                                  "startPrecision"]},
                                "results": {"bindings": bindings}}))
    return str(path)


def test_wikidata_results_give_joins_withdrawals_and_reference_sources(world, tmp_path):
    path = _sparql(tmp_path, [
        _binding("Q31", "Belgium", "1952-07-23T00:00:00Z", ref="https://example.org/treaty"),
        _binding("Q31", "Belgium", "1952-07-23T00:00:00Z", ref="https://example.org/other"),
        _binding("Q145", "United Kingdom", "1973-01-01T00:00:00Z", "2020-01-31T00:00:00Z",
                 ref="https://example.org/treaty"),
        _binding("Q34", "Sweden", "1995-01-01T00:00:00Z", precision="9"),
    ])
    summary = import_table(world, path, "wikidata", coalition="eu", source="wikidata")
    assert (summary.new, summary.declared) == (4, 2)
    events = [(e.actor, e.type, e.date.text, e.source_ids) for e in world.log("eu")]
    assert events[0][:3] == ("bel", "join", "1952-07-23") and len(events[0][3]) == 3
    assert events[1][:3] == ("gbr", "join", "1973-01-01")
    assert events[2][:3] == ("gbr", "withdraw", "2020-01-31")
    assert events[3] == ("swe", "join", "1995", ("wikidata",))          # year precision kept
    urls = {s.url for s in world.sources() if s.id.startswith("wd-ref-")}
    assert urls == {"https://example.org/treaty", "https://example.org/other"}
    assert world.log("eu", "bel")[0].sources[0].locator == "Wikidata Q31"
    assert "gbr" not in _members(world, "2020-01-31") and "gbr" in _members(world, "2020-01-30")
    again = import_table(world, path, "wikidata", coalition="eu", source="wikidata")
    assert (again.new, again.duplicate, again.declared) == (0, 4, 0)


def test_wikidata_bad_time_appends_nothing(world, tmp_path):
    path = _sparql(tmp_path, [
        _binding("Q31", "Belgium", "1952-07-23T00:00:00Z", ref="https://example.org/treaty"),
        _binding("Q145", "United Kingdom", "1973-01-01T00:00:00Z", "31 January 2020"),
    ])
    with pytest.raises(InputError) as err:
        import_table(world, path, "wikidata", coalition="eu", source="wikidata")
    assert err.value.line == 2 and err.value.field == "results.bindings[1].end"
    assert world.log("eu") == [] and not [s for s in world.sources() if s.id.startswith("wd-")]
