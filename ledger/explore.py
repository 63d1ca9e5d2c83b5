"""One self-contained HTML page to explore coalitions through time: map, timeline chart and member
table, with a month slider, a play button, and each country's history with its sources as links.

Nothing is computed in the page. For every month end of `Ledger.growth(..., "month")` the page
holds what `Ledger.asof` answers on that day (count, troop total, the members) and the map's shades
(`maps.shades`, as `ledger map` draws them: members and former members); each actor's history is
its rows of `Ledger.replay`. The months are stored as runs (an actor's state from month i to month
j), which the page looks up: the page cannot disagree with `ledger asof`. The script, style and map
are inlined; nothing is fetched.
"""
from __future__ import annotations

import html
import json
from datetime import date
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Sequence

from . import geo, maps, report
from .state import IN

if TYPE_CHECKING:
    from .api import Ledger

WIDTH = 960          # of the map's coordinate box; the page scales it to the screen


def runs(months: Sequence[dict[str, Any]]) -> dict[str, list]:
    """{key: state} for each month -> {key: [[first, last, state], ...]}, merging consecutive
    months with the same state."""
    out: dict[str, list] = {}
    for i, states in enumerate(months):
        for key, state in states.items():
            spans = out.setdefault(key, [])
            if spans and spans[-1][1] == i - 1 and spans[-1][2] == state:
                spans[-1][1] = i
            else:
                spans.append([i, i, state])
    return out


def coalition_data(ledger: "Ledger", coalition: str, sources: set[str]) -> dict:
    """Everything the page shows of one coalition; adds the source ids it cites to `sources`."""
    coal = ledger.coalition(coalition)
    rows = ledger.replay(coal.id)
    names = {r.actor: r.name for r in rows if r.actor}
    months = [p.date for p in ledger.growth(coal.id, "month")]
    totals, actor_months, country_months = [], [], []
    for day in months:
        answer = ledger.asof(day, coal.id)
        shades = maps.shades(answer)
        totals.append({"count": answer.count, "troops": answer.troops_total,
                       "uncertain": answer.uncertain, "counts": answer.counts,
                       "troops_known": answer.troops_known, "troops_stale": answer.troops_stale,
                       "stale_after": answer.stale_after})
        states = {}
        for m in answer.members:
            ids = [s["id"] for s in m.sources]
            sources.update(ids)
            states[m.actor] = {"status": shades[m.actor].status, "in": m.status in IN,
                               "troops": m.troops, "approx": m.approx, "uncertain": m.uncertain,
                               "since": m.since, "sources": ids, "stale": m.stale,
                               "troops_as_of": m.troops_as_of}
        for actor, s in shades.items():
            states.setdefault(actor, {"status": s.status, "in": False, "troops": None,
                                      "uncertain": s.uncertain})
        actor_months.append(states)
        country_months.append({c: [s.status, s.uncertain, s.actor]
                               for c, s in maps.drawn(shades).items()})
    history: dict[str, list] = {}
    for r in rows:
        if r.actor:
            sources.update(r.sources)
            history.setdefault(r.actor, []).append(
                {"date": r.date, "type": r.type, "detail": r.detail, "sources": list(r.sources)})
    for states in actor_months:
        for actor in states:
            names.setdefault(actor, actor)
    territory = {a: list(geo.territory(a)) for a in names}
    return {"id": coal.id, "name": coal.name, "kind": coal.kind, "months": months,
            "totals": totals, "actors": runs(actor_months), "countries": runs(country_months),
            "names": dict(sorted(names.items(), key=lambda kv: kv[1].casefold())),
            "history": history, "territory": territory,
            "anchor": {a: maps.anchor(a) for a in territory if maps.anchor(a)},
            "top_troops": max((t["troops"] or 0 for states in actor_months
                               for t in states.values()), default=0),
            "chart": report.chart_svg([report.panel_for(ledger, coal.id)])}


def page_data(ledger: "Ledger", coalitions: Sequence[str]) -> dict:
    from . import __version__
    from .clock import now
    cited: set[str] = set()
    data = [coalition_data(ledger, c, cited) for c in coalitions]
    frame = geo.Frame(WIDTH)
    seq, head = ledger.head()
    countries = {a.id: a.name for a in ledger.actors()}
    b = geo.borders()
    return {"coalitions": data,
            "sources": {s.id: {"title": s.title, "url": s.url, "publisher": s.publisher,
                               "published": s.published, "tier": s.tier}
                        for s in ledger.sources() if s.id in cited},
            "countries": {k: countries.get(k, k) for k in (*b.shapes, *b.points)},
            "centres": {k: [round(x, 1), round(y, 1)] for k, (x, y) in maps.centres(frame).items()},
            "colours": maps.COLOURS, "land": maps.LAND, "labels": maps.LABELS,
            "treaty_labels": maps.TREATY_LABELS, "radius": maps.MAX_RADIUS * frame.width,
            "version": __version__, "events": seq, "head": head, "generated": now()[:10],
            "borders": b.source}


def _inline_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<' can close it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _asset(name: str) -> str:
    return files("ledger").joinpath(name).read_text(encoding="utf-8")


def to_html(ledger: "Ledger", coalitions: Sequence[str]) -> str:
    data = page_data(ledger, coalitions)
    frame = geo.Frame(WIDTH)
    e = html.escape
    dots = "".join(f'<circle class="dot" data-actor="{k}" cx="{x:.1f}" cy="{y:.1f}" r="2.6"/>'
                   for k, (x, y) in maps.centres(frame).items() if k in geo.borders().points)
    svg = (f'<svg id="map" viewBox="-2 -2 {frame.width + 4:.0f} {frame.height + 4:.0f}" role="img" '
           f'aria-label="World map of the coalition on the chosen date">{maps.patterns()}'
           + "".join(maps.base(frame)) + f'<g id="dots">{dots}</g><g id="troop-circles"></g></svg>')
    names = " · ".join(c["name"] for c in data["coalitions"])
    options = "".join(f'<option value="{i}">{e(c["name"])} ({e(c["id"])})</option>'
                      for i, c in enumerate(data["coalitions"]))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{e(names)}: explore</title>
<style>{_asset("explore.css")}</style></head><body>
<header><h1 id="title"></h1>
<label id="pick"{'' if len(data["coalitions"]) > 1 else ' hidden'}>Coalition
<select id="coalition">{options}</select></label></header>
<main>
<section id="controls" aria-label="Date">
<button id="play" type="button" aria-pressed="false">Play</button>
<input id="slider" type="range" min="0" max="0" value="0" step="1" aria-label="Month end">
<output id="date" for="slider"></output>
<p id="totals" aria-live="polite"></p>
</section>
<section id="atlas"><figure id="map-box">{svg}
<figcaption id="legend"></figcaption></figure>
<aside id="history" aria-live="polite"><h2>History</h2>
<p>Click a country on the map, or a name in the table, to see its events in this coalition.</p>
</aside></section>
<section id="timeline"><h2>Timeline</h2><div id="chart"></div>
<p class="meta">At each month end; shaded months have an actor whose status is uncertain. The line
marks the slider's month.</p></section>
<section id="members"><h2 id="members-title">Members</h2><div class="scroll"><table id="table">
<thead></thead><tbody></tbody></table></div></section>
</main>
<footer class="meta" id="footer"></footer>
<script id="data" type="application/json">{_inline_json(data)}</script>
<script>{_asset("explore.js")}</script>
</body></html>
"""
