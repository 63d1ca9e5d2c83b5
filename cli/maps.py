"""`ledger map` and `ledger explore`: each one library call (`ledger.maps`, `ledger.explore`) plus
writing its result; registered on the `cli` group of `main` (imported at the end of main.py)."""
from __future__ import annotations

import click

from .main import cli
from .reporting import _write, write_file


@cli.command("map")
@click.argument("dates", nargs=-1, metavar="[DATE]...")
@click.option("--date", "more", multiple=True, metavar="DATE",
              help="Another day (repeatable): one map per day, side by side.")
@click.option("--coalition", "-c", required=True, help="Coalition id or alias.")
@click.option("--output", "-o", metavar="FILE",
              help="map.svg, or map.png (needs the png extra); default: SVG on standard output.")
@click.pass_obj
def map_(obj, dates, more, coalition, output):
    """Draw a world map of the coalition on each DATE: countries shaded by status, uncertain ones
    striped, troop levels as circles, with a legend, the sources and the head digest.

    \b
    Example:
      ledger map 2003-05-01 2006-12-31 --coalition iraq -o iraq-maps.svg
    """
    from ledger import maps
    days = list(dates) + list(more)
    if not days:
        raise click.UsageError("give at least one DATE (or --date DATE)")
    svg = maps.map_svg(obj.ledger, coalition, days)
    if output and output.lower().endswith(".png"):
        write_file(output, maps.to_png(svg))
        click.echo(f"wrote {output}", err=True)
    else:
        _write(svg, output)


@cli.command()
@click.option("--coalition", "-c", "coalitions", required=True, multiple=True,
              help="Coalition id or alias (repeatable: the page offers a choice).")
@click.option("--output", "-o", required=True, metavar="FILE", help="explore.html")
@click.pass_obj
def explore(obj, coalitions, output):
    """Write one self-contained page to explore coalitions month by month: map, timeline, member
    table, a slider with a play button, and each country's history with its sources.

    \b
    Example:
      ledger explore --coalition iraq --coalition ottawa -o explore.html
    """
    from ledger import explore as pages
    _write(pages.to_html(obj.ledger, coalitions), output)
