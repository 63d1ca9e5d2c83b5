"""`ledger map`: shapes for every country of the borders file, shaded from `asof`."""
import math
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from conftest import data
from ledger import geo, maps
from ledger.cli.main import cli

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return ET.fromstring(svg)


def fills(root, panel: int = 0) -> dict[str, str]:
    """data-actor -> fill of the country shapes (and dots) in one panel."""
    g = root.findall(f"{SVG}g[@class='panel']")[panel]
    return {e.get("data-actor"): e.get("fill") for e in g.iter()
            if e.get("class", "").split(" ")[0] in ("country", "dot")}


def circles(root) -> dict[str, float]:
    return {c.get("data-actor"): float(c.get("r")) for c in root.iter(f"{SVG}circle")
            if c.get("class") == "troops"}


@pytest.fixture
def iraq(sqlite_ledger):
    sqlite_ledger.import_file(data("iraq-sample.yaml"))
    sqlite_ledger.append("join", "test", "2005", actor="gbr", troops=8000, source="s3")
    return sqlite_ledger


def world(tmp_path, ledger, events: str) -> None:
    """More real states and events for the test world, written as an event file."""
    path = tmp_path / "more.yaml"
    path.write_text("format: 1\nactors:\n"
                    "  - {id: csk, name: Czechoslovakia, kind: former-state}\n"
                    "  - {id: cze, name: Czechia}\n  - {id: svk, name: Slovakia}\n"
                    "  - {id: sgp, name: Singapore}\n  - {id: fra, name: France}\n"
                    "events:\n" + events)
    ledger.import_file(str(path))


def test_every_country_of_the_borders_file_is_a_shape(iraq):
    root = parse(maps.map_svg(iraq, "test", ["2004-01-01"]))
    b = geo.borders()
    drawn = [p.get("data-actor") for p in root.iter(f"{SVG}path")
             if p.get("class", "").startswith("country")]
    assert sorted(drawn) == sorted(b.shapes) and len(drawn) == len(set(drawn))
    assert len(b.shapes) > 170 and {"usa", "esp", "xkx", "rus", "fji"} <= set(b.shapes)
    land = [p.get("data-name") for p in root.iter(f"{SVG}path") if p.get("class") == "land"]
    assert sorted(land) == sorted(b.other)
    assert all(p.get("d").startswith("M") for p in root.iter(f"{SVG}path"))


def test_members_are_filled_with_the_member_colour(iraq):
    f = fills(parse(maps.map_svg(iraq, "test", ["2004-01-01"])))
    members = {m.actor for m in iraq.asof("2004-01-01", "test").members}
    assert members == {"usa", "esp", "pol"}
    assert {a for a, c in f.items() if c == maps.COLOURS["member"]} == members
    assert {c for a, c in f.items() if a not in members} == {maps.LAND}


def test_an_actor_that_left_is_shaded_withdrawn_from_the_day_it_left(iraq):
    before = fills(parse(maps.map_svg(iraq, "test", ["2004-05-20"])))
    after = fills(parse(maps.map_svg(iraq, "test", ["2004-05-21"])))
    assert before["esp"] == maps.COLOURS["member"]
    assert after["esp"] == maps.COLOURS["withdrawn"]
    assert after["gbr"] == maps.LAND        # not yet in: never-in is not withdrawn
    assert [f.actor for f in iraq.asof("2004-05-21", "test").former] == ["esp"]


def test_uncertain_members_are_striped(iraq):
    assert {m.actor for m in iraq.asof("2005-06-30", "test").members if m.uncertain} == {"gbr"}
    root = parse(maps.map_svg(iraq, "test", ["2005-06-30"]))
    assert fills(root)["gbr"] == "url(#hatch-member)"
    assert root.find(f".//{SVG}pattern[@id='hatch-member']") is not None


def test_troop_circles_have_areas_in_proportion_to_troops(iraq):
    r = circles(parse(maps.map_svg(iraq, "test", ["2004-01-01"])))
    assert set(r) == {"usa", "esp", "pol"}
    assert r["usa"] / r["pol"] == pytest.approx(math.sqrt(150000 / 2500), rel=0.02)
    assert r["usa"] / r["esp"] == pytest.approx(math.sqrt(150000 / 1300), rel=0.02)


def test_small_multiples_share_one_troop_scale(iraq):
    root = parse(maps.map_svg(iraq, "test", ["2008-12-31", "2004-01-01"]))
    panels = root.findall(f"{SVG}g[@class='panel']")
    assert [p.get("data-date") for p in panels] == ["2004-01-01", "2008-12-31"]
    usa = [c for p in panels for c in p.iter(f"{SVG}circle") if c.get("data-actor") == "usa"]
    assert len(usa) == 2 and usa[0].get("r") == usa[1].get("r")
    assert fills(root, 1)["pol"] == maps.COLOURS["withdrawn"]


def test_a_former_state_is_drawn_on_its_successors(sqlite_ledger, tmp_path):
    world(tmp_path, sqlite_ledger,
          '  - {type: join, coalition: test, actor: csk, date: "2003-04-01", troops: 200, source: s1}\n'
          '  - {type: join, coalition: test, actor: sgp, date: "2003-04-01", source: s1}\n')
    root = parse(maps.map_svg(sqlite_ledger, "test", ["2003-05-01"]))
    f = fills(root)
    assert f["cze"] == f["svk"] == f["sgp"] == maps.COLOURS["member"]
    assert "sgp" in {c.get("data-actor") for c in root.iter(f"{SVG}circle")
                     if c.get("class", "").startswith("dot")}       # too small for 1:110m
    assert set(circles(root)) == {"csk"}      # one circle, on its first successor
    circle = next(c for c in root.iter(f"{SVG}circle") if c.get("class") == "troops")
    x, y = maps.centres(geo.Frame(958))["cze"]
    assert (float(circle.get("cx")), float(circle.get("cy"))) == (round(x, 1), round(y, 1))


def test_treaty_statuses_and_actors_off_the_map(sqlite_ledger, tmp_path):
    world(tmp_path, sqlite_ledger,
          '  - {type: sign_treaty, coalition: pact, actor: fra, date: "2000-02-01", source: s1}\n'
          '  - {type: sign_treaty, coalition: pact, actor: cze, date: "2000-02-01", source: s1}\n'
          '  - {type: ratify, coalition: pact, actor: cze, date: "2000-03-01", mode: ratification, source: s1}\n'
          '  - {type: sign_treaty, coalition: pact, actor: aaa, date: "2000-02-01", source: s1}\n')
    svg = maps.map_svg(sqlite_ledger, "pact", ["2000-04-01"])
    f = fills(parse(svg))
    assert f["fra"] == maps.COLOURS["signatory"] and f["cze"] == maps.COLOURS["ratified"]
    assert "Not on the map: Avalon (signatory)" in svg
    assert "troops" not in {c.get("class") for c in parse(svg).iter(f"{SVG}circle")}


def test_the_map_names_its_sources_and_the_head_digest(iraq):
    svg = maps.map_svg(iraq, "test", ["2004-01-01"])
    seq, digest = iraq.head()
    assert digest in svg and f"({seq} events)" in svg
    assert "Sources: 1 cited by the members shown, from Test Wire." in svg
    assert "present-day" in svg
    assert iraq.asof("2004-01-01", "test").totals() in svg


def run(ledger, *args):
    url = ledger.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(cli, ["--database", url, "--no-bundled", *args])


def test_cli_map_svg_png_and_errors(iraq, tmp_path):
    out = tmp_path / "m.svg"
    r = run(iraq, "map", "2004-01-01", "--date", "2008-12-31", "-c", "test", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert len(parse(out.read_text()).findall(f"{SVG}g[@class='panel']")) == 2
    png = tmp_path / "m.png"
    pytest.importorskip("cairosvg")
    r = run(iraq, "map", "2004-01-01", "-c", "test", "-o", str(png))
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    r = run(iraq, "map", "2004-13-01", "-c", "test")
    assert r.exit_code == 1 and r.output.startswith("Error:") and "Traceback" not in r.output
    assert run(iraq, "map", "-c", "test").exit_code == 2
    assert run(iraq, "map", "2004-01-01", "-c", "nope").exit_code == 1
    r = run(iraq, "map", "2004-01-01", "-c", "test", "-o", str(tmp_path / "no" / "m.png"))
    assert r.exit_code == 1 and r.output.startswith("Error: cannot write") and "Traceback" not in r.output


def test_a_day_before_anyone_joined_is_an_empty_map(iraq):
    root = parse(maps.map_svg(iraq, "test", ["2000-01-01"]))
    assert set(fills(root).values()) == {maps.LAND} and circles(root) == {}
    assert "Sources: none" in maps.map_svg(iraq, "test", ["2000-01-01"])


def test_projection_is_equal_area():
    # Equal Earth: equal areas on the globe have equal projected areas (cells of 10 x 10 degrees
    # have areas in proportion to sin(lat1) - sin(lat0)).
    def cell(lat):
        pts = [geo.equal_earth(lon, la) for lon, la in ((0, lat), (10, lat), (10, lat + 10), (0, lat + 10))]
        return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))) / 2
    ratio = cell(60) / cell(0)
    expected = (math.sin(math.radians(70)) - math.sin(math.radians(60))) / math.sin(math.radians(10))
    assert ratio == pytest.approx(expected, rel=0.01)
    assert geo.equal_earth(0, 0) == (0.0, 0.0)


def test_the_borders_file_is_small_keyed_by_actor_ids_and_cut_at_the_antimeridian():
    from importlib.resources import files

    import yaml
    raw = files("ledger").joinpath("borders.json")
    assert len(raw.read_bytes()) < 100_000
    actors = {a["id"] for a in yaml.safe_load(files("ledger.events").joinpath("actors.yaml")
                                              .read_text(encoding="utf-8"))["actors"]}
    b = geo.borders()
    assert set(b.shapes) <= actors and set(b.points) <= actors
    assert not set(b.shapes) & set(b.points)
    for rings in (*b.shapes.values(), *b.other.values()):
        for ring in rings:
            assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
            assert all(abs(a[0] - c[0]) < 180 for a, c in zip(ring, ring[1:]))   # no jump across
    # every former state is drawn on present states of the file
    assert all(geo.territory(former) for former in geo.SUCCESSORS)
    assert geo.territory("nato") == () and geo.territory("usa") == ("usa",)


def test_rings_crossing_the_antimeridian_are_cut():
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "scripts", "make_borders.py")
    spec = importlib.util.spec_from_file_location("make_borders", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    # a square from 178°E to 178°W, as the file writes it (the east half in negative longitudes)
    square = [(178.0, 0.0), (-178.0, 0.0), (-178.0, 2.0), (178.0, 2.0)]
    east, west = script.split(square)
    assert sorted({lon for lon, _ in east}) == [178.0, 180.0]
    assert sorted({lon for lon, _ in west}) == [-180.0, -178.0]
    assert script.split([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]) == [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]]
    assert script.encode([(1.04, 2.0), (1.0, 2.0), (1.26, 1.9)]) == [10, 20, 3, -1]
