"""The HTML/Markdown report and the SVG chart."""
import base64
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from conftest import data
from ledger import maps
from ledger.cli.main import cli
from ledger.report import nice_max

SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = "/usr/bin/chromium"


def run(ledger, *args):
    url = ledger.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--database", url, "--no-bundled", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _fill(ledger):
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.append("join", "test", "2005", actor="gbr", troops=8000, source="s3")   # uncertain months


class Page(HTMLParser):
    """What a reader sees: tables (rows of cell texts), links, and whether an <svg> is inline."""

    def __init__(self):
        super().__init__()
        self.tables, self.links, self.svg, self.scripts, self.external = [], [], 0, 0, []
        self.images = []
        self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "a":
            self.links.append(a.get("href"))
        elif tag == "svg":
            self.svg += 1
        elif tag == "script":
            self.scripts += 1
        if tag == "img":
            self.images.append(a)
        target = a.get("src") or a.get("href")
        if tag in ("img", "link", "script", "iframe") and target and not target.startswith("data:"):
            self.external.append(target)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, text):
        if self._cell is not None:
            self._cell += text


@freeze_time("2026-03-01 12:00:00")
def test_html_report_has_chart_tables_diffs_and_source_links(ledger, tmp_path):
    _fill(ledger)
    out = tmp_path / "report.html"
    run(ledger, "report", "-c", "test", "--at", "2004-01-01", "--at", "2004-12-31", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    assert page.svg == 1 and page.scripts == 0 and page.external == []
    members_2004, members_end, diff = page.tables
    assert members_2004[0] == ["actor", "name", "status", "troops", "since", "uncertain / disputed", "sources"]
    assert [r[0] for r in members_2004[1:]] == ["pol", "esp", "usa"]
    assert members_2004[2][3] == "1,300 (2003-08)"
    assert [r[0] for r in members_end[1:]] == ["pol", "usa"]
    assert diff[1][:3] == ["left", "esp", "Spain"]
    assert "Changes from 2004-01-01 to 2004-12-31" in text
    for url in ("https://example.org/1", "https://example.org/2", "https://example.org/3"):
        assert url in page.links              # every source the coalition's events cite
    assert "#src-s1" in page.links and 'id="src-s1"' in text
    assert ledger.head()[1] in text and "on 2026-03-01" in text
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", text, re.S).group(0))
    series = {p.get("data-series"): p for p in svg.iter(SVG + "polyline")}
    assert set(series) == {"members", "troops"}
    assert [r for r in svg.iter(SVG + "rect") if r.get("class") == "uncertain"]
    # the map on each --at date, as an SVG image of its own
    assert [i["alt"] for i in page.images] == ["Map of Test coalition on 2004-01-01",
                                               "Map of Test coalition on 2004-12-31"]
    first = ET.fromstring(base64.b64decode(page.images[0]["src"].split(",", 1)[1]))
    fills = {p.get("data-actor"): p.get("fill") for p in first.iter(SVG + "path")
             if p.get("class", "").startswith("country")}
    assert fills["usa"] == fills["esp"] == fills["pol"] == maps.COLOURS["member"]
    assert fills["gbr"] == maps.LAND


def test_report_defaults_to_first_and_last_month(sqlite_ledger, tmp_path):
    _fill(sqlite_ledger)
    out = tmp_path / "r.html"
    run(sqlite_ledger, "report", "-c", "test", "-o", str(out))
    page = Page()
    page.feed(out.read_text())
    # two member tables, the changes between them, and what changed inside the period (Spain in
    # and out, Poland's two troop levels)
    assert len(page.tables) == 4
    inside = {row[0]: row[2] for row in page.tables[3][1:]}
    assert set(inside) == {"esp", "pol"} and "→ 2003-09-03 (200)" in inside["pol"]
    assert "Members on 2003-03-31" in out.read_text() and "Members on 2008-10-31" in out.read_text()


def test_markdown_report_writes_the_same_with_the_chart_beside_it(sqlite_ledger, tmp_path):
    _fill(sqlite_ledger)
    out = tmp_path / "report.md"
    run(sqlite_ledger, "report", "-c", "test", "--at", "2004-01-01", "--at", "2004-12-31",
        "-o", str(out))
    md = out.read_text()
    assert "![Timeline of Test coalition](report.svg)" in md
    assert (tmp_path / "report.svg").read_text().startswith("<svg")
    assert "## Members on 2004-01-01" in md and "## Changes from 2004-01-01 to 2004-12-31" in md
    assert "| esp | Spain | member | 1,300 (2003-08) | 2003-08 |  | [s1](#src-s1) |" in md
    assert "| left | esp | Spain | member 1,300 |" in md
    assert "No longer in: Spain (left 2004-05-21)." in md           # former members, apart
    assert "[First source](https://example.org/1)" in md
    assert "![Map of Test coalition on 2004-12-31](report-map-2004-12-31.svg)" in md
    beside = ET.parse(tmp_path / "report-map-2004-12-31.svg").getroot()
    assert {p.get("data-actor"): p.get("fill") for p in beside.iter(SVG + "path")}["esp"] == (
        maps.COLOURS["withdrawn"])


def test_treaty_chart_draws_signed_ratified_parties(sqlite_ledger, tmp_path):
    for actor, signed, ratified in (("aaa", "2000-02-01", "2000-03-01"),
                                    ("bbb", "2000-02-10", "2000-04-01"),
                                    ("ccc", "2000-02-15", "2000-05-01")):
        sqlite_ledger.append("sign_treaty", "pact", signed, actor=actor, source="s1")
        sqlite_ledger.append("ratify", "pact", ratified, actor=actor, mode="ratification", source="s1")
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    out = tmp_path / "chart.svg"
    run(sqlite_ledger, "chart", "-c", "pact", "-c", "test", "-o", str(out))
    svg = ET.parse(out).getroot()
    labels = [p.get("data-series") for p in svg.iter(SVG + "polyline")]
    assert labels == ["signed", "ratified", "parties", "members", "troops"]
    assert int(svg.get("height")) == 600        # one panel per coalition


def test_nice_axis():
    assert nice_max(0) == (1, 1)
    assert nice_max(3) == (3, 1)
    assert nice_max(34) == (40, 10)
    assert nice_max(152_500) == (200_000, 50_000)


@pytest.mark.skipif(not os.path.exists(CHROMIUM),
                    reason=f"{CHROMIUM} is not installed (CI installs it): cannot render the report")
def test_report_renders_in_headless_chromium(sqlite_ledger, tmp_path):
    _fill(sqlite_ledger)
    out = tmp_path / "report.html"
    run(sqlite_ledger, "report", "-c", "test", "--at", "2004-01-01", "--at", "2004-12-31",
        "-o", str(out))
    png = tmp_path / "report.png"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run(flags + [f"--screenshot={png}", "--window-size=1200,1600", out.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert png.exists() and png.stat().st_size > 20_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run(flags + ["--dump-dom", out.as_uri()], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    page = Page()
    page.feed(dom)
    assert page.svg == 1 and len(page.tables) >= 3
    assert "https://example.org/1" in page.links


def test_treaty_report_tables_have_no_troops_column(sqlite_ledger, tmp_path):
    sqlite_ledger.append("sign_treaty", "pact", "2000-02-01", actor="aaa", source="s1")
    sqlite_ledger.append("ratify", "pact", "2000-03-01", actor="aaa", mode="ratification", source="s2")
    out = tmp_path / "pact.html"
    run(sqlite_ledger, "report", "-c", "pact", "--at", "2000-02-15", "--at", "2000-03-15",
        "-o", str(out))
    page = Page()
    page.feed(out.read_text())
    assert page.tables[0][0] == ["actor", "name", "status", "since", "uncertain / disputed", "sources"]
    assert page.tables[0][1][:3] == ["aaa", "Avalon", "signatory"]
    assert page.tables[1][1][:3] == ["aaa", "Avalon", "ratified"]
    assert page.tables[2][1][:5] == ["changed", "aaa", "Avalon", "signatory", "ratified"]
    assert "signed 1, ratified 1, parties 0" in out.read_text()
