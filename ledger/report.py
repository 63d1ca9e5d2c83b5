"""A coalition's report as one self-contained HTML file (or Markdown): a timeline chart drawn here as
inline SVG (no scripts, nothing fetched), the map and the member table at each chosen date, the
changes between consecutive dates, and every source the coalition's events cite, as links.

The chart comes from `Ledger.growth(..., every="month")`: members and troops for membership
coalitions; signed, ratified and parties for treaties. Months in which some actor's status is
uncertain (an imprecise date falls in them) are shaded.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .dates import parse_day
from .model import Coalition, Source
from .lineage import AlignedPoint
from .results import event_text, state_text
from .results import AsOf, Diff, GrowthPoint

if TYPE_CHECKING:
    from .api import Ledger

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
UNCERTAIN_FILL = "#f2c94c"


# -- the chart ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]
    axis: str = "left"          # "left" or "right" (troops)
    colour: int | None = None   # index into COLOURS (default: the series' place)
    dashed: bool = False
    legend: str | None = None   # the legend's entry; "" for none (default: the label)


@dataclass(frozen=True)
class Panel:
    title: str
    dates: tuple[str, ...]      # the month ends
    series: tuple[Series, ...]
    uncertain: tuple[int, ...]  # actors uncertain in each month
    ticks: tuple[tuple[int, str], ...] | None = None    # (point, label); default: the years


def panel_for(ledger: "Ledger", coalition: str, start: str | None = None,
              end: str | None = None) -> Panel:
    coal = ledger.coalition(coalition)
    points = ledger.growth(coal.id, "month", start, end)
    dates = tuple(p.date for p in points)
    if coal.kind == "treaty":
        series = tuple(Series(k, tuple((p.counts or {}).get(k, 0) for p in points))
                       for k in ("signed", "ratified", "parties"))
    else:
        series = (Series("members", tuple(p.count for p in points)),)
        if any(p.troops_total for p in points):
            series += (Series("troops", tuple(p.troops_total for p in points), "right"),)
    return Panel(f"{coal.name} ({coal.id})", dates, series, tuple(p.uncertain for p in points))


def nice_max(value: float) -> tuple[int, int]:
    """An axis top at or above `value` and a tick step giving 4-6 ticks."""
    if value <= 0:
        return 1, 1
    step = 1
    while True:
        for mult in (1, 2, 5):
            s = step * mult
            if value / s <= 5:
                top = -(-int(value) // s) * s
                return max(top, s), s
        step *= 10


def _fmt(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g}M"
    if n >= 10_000:
        return f"{n // 1000:,}k"
    return f"{n:,}"


def chart_svg(panels: Sequence[Panel], width: int = 960, panel_height: int = 300) -> str:
    """Stacked panels, one per coalition, as one standalone SVG document."""
    height = panel_height * max(1, len(panels))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="12">',
             f"<title>{html.escape('; '.join(p.title for p in panels) or 'no data')}</title>",
             '<rect width="100%" height="100%" fill="#ffffff"/>']
    for i, panel in enumerate(panels):
        parts.append(f'<g transform="translate(0,{i * panel_height})">')
        parts.extend(_panel(panel, width, panel_height))
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _panel(p: Panel, width: int, height: int) -> list[str]:
    left, right, top, bottom = 60, 70, 40, 40
    w, h = width - left - right, height - top - bottom
    limit = (width - left) // 8
    title = p.title if len(p.title) <= limit else p.title[:limit - 1].rstrip() + "…"
    out = [f'<text x="{left}" y="20" font-size="14" font-weight="bold">{html.escape(title)}'
           f'<title>{html.escape(p.title)}</title></text>']
    n = len(p.dates)
    if n == 0:
        out.append(f'<text x="{left}" y="{top + h / 2}">no membership data</text>')
        return out
    # the plot area, for a page that marks a month on the chart (ledger explore)
    out.append(f'<rect class="plot" x="{left}" y="{top}" width="{w}" height="{h}" fill="none"/>')
    x = (lambda i: left + (w * i / (n - 1) if n > 1 else w / 2))
    col = w / max(n - 1, 1)
    # uncertain months
    for i, u in enumerate(p.uncertain):
        if u:
            out.append(f'<rect class="uncertain" x="{x(i) - col / 2:.1f}" y="{top}" '
                       f'width="{max(col, 2):.1f}" height="{h}" fill="{UNCERTAIN_FILL}" '
                       f'fill-opacity="0.35"><title>{p.dates[i][:7]}: {u} uncertain</title></rect>')
    axes = {}
    for side in ("left", "right"):
        values = [v for s in p.series if s.axis == side for v in s.values]
        if values:
            axes[side] = nice_max(max(values))
    # grid and left axis
    if "left" in axes:
        top_v, step = axes["left"]
        for v in range(0, top_v + 1, step):
            y = top + h - h * v / top_v
            out.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(v)}</text>')
    if "right" in axes:
        top_v, step = axes["right"]
        for v in range(0, top_v + 1, step):
            y = top + h - h * v / top_v
            out.append(f'<text x="{left + w + 6}" y="{y + 4:.1f}" fill="{COLOURS[1]}">{_fmt(v)}</text>')
    out.append(f'<line x1="{left}" x2="{left + w}" y1="{top + h}" y2="{top + h}" stroke="#333"/>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + h}" stroke="#333"/>')
    for i, label in (p.ticks if p.ticks is not None else _year_ticks(p.dates)):
        out.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top + h}" y2="{top + h + 4}" '
                   f'stroke="#333"/>')
        out.append(f'<text x="{x(i):.1f}" y="{top + h + 16}" text-anchor="middle">{label}</text>')
    # the series, as steps (membership changes on a day and stays)
    for k, s in enumerate(p.series):
        top_v = axes[s.axis][0]
        y = (lambda v: top + h - h * v / top_v)
        pts = []
        for i, v in enumerate(s.values):
            if i:
                pts.append(f"{x(i):.1f},{y(s.values[i - 1]):.1f}")
            pts.append(f"{x(i):.1f},{y(v):.1f}")
        colour = COLOURS[(k if s.colour is None else s.colour) % len(COLOURS)]
        dash = ' stroke-dasharray="5,3"' if s.axis == "right" or s.dashed else ""
        out.append(f'<polyline class="series" data-series="{html.escape(s.label)}" fill="none" '
                   f'stroke="{colour}" stroke-width="2"{dash} points="{" ".join(pts)}"/>')
        entries = [t for t in p.series if t.legend != ""]
        if s.legend == "":
            continue
        lx = left + 10 + entries.index(s) * (120 if len(entries) <= 6 else w // len(entries))
        out.append(f'<line x1="{lx}" x2="{lx + 18}" y1="32" y2="32" stroke="{colour}" '
                   f'stroke-width="2"{dash}/>')
        suffix = " (right axis)" if s.axis == "right" else ""
        out.append(f'<text x="{lx + 22}" y="36">{html.escape((s.legend or s.label) + suffix)}</text>')
    if any(p.uncertain):
        lx = left + 10 + len(p.series) * 120 + (40 if any(s.axis == "right" for s in p.series) else 0)
        out.append(f'<rect x="{lx}" y="26" width="14" height="12" fill="{UNCERTAIN_FILL}" '
                   f'fill-opacity="0.6"/><text x="{lx + 18}" y="36">uncertain</text>')
    return out


def _year_ticks(dates: Sequence[str]) -> list[tuple[int, str]]:
    years = sorted({d[:4] for d in dates})
    every = max(1, -(-len(years) // 12))
    return [(i, d[:4]) for i, d in enumerate(dates)
            if d[5:7] == "01" and (int(d[:4]) % every == 0) or (i == 0 and len(years) == 1)]


def aligned_panel(points: Sequence[AlignedPoint]) -> Panel:
    """One panel for `growth --align opening`: each treaty's parties (solid) and signatories
    (dashed, same colour) by whole years since it opened for signature."""
    ids = list(dict.fromkeys(p.coalition for p in points))
    n = max((p.years for p in points), default=-1) + 1
    by = {(p.coalition, p.years): p for p in points}

    def values(c: str, what: str) -> tuple[int, ...]:
        # a younger treaty's line ends at its last anniversary
        return tuple(getattr(by[c, k], what) for k in range(n) if (c, k) in by)
    # one legend entry per treaty (its colour); the title says which line is which
    series = tuple(Series(f"{c} {what}", values(c, what), colour=i, dashed=what == "signed",
                          legend=c if what == "parties" else "")
                   for i, c in enumerate(ids) for what in ("parties", "signed"))
    every = max(1, -(-n // 15))
    return Panel("Parties (solid) and signatories (dashed) by years since opening for signature",
                 tuple(str(k) for k in range(n)), series, tuple(0 for _ in range(n)),
                 tuple((k, str(k)) for k in range(0, n, every)))


def chart(ledger: "Ledger", coalitions: Sequence[str], start: str | None = None,
          end: str | None = None, align: str | None = None) -> str:
    """The SVG chart of one or more coalitions (one panel each), or with `align` one panel of the
    treaties side by side (see `lineage`)."""
    if align:
        from .lineage import aligned
        return chart_svg([aligned_panel(aligned(ledger, coalitions, align))])
    return chart_svg([panel_for(ledger, c, start, end) for c in coalitions])


# -- the report ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    coalition: Coalition
    svg: str
    points: tuple[GrowthPoint, ...]
    tables: tuple[AsOf, ...]
    maps: tuple[str, ...]           # the map (SVG) on each table's date
    diffs: tuple[Diff, ...]
    sources: tuple[Source, ...]
    version: str
    events: int
    head: str
    generated: str


def build(ledger: "Ledger", coalition: str, start: str | None = None, end: str | None = None,
          at: Sequence[str] = ()) -> Report:
    """Everything the report shows. Without `at`, the tables are on the first and last month end
    the chart shows (or on --from and --to when they are given)."""
    from . import __version__, maps
    from .clock import now
    coal = ledger.coalition(coalition)
    panel = panel_for(ledger, coal.id, start, end)
    points = tuple(ledger.growth(coal.id, "month", start, end))
    days = list(at)
    if not days:
        days = [d for d in (start, end) if d and len(d) == 10] or (
            sorted({points[0].date, points[-1].date}) if points else [])
    days = sorted(set(days), key=parse_day)
    tables = tuple(ledger.asof(d, coal.id) for d in days)
    drawn = tuple(maps.map_svg(ledger, coal.id, [d]) for d in days)
    diffs = tuple(ledger.diff(a, b, coal.id) for a, b in zip(days, days[1:]))
    used = {s for e in ledger.log(coal.id) for s in e.source_ids}
    sources = tuple(s for s in ledger.sources() if s.id in used)
    seq, head = ledger.head()
    return Report(coal, chart_svg([panel]), points, tables, drawn, diffs, sources, __version__, seq,
                  head, now()[:10])


def _members_rows(t: AsOf) -> list[tuple]:
    treaty = t.kind == "treaty"
    return [(m.actor, m.name, m.status + (" (uncertain)" if m.uncertain else ""),
             *(() if treaty else (_figure(m),)), m.since, m.notes(), [s["id"] for s in m.sources])
            for m in t.members]


def _former_text(t: AsOf) -> str:
    return "No longer in: " + ", ".join(f"{f.name} ({f.status} {f.since})" for f in t.former) + "."


def _figure(m) -> str:
    """A troop figure with its own date, and whether it is stale (README, rule 12)."""
    if m.troops is None:
        return ""
    return f"{m.troops:,} ({m.troops_as_of})" + (" stale" if m.stale else "")


def _member_headers(t: AsOf) -> tuple:
    return tuple(h for h in MEMBER_HEADERS if not (t.kind == "treaty" and h == "troops"))


def _diff_rows(d: Diff) -> list[tuple]:
    rows = []
    for label, changes in (("joined", d.joined), ("left", d.left), ("changed", d.changed)):
        for c in changes:
            rows.append((label, c.actor, c.name, state_text(c.before), state_text(c.after),
                         event_text(c.event),
                         [s["id"] for s in c.sources]))
    return rows


def _within_rows(d: Diff) -> list[tuple]:
    return [(w.actor, w.name, w.text()) for w in d.within]


MEMBER_HEADERS = ("actor", "name", "status", "troops", "since", "uncertain / disputed", "sources")
DIFF_HEADERS = ("change", "actor", "name", "before", "after", "event", "sources")
WITHIN_HEADERS = ("actor", "name", "inside the period")

CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
.meta{color:#555;font-size:90%}figure{margin:0}svg,img{max-width:100%;height:auto}"""


def to_html(r: Report) -> str:
    e = html.escape
    c = r.coalition
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{e(c.name)}: membership report</title>", f"<style>{CSS}</style></head><body>",
           f"<h1>{e(c.name)}</h1>",
           f'<p class="meta">Coalition <code>{e(c.id)}</code>, kind {e(c.kind)}'
           + (f", model {e(c.model)}" if c.model else "")
           + (f", led by {e(', '.join(c.lead))}" if c.lead else "") + ".</p>"]
    if c.description:
        out.append(f"<p>{e(c.description)}</p>")
    out += ["<h2>Timeline</h2>", '<figure id="chart">', r.svg,
            "<figcaption>At the end of each month, from the ledger's growth query. Shaded months "
            "have actors whose status is uncertain (an imprecise date).</figcaption></figure>"]
    for t, svg in zip(r.tables, r.maps):
        out.append(f'<h2 id="at-{e(t.date)}">Members on {e(t.date)}</h2>')
        out.append(f"<p>{e(t.totals())}</p>")
        # as an image, so that each map's pattern ids stay its own
        out.append(f'<figure class="map"><img src="{_data_uri(svg)}" alt="Map of {e(c.name)} on '
                   f'{e(t.date)}" width="960"></figure>')
        out.append(_html_table(_member_headers(t), _members_rows(t), "members"))
        if t.former:
            out.append(f"<p>{e(_former_text(t))}</p>")
    for d in r.diffs:
        out.append(f'<h2 id="diff-{e(d.start)}-{e(d.end)}">Changes from {e(d.start)} to {e(d.end)}</h2>')
        out.append(f"<p>{len(d.joined)} joined, {len(d.left)} left, {len(d.changed)} changed.</p>")
        out.append(_html_table(DIFF_HEADERS, _diff_rows(d), "diff"))
        if d.within:
            out.append("<p>Changed more than the two dates show:</p>")
            out.append(_html_table(WITHIN_HEADERS, _within_rows(d), "within"))
    out.append(f"<h2 id=\"sources\">Sources ({len(r.sources)})</h2><ol class=\"sources\">")
    for s in r.sources:
        title = f'<a href="{e(s.url)}">{e(s.title)}</a>' if s.url else e(s.title)
        rest = ", ".join(e(x) for x in (s.author, s.publisher, s.published) if x)
        acc = f" (accessed {e(s.accessed)})" if s.accessed else ""
        out.append(f'<li id="src-{e(s.id)}"><code>{e(s.id)}</code> {title}'
                   f'{". " + rest if rest else ""}{acc}</li>')
    out.append("</ol>")
    out.append(f'<p class="meta">{e(_footer(r))}</p></body></html>')
    return "\n".join(out) + "\n"


def _data_uri(svg: str) -> str:
    import base64
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode()


def map_file(chart_file: str, day: str) -> str:
    """The name of the map of `day` written beside a Markdown report's chart file."""
    return chart_file.rsplit(".", 1)[0] + f"-map-{day}.svg"


def _footer(r: Report) -> str:
    return (f"Generated by coalition-ledger {r.version} on {r.generated} from {r.events} events; "
            f"head digest {r.head}.")


def _html_table(headers, rows, cls) -> str:
    e = html.escape
    out = [f'<table class="{cls}"><thead><tr>' + "".join(f"<th>{e(h)}</th>" for h in headers)
           + "</tr></thead><tbody>"]
    if not rows:
        out.append(f'<tr><td colspan="{len(headers)}">none</td></tr>')
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, list):
                cells.append("<td>" + ", ".join(f'<a href="#src-{e(s)}">{e(s)}</a>' for s in v) + "</td>")
            else:
                cells.append(f"<td>{e(str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def to_markdown(r: Report, chart_file: str | None = None) -> str:
    """The same report in Markdown. The chart is an image link to `chart_file`, and each map to
    `map_file(chart_file, day)` (written beside the Markdown file by the caller); without a
    chart file, the SVGs are embedded as data URIs."""
    c = r.coalition
    out = [f"# {_md(c.name)}", "",
           f"Coalition `{c.id}`, kind {c.kind}" + (f", model {c.model}" if c.model else "")
           + (f", led by {', '.join(c.lead)}" if c.lead else "") + ".", ""]
    if c.description:
        out += [_md(c.description), ""]
    image = chart_file or _data_uri(r.svg)
    out += ["## Timeline", "", f"![Timeline of {_md(c.name)}]({_md_url(image)})", "",
            "At the end of each month; shaded months have actors whose status is uncertain.", ""]
    for t, svg in zip(r.tables, r.maps):
        where = map_file(chart_file, t.date) if chart_file else _data_uri(svg)
        out += [f"## Members on {t.date}", "", t.totals(), "",
                f"![Map of {_md(c.name)} on {t.date}]({_md_url(where)})", "",
                _md_table(_member_headers(t), _members_rows(t)), ""]
        if t.former:
            out += [_former_text(t), ""]
    for d in r.diffs:
        out += [f"## Changes from {d.start} to {d.end}", "",
                f"{len(d.joined)} joined, {len(d.left)} left, {len(d.changed)} changed.", "",
                _md_table(DIFF_HEADERS, _diff_rows(d)), ""]
        if d.within:
            out += ["Changed more than the two dates show:", "",
                    _md_table(WITHIN_HEADERS, _within_rows(d)), ""]
    out += [f"## Sources ({len(r.sources)})", ""]
    for i, s in enumerate(r.sources, start=1):
        title = f"[{_md(s.title)}]({_md_url(s.url)})" if s.url else _md(s.title)
        rest = ", ".join(_md(x) for x in (s.author, s.publisher, s.published) if x)
        acc = f" (accessed {s.accessed})" if s.accessed else ""
        out.append(f'{i}. <a id="src-{s.id}"></a>`{s.id}` {title}{". " + rest if rest else ""}{acc}')
    out += ["", _footer(r), ""]
    return "\n".join(out)


def _md(text: str) -> str:
    """Text for Markdown: HTML escaped (Markdown passes HTML through, so a name holding <script>
    would run in the reader's browser), one line, and no table or link syntax."""
    text = html.escape(" ".join(text.split()), quote=False)
    return text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


def _md_url(url: str) -> str:
    """A link target that cannot leave the link: what would end it, or open HTML, percent-encoded."""
    return "".join(f"%{ord(c):02X}" if c in '<>()"\'` ' else c for c in url)


def _md_table(headers, rows) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    if not rows:
        lines.append("| " + " | ".join(["none"] + [""] * (len(headers) - 1)) + " |")
    for row in rows:
        cells = [", ".join(f"[{s}](#src-{s})" for s in v) if isinstance(v, list) else _md(str(v))
                 for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
