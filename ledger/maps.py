"""World maps of a coalition on a day, as standalone SVG.

Each country is shaded by the actor's status that day, taken from `Ledger.asof`: member;
signatory, ratified or party for treaties; and `withdrawn` for the answer's former members (in
before, out that day: left, withdrew, unsigned). Uncertain members are striped; troop levels of
military coalitions are circles whose area is in proportion to them.
States too small for the 1:110m borders are dots; actors with no territory (NATO, NGOs, Tuvalu)
are named under the map.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Sequence

from . import geo
from .dates import parse_day
from .results import AsOf

if TYPE_CHECKING:
    from .api import Ledger

COLOURS = {"member": "#2166ac", "signatory": "#a6cee3", "ratified": "#4a90c8", "party": "#08306b",
           "withdrawn": "#e08214"}
LABELS = {"member": "member", "signatory": "signatory", "ratified": "ratified, not yet a party",
          "party": "party", "withdrawn": "left or withdrew"}
TREATY_LABELS = {**LABELS, "withdrawn": "withdrew or unsigned"}
LAND, SEA, BORDER, TROOPS = "#e3e3e3", "#f5f9fc", "#ffffff", "#d6604d"
MAX_RADIUS = 0.035                                   # the largest troop circle, in map widths
SOURCES_SHOWN = 12                                   # publishers named under a map


@dataclass(frozen=True)
class Shade:
    actor: str
    name: str
    status: str          # a key of COLOURS
    troops: int | None
    uncertain: bool


@dataclass(frozen=True)
class Day:
    """A coalition on one day: the asof answer and the shade of every actor that has one."""
    asof: AsOf
    shades: dict[str, Shade]


def shades(answer: AsOf) -> dict[str, Shade]:
    """Each actor's shade on the answer's day: its status if it is a member, `withdrawn` if it is
    a former member."""
    out = {f.actor: Shade(f.actor, f.name, "withdrawn", None, False) for f in answer.former}
    for m in answer.members:
        status = m.status if m.status in COLOURS else "withdrawn"
        out[m.actor] = Shade(m.actor, m.name, status, m.troops, m.uncertain)
    return out


def day(ledger: "Ledger", coalition: str, when: str | date) -> Day:
    answer = ledger.asof(when, coalition)
    return Day(answer, shades(answer))


# -- drawing ------------------------------------------------------------------------------------------

def drawn(shades_: dict[str, Shade]) -> dict[str, Shade]:
    """The shade of each drawn country (shape or dot): an actor's own, else its former state's."""
    out = {}
    for s in shades_.values():
        for country in geo.territory(s.actor):
            if country == s.actor or country not in shades_:
                out[country] = s
    return out


def undrawn(shades_: dict[str, Shade]) -> list[Shade]:
    return [s for s in shades_.values() if not geo.territory(s.actor)]


def fill(s: Shade) -> str:
    """A country's fill: its status colour, striped when the status is uncertain."""
    return f"url(#hatch-{s.status})" if s.uncertain else COLOURS[s.status]


def patterns() -> str:
    """One striped pattern per status, for uncertain countries."""
    return "<defs>" + "".join(
        f'<pattern id="hatch-{k}" width="5" height="5" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="5" height="5" fill="{c}"/>'
        f'<rect width="2.5" height="5" fill="#ffffff" fill-opacity="0.85"/></pattern>'
        for k, c in COLOURS.items()) + "</defs>"


def anchor(actor: str) -> str | None:
    """The drawn country that carries an actor's troop circle: itself or its first successor."""
    return next(iter(geo.territory(actor)), None)


def base(frame: geo.Frame, shown: dict[str, Shade] | None = None) -> list[str]:
    """Every country of the borders file as a path with its actor id (filled by its shade in
    `shown`), land no actor holds, and the edge of the world."""
    b = geo.borders()
    e = html.escape
    shown = shown or {}
    out = [f'<path class="sphere" d="{frame.outline()}" fill="{SEA}" stroke="#b9c7d3"/>']
    for name, rings in b.other.items():
        out.append(f'<path class="land" data-name="{e(name)}" d="{frame.path(rings)}" fill="{LAND}" '
                   f'stroke="{BORDER}" stroke-width="0.5"/>')
    for actor, rings in b.shapes.items():
        s = shown.get(actor)
        cls, colour = (f"country {s.status}", fill(s)) if s else ("country", LAND)
        title = f"<title>{e(s.name)}: {e(s.status)}</title>" if s else ""
        out.append(f'<path class="{cls}" data-actor="{actor}" d="{frame.path(rings)}" '
                   f'fill="{colour}" stroke="{BORDER}" stroke-width="0.5">{title}</path>')
    return out


def centres(frame: geo.Frame) -> dict[str, tuple[float, float]]:
    """Where each drawn country's symbols go."""
    b = geo.borders()
    out = {k: frame.centre(rings) for k, rings in b.shapes.items()}
    out.update({k: frame.point(*p) for k, p in b.points.items()})
    return out


def radius(troops: int, top: int, width: float) -> float:
    """A troop circle's radius: area in proportion to troops, the top level MAX_RADIUS wide."""
    return MAX_RADIUS * width * math.sqrt(troops / top) if top else 0.0


def _panel(d: Day, frame: geo.Frame, top_troops: int) -> list[str]:
    e = html.escape
    shown = drawn(d.shades)
    out = base(frame, shown)
    b = geo.borders()
    centre = centres(frame)
    for actor, s in shown.items():
        if actor in b.points:
            x, y = centre[actor]
            out.append(f'<circle class="dot {s.status}" data-actor="{actor}" cx="{x:.1f}" '
                       f'cy="{y:.1f}" r="2.6" fill="{fill(s)}" stroke="#333" stroke-width="0.6">'
                       f'<title>{e(s.name)}: {e(s.status)}</title></circle>')
    if d.asof.kind == "military":
        for s in sorted(d.shades.values(), key=lambda s: -(s.troops or 0)):
            place = anchor(s.actor)
            if s.troops and s.status == "member" and place:
                x, y = centre[place]
                out.append(f'<circle class="troops" data-actor="{e(s.actor)}" cx="{x:.1f}" '
                           f'cy="{y:.1f}" r="{radius(s.troops, top_troops, frame.width):.1f}" '
                           f'fill="{TROOPS}" fill-opacity="0.55" stroke="#67001f" stroke-width="0.6">'
                           f'<title>{e(s.name)}: {s.troops:,} troops</title></circle>')
    return out


def _legend(kind: str, top_troops: int, width: float, uncertain: bool, x: float,
            y: float) -> list[str]:
    labels = TREATY_LABELS if kind == "treaty" else LABELS
    keys = ("signatory", "ratified", "party", "withdrawn") if kind == "treaty" else (
        "member", "withdrawn")
    out, cx = [], x
    for k in keys:
        out.append(f'<rect x="{cx}" y="{y - 10}" width="14" height="12" fill="{COLOURS[k]}"/>'
                   f'<text x="{cx + 18}" y="{y}">{html.escape(labels[k])}</text>')
        cx += 30 + 7.5 * len(labels[k])
    if uncertain:
        out.append(f'<rect x="{cx}" y="{y - 10}" width="14" height="12" fill="url(#hatch-{keys[0]})"/>'
                   f'<text x="{cx + 18}" y="{y}">uncertain on this date</text>')
        cx += 30 + 7.5 * 22
    if kind == "military" and top_troops:
        for value in _reference_troops(top_troops):
            r = radius(value, top_troops, width)
            out.append(f'<circle cx="{cx + r}" cy="{y - 4}" r="{r:.1f}" fill="{TROOPS}" '
                       f'fill-opacity="0.55" stroke="#67001f" stroke-width="0.6"/>'
                       f'<text x="{cx + 2 * r + 4}" y="{y}">{value:,}</text>')
            cx += 2 * r + 14 + 7.5 * len(f"{value:,}")
        out.append(f'<text x="{cx}" y="{y}">troops</text>')
    return out


def _reference_troops(top: int) -> list[int]:
    """Two round troop levels for the legend: the largest power of ten's multiple below the top,
    and a tenth of it (none without troops)."""
    if top <= 0:
        return []
    big = 10 ** int(math.log10(top))
    big = max(m * big for m in (1, 2, 5) if m * big <= top)
    return [v for v in (big // 10, big) if v]


def _wrap(text: str, limit: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([line] if line else [])


def sources_line(ledger: "Ledger", days: Sequence[Day]) -> str:
    """Who the sources behind the shown members are: their publishers, most cited first."""
    cited: dict[str, int] = {}
    for d in days:
        for m in d.asof.members:
            for s in m.sources:
                cited[s["id"]] = cited.get(s["id"], 0) + 1
    by_id = {s.id: s for s in ledger.sources() if s.id in cited}
    publishers: dict[str, int] = {}
    for sid, n in cited.items():
        src = by_id.get(sid)
        name = (src.publisher or src.title) if src else sid
        publishers[name] = publishers.get(name, 0) + n
    names = sorted(publishers, key=lambda p: (-publishers[p], p.casefold()))
    if not names:
        return "Sources: none (no members on these dates)."
    more = len(names) - SOURCES_SHOWN
    return (f"Sources: {len(cited)} cited by the members shown, from " + "; ".join(names[:SOURCES_SHOWN])
            + (f"; and {more} more (`ledger asof` lists each)." if more > 0 else "."))


def map_svg(ledger: "Ledger", coalition: str, days: Sequence[str | date], width: int = 960) -> str:
    """The map of `coalition` on each of `days` (small multiples, two to a row), as one SVG."""
    from . import __version__
    coal = ledger.coalition(coalition)
    wanted = sorted({d if isinstance(d, date) else parse_day(d) for d in days})
    panels = [day(ledger, coal.id, d) for d in wanted]
    cols = 1 if len(panels) == 1 else 2
    gap = 16
    pw = (width - gap * (cols - 1)) / cols
    frame = geo.Frame(pw - 2)
    top_troops = max((s.troops or 0 for p in panels for s in p.shades.values()
                      if s.status == "member"), default=0)
    title = _wrap(coal.name, int(width / 10))
    totals = [_wrap(p.asof.totals(), int(pw / 7)) for p in panels]
    head_h, panel_head = 30 + 20 * len(title), 22 + 16 * max(len(t) for t in totals)
    off_map = [_wrap("Not on the map: " + ", ".join(f"{s.name} ({s.status})" for s in undrawn(p.shades)),
                     int(pw / 6)) if undrawn(p.shades) else [] for p in panels]
    ph = panel_head + frame.height + 8 + 14 * max(1, max(len(o) for o in off_map))
    n_rows = -(-len(panels) // cols)
    seq, digest = ledger.head()
    foot = _wrap(sources_line(ledger, panels), int(width / 6.4)) + _wrap(
        f"coalition-ledger {__version__}, ledger head {digest} ({seq} events). Borders: Natural "
        "Earth 1:110m, present-day: a former state is drawn on its successors' territory.",
        int(width / 6.4))
    legend_r = max((radius(v, top_troops, frame.width) for v in _reference_troops(top_troops)),
                   default=0) if coal.kind == "military" else 0
    legend_y = head_h + n_rows * ph + max(18, legend_r + 8)
    height = legend_y + max(16, legend_r) + 15 * len(foot) + 8
    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" '
           f'viewBox="0 0 {width} {height:.0f}" role="img" font-family="sans-serif" font-size="12">',
           f"<title>{e(coal.name)} on {e(', '.join(p.asof.date for p in panels))}</title>",
           patterns(),
           '<rect width="100%" height="100%" fill="#ffffff"/>',
           *(f'<text x="0" y="{20 + 20 * k}" font-size="16" font-weight="bold">{e(line)}</text>'
             for k, line in enumerate(title)),
           f'<text x="0" y="{16 + 20 * len(title)}" fill="#444">{e(coal.id)}, {e(coal.kind)}: on '
           f'{e(", ".join(p.asof.date for p in panels))}</text>']
    for i, p in enumerate(panels):
        x, y = (i % cols) * (pw + gap), head_h + (i // cols) * ph
        out.append(f'<g class="panel" data-date="{p.asof.date}" transform="translate({x:.1f},{y:.1f})">')
        out.append(f'<text x="0" y="16" font-size="14" font-weight="bold">{p.asof.date}</text>'
                   + "".join(f'<text x="0" y="{32 + 16 * k}" fill="#444">{e(line)}</text>'
                             for k, line in enumerate(totals[i])))
        out.append(f'<g transform="translate(1,{panel_head})">')
        out.extend(_panel(p, frame, top_troops))
        out.append("</g>")
        for k, line in enumerate(off_map[i]):
            out.append(f'<text class="undrawn" x="0" y="{panel_head + frame.height + 16 + 14 * k:.1f}" '
                       f'font-size="11" fill="#444">{e(line)}</text>')
        out.append("</g>")
    uncertain = any(s.uncertain for p in panels for s in p.shades.values())
    out.extend(_legend(coal.kind, top_troops, frame.width, uncertain, 0, legend_y))
    for k, line in enumerate(foot):
        out.append(f'<text class="foot" x="0" y="{legend_y + max(22, legend_r + 6) + 15 * k:.0f}" '
                   f'font-size="11" '
                   f'fill="#555">{e(line)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def to_png(svg: str) -> bytes:
    """The SVG as PNG, through cairosvg (the `png` extra)."""
    try:
        import cairosvg
    except ImportError as exc:          # an optional extra
        from .errors import InputError
        raise InputError("PNG output needs cairosvg: pip install 'coalition-ledger[png]'") from exc
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=1.5)
