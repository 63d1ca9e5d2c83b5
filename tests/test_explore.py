"""`ledger explore`: one self-contained page whose every number is what `ledger asof` says."""
import json
import os
import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import data
from ledger import Ledger, explore
from ledger.cli.main import cli

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def run(url, *args, bundled=False):
    result = CliRunner().invoke(cli, ["--database", url, *([] if bundled else ["--no-bundled"]), *args])
    assert result.exit_code == 0, result.output
    return result.output


def page_json(html: str) -> dict:
    found = re.search(r'<script id="data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.fixture
def iraq(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    sqlite_ledger.append("join", "test", "2005", actor="gbr", troops=8000, source="s3")
    return sqlite_ledger


def test_runs_merge_consecutive_months_with_the_same_state():
    months = [{"a": 1}, {"a": 1, "b": 2}, {"b": 2}, {"a": 1, "b": 3}]
    assert explore.runs(months) == {"a": [[0, 1, 1], [3, 3, 1]], "b": [[1, 2, 2], [3, 3, 3]]}


def test_every_month_of_the_page_is_what_asof_says(iraq):
    d = page_json(explore.to_html(iraq, ["test"]))["coalitions"][0]
    assert d["months"] == [p.date for p in iraq.growth("test", "month")]
    for i, day in enumerate(d["months"]):
        answer = iraq.asof(day, "test")
        assert d["totals"][i] == {"count": answer.count, "troops": answer.troops_total,
                                  "uncertain": answer.uncertain, "counts": None,
                                  "troops_known": answer.troops_known,
                                  "troops_stale": answer.troops_stale,
                                  "stale_after": answer.stale_after}
        listed = {a: explore_state(spans, i) for a, spans in d["actors"].items()}
        shown = {a: (s["status"], s["troops"], s["uncertain"], s["since"], s["sources"],
                     s["stale"], s["troops_as_of"]) for a, s in listed.items() if s and s["in"]}
        assert shown == {m.actor: (m.status, m.troops, m.uncertain, m.since,
                                   [s["id"] for s in m.sources], m.stale, m.troops_as_of)
                         for m in answer.members}
        assert {a for a, s in listed.items() if s and s["status"] == "withdrawn"} == {
            f.actor for f in answer.former}
    left = d["months"].index("2004-05-31")
    assert explore_state(d["actors"]["esp"], left)["status"] == "withdrawn"
    assert explore_state(d["countries"]["esp"], left) == ["withdrawn", False, "esp"]


def explore_state(spans, i):
    return next((state for first, last, state in spans if first <= i <= last), None)


def test_histories_are_the_replay_rows_with_their_sources(iraq):
    d = page_json(explore.to_html(iraq, ["test"]))
    rows = [r for r in iraq.replay("test") if r.actor == "esp"]
    assert d["coalitions"][0]["history"]["esp"] == [
        {"date": r.date, "type": r.type, "detail": r.detail, "sources": list(r.sources)} for r in rows]
    assert [h["type"] for h in d["coalitions"][0]["history"]["esp"]] == [
        "join", "announce_withdrawal", "withdraw"]
    assert d["sources"]["s2"]["url"] == "https://example.org/2"


def test_the_page_fetches_nothing_and_its_data_cannot_close_the_script(iraq, tmp_path):
    iraq.declare_source(id="evil", title="</script><script>alert(1)</script>", url="https://e.org/x")
    iraq.append("commit_troops", "test", "2004-02-01", actor="usa", troops=140000, source="evil")
    out = tmp_path / "page.html"
    run(iraq.engine.url.render_as_string(hide_password=False), "explore", "-c", "test", "-o", str(out))
    html = out.read_text()
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*stylesheet|@import|@font-face|url\(\s*['\"]?http",
                         html)
    assert page_json(html)["sources"]["evil"]["title"] == "</script><script>alert(1)</script>"


# -- in a real browser -----------------------------------------------------------------------------

def _browser_or_skip():
    in_ci = os.environ.get("CI", "").lower() == "true"
    missing = [p for p in (CHROMIUM, DRIVER) if not shutil.which(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        (pytest.fail if in_ci else pytest.skip)(f"the browser test needs {', '.join(missing)}")


def _driver(tmp_path, phone=False):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 f"--user-data-dir={tmp_path / ('phone' if phone else 'desk')}",
                 "--window-size=1200,1400"):
        options.add_argument(flag)
    if phone:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def asof_totals(url, day, coalition):
    """The totals line `ledger asof` prints, less what the page words otherwise."""
    ledger = Ledger.open(url)
    try:
        return ledger.asof(day, coalition).totals().split(" (and ")[0]
    finally:
        ledger.close()


def _slide_to(driver, months, day):
    """Move the slider with the keyboard: Home, then the right arrow once per month."""
    from selenium.webdriver.common.keys import Keys
    slider = driver.find_element("id", "slider")
    driver.execute_script("arguments[0].focus()", slider)
    slider.send_keys(Keys.HOME + Keys.ARROW_RIGHT * months.index(day))
    assert driver.find_element("id", "date").text == day


def test_explore_page_in_headless_chromium(tmp_path, monkeypatch):
    _browser_or_skip()
    from selenium.webdriver.support.ui import Select
    url = f"sqlite:///{tmp_path / 'bundled.sqlite'}"
    Ledger.open(url).close()                          # the bundled, source-cited data
    page = tmp_path / "explore.html"
    run(url, "explore", "-c", "iraq", "-c", "ottawa", "-o", str(page), bundled=True)
    d = page_json(page.read_text())
    iraq, ottawa = d["coalitions"]
    driver = _driver(tmp_path)
    try:
        driver.get(page.as_uri())
        # a military coalition: members and troops on a month end
        _slide_to(driver, iraq["months"], "2004-12-31")
        asof = json.loads(run(url, "asof", "2004-12-31", "-c", "iraq", "--format", "json", bundled=True))
        assert int(driver.find_element("id", "count").text) == asof["count"] > 20
        assert driver.find_element("id", "troops").text == f"{asof['troops_total']:,}"
        shown = driver.find_element("id", "totals").text
        assert shown.startswith(asof_totals(url, "2004-12-31", "iraq"))
        rows = driver.find_elements("css selector", "#table tbody tr")
        assert sorted(r.get_attribute("data-actor") for r in rows) == sorted(
            m["actor"] for m in asof["members"])
        # a country's history: Spain's events in the coalition, each source a link
        driver.find_element("css selector", '#map path[data-actor="esp"]').click()
        items = driver.find_elements("css selector", '#history ol[data-actor="esp"] li')
        replay = json.loads(run(url, "replay", "-c", "iraq", "--format", "json", bundled=True))
        expected = [(r["date"], r["type"]) for r in replay["rows"] if r["actor"] == "esp"]
        assert [(li.get_attribute("data-date"), li.get_attribute("data-type")) for li in items] == expected
        assert ("2004-05-21", "withdraw") in expected
        assert driver.find_element("id", "history-now").text == (
            "Spain on 2004-12-31: left or withdrew")
        links = {a.get_attribute("href") for a in items[-1].find_elements("css selector", "a")}
        assert links and links <= {s["url"] for s in d["sources"].values()}
        # a treaty: parties on a month end
        Select(driver.find_element("id", "coalition")).select_by_value("1")
        _slide_to(driver, ottawa["months"], "2000-12-31")
        asof = json.loads(run(url, "asof", "2000-12-31", "-c", "ottawa", "--format", "json", bundled=True))
        assert int(driver.find_element("id", "count").text) == asof["count"]
        assert int(driver.find_element("id", "signed").text) == asof["counts"]["signed"]
        assert int(driver.find_element("id", "ratified").text) == asof["counts"]["ratified"]
        can = driver.find_element("css selector", '#map path[data-actor="can"]')
        assert can.get_attribute("fill") == d["colours"]["party"]
        # a click on the timeline chart picks that month: the plot's left edge is the first
        from selenium.webdriver.common.action_chains import ActionChains
        plot = driver.find_element("css selector", "#chart .plot")
        width = plot.rect["width"]
        ActionChains(driver).move_to_element_with_offset(plot, -width / 2 + 1, 0).click().perform()
        assert driver.find_element("id", "date").text == ottawa["months"][0]
        _slide_to(driver, ottawa["months"], "2000-12-31")
        # play moves on month by month
        driver.find_element("id", "play").click()
        driver.implicitly_wait(0)
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(driver, 10).until(
            lambda drv: drv.find_element("id", "date").text > "2001-02-28")
        driver.find_element("id", "play").click()
        png = tmp_path / "explore.png"
        driver.save_screenshot(str(png))
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
        # nothing was loaded but the file itself: no script, style, font, image or tile
        assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    finally:
        driver.quit()
    # readable on a phone: nothing but the member table (which scrolls) is wider than the screen
    phone = _driver(tmp_path, phone=True)
    try:
        phone.get(page.as_uri())
        wide = phone.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => !e.closest('.scroll') &&"
            " e.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1)"
            ".map(e => e.tagName + '#' + e.id)")
        assert wide == []
        assert phone.execute_script("return document.body.getBoundingClientRect().width") <= 390
        assert [e for e in phone.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        phone.quit()


def test_a_coalition_without_events_gives_a_page_with_no_months(sqlite_ledger):
    d = page_json(explore.to_html(sqlite_ledger, ["pact"]))["coalitions"][0]
    assert (d["months"], d["totals"], d["actors"], d["history"]) == ([], [], {}, {})


def test_unknown_coalition_is_an_error(sqlite_ledger, tmp_path):
    url = sqlite_ledger.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--database", url, "--no-bundled", "explore", "-c", "nope",
                                      "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and result.output.startswith("Error: unknown coalition")
    assert not (tmp_path / "x.html").exists()
