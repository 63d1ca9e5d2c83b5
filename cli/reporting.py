"""Commands for exports, citations, table imports, reports and charts. Each is one library call plus
writing its result; registered on the `cli` group of `main` (imported at the end of main.py)."""
from __future__ import annotations

import contextlib
import os
import tempfile

import click

from .main import _out, cli, print_summary
from .render import dump_json, printable


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        click.echo(printable(text), nl=not text.endswith("\n"))
        return
    write_file(output, text)
    click.echo(f"wrote {output}", err=True)


def write_file(path: str, text: str | bytes) -> None:
    """Write `path` whole or not at all: into a temporary file beside it, renamed over it only once
    complete (a full disk or a killed process never leaves a truncated file)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise click.ClickException(f"cannot write {path}: the directory {folder} does not exist")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror} (in {folder})") from None
    try:
        with (os.fdopen(fd, "wb") if isinstance(text, bytes) else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)          # as open() would have made it, not mkstemp's 0600
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise click.ClickException(f"cannot write {path}: {exc.strerror}; it was left as it "
                                   "was") from None


OUTPUT = click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of standard output.")
ESCAPE_FORMULAS = click.option(
    "--escape-formulas/--no-escape-formulas", default=True, show_default=True,
    help="csv: prefix cells starting with = + - @ with ' so a spreadsheet shows, never runs them.")


@cli.command()
@click.option("--coalition", "-c", help="Only this coalition's events.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="jsonl re-imports with `ledger import`; csv is for analysis.")
@OUTPUT
@ESCAPE_FORMULAS
@click.pass_obj
def export(obj, coalition, fmt, output, escape_formulas):
    """Export the events with their sources (JSON Lines re-imports as the same events).

    \b
    Examples:
      ledger export --coalition iraq -o iraq.jsonl
      ledger export --format csv -o events.csv
    """
    from ledger import exports
    if fmt == "jsonl":
        text = exports.export_jsonl(obj.ledger, coalition)
    else:
        text = exports.export_csv(obj.ledger, coalition, escape_formulas=escape_formulas)
    _write(text, output)


@cli.command()
@click.option("--coalition", "-c", required=True, help="Coalition id or alias.")
@click.option("--every", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option("--from", "start", metavar="DATE", help="First period.")
@click.option("--to", "end", metavar="DATE", help="Last period.")
@click.option("--troops", type=click.Choice(["end", "max", "mean"]), default="end", show_default=True,
              help="Troops at the period's end, its highest level, or its day-weighted mean.")
@click.option("--all-states", is_flag=True,
              help="Add every state of the system in each period (status none if never in).")
@click.option("--system", type=click.Choice(["cow", "gw", "iso", "vdem"]), default="cow",
              show_default=True, help="The code system the panel is keyed on (and --all-states uses).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@OUTPUT
@ESCAPE_FORMULAS
@click.pass_obj
def panel(obj, coalition, every, start, end, troops, all_states, system, fmt, output,
          escape_formulas):
    """One row per actor and period, ready to merge on ccode, gwcode or iso3: status, troops, share of
    the period in, sources. Successors carry what their predecessor joined (Serbia after Serbia and
    Montenegro; see README, "Panels").

    Example: ledger panel -c ottawa --all-states --system cow -o ottawa-state-years.csv"""
    rows = obj.ledger.panel(coalition, every, start, end, troops=troops, all_states=all_states,
                            system=system)
    if fmt == "json":
        text = dump_json({"coalition": coalition, "every": every, "rows": [r.to_dict() for r in rows]})
    else:
        from ledger import exports
        text = exports.panel_csv(rows, every, escape_formulas=escape_formulas)
    _write(text, output)


@cli.command()
@click.option("--coalition", "-c", help="Cite the sources behind this coalition (default: all cited).")
@click.option("--format", "fmt", type=click.Choice(["text", "bibtex", "json"]), default="text",
              show_default=True)
@OUTPUT
@click.pass_obj
def cite(obj, coalition, fmt, output):
    """How to cite this state of the ledger (version, events, head digest, date) and its sources.

    \b
    Example:
      ledger cite --coalition iraq --format bibtex -o iraq.bib
    """
    from ledger import exports
    c = exports.cite(obj.ledger, coalition)
    text = {"text": exports.cite_text, "bibtex": exports.cite_bibtex,
            "json": lambda c: dump_json(c.to_dict())}[fmt](c)
    _write(text, output)


@cli.command("import-table")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--input", "fmt", type=click.Choice(["membership", "untc", "wikidata"]),
              default="membership", show_default=True,
              help="What FILE is. membership: one row per actor with join/exit dates; untc: a UN "
                   "Treaty Collection status table; wikidata: SPARQL JSON results.")
@click.option("--coalition", "-c", required=True, help="Coalition the events belong to.")
@click.option("--source", "-s", required=True, help="Id of an existing source the table comes from.")
@click.option("--actor-column", help="membership: column with the actor (ISO alpha-3 code or name).")
@click.option("--join-column", help="membership: column with the join date.")
@click.option("--exit-column", help="membership: column with the exit date (first day outside).")
@click.option("--dry-run", is_flag=True, help="Show what would be appended; append nothing.")
@click.option("--format", "out_fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_obj
def import_table(obj, file, fmt, coalition, source, actor_column, join_column, exit_column, dry_run,
                 out_fmt):
    """Append the events of someone else's table (atomically: all rows or none).

    \b
    Example:
      ledger import-table members.csv --input membership -c my-coalition -s my-source --dry-run
    """
    from ledger.importers import import_table as run
    r = run(obj.ledger, file, fmt, coalition=coalition, source=source, actor_column=actor_column,
            join_column=join_column, exit_column=exit_column, dry_run=dry_run)
    if out_fmt == "json":
        return _out(dump_json(r.to_dict()))
    print_summary(r)


@cli.command()
@click.option("--coalition", "-c", required=True, help="Coalition id or alias.")
@click.option("--from", "start", metavar="DATE", help="First month of the chart.")
@click.option("--to", "end", metavar="DATE", help="Last month of the chart.")
@click.option("--at", "at", multiple=True, metavar="DATE",
              help="A date for a member table (repeatable); changes are shown between consecutive "
                   "dates. Default: --from and --to, else the chart's first and last month.")
@click.option("--output", "-o", required=True, metavar="FILE",
              help="report.html (self-contained) or report.md (the chart goes beside it as .svg).")
@click.pass_obj
def report(obj, coalition, start, end, at, output):
    """Write a coalition's report: timeline chart, maps and member tables, changes and cited sources.

    \b
    Example:
      ledger report --coalition letter-of-eight-2003 -o report.md
    """
    from ledger import report as reports
    r = reports.build(obj.ledger, coalition, start, end, at)
    if output.lower().endswith((".md", ".markdown")):
        svg_path = os.path.splitext(output)[0] + ".svg"
        _write(r.svg, svg_path)
        for t, svg in zip(r.tables, r.maps):
            _write(svg, reports.map_file(svg_path, t.date))
        _write(reports.to_markdown(r, os.path.basename(svg_path)), output)
    else:
        _write(reports.to_html(r), output)


@cli.command()
@click.option("--coalition", "-c", "coalitions", required=True, multiple=True,
              help="Coalition id or alias (repeatable: one panel each).")
@click.option("--from", "start", metavar="DATE", help="First month.")
@click.option("--to", "end", metavar="DATE", help="Last month.")
@click.option("--align", type=click.Choice(["opening"]),
              help="One panel: the treaties by years since each opened for signature.")
@OUTPUT
@click.pass_obj
def chart(obj, coalitions, start, end, align, output):
    """Write the SVG timeline chart of one or more coalitions (members/troops; treaty counts).

    \b
    Examples:
      ledger chart --coalition iraq --coalition ottawa -o chart.svg
      ledger chart -c ottawa -c rome --align opening -o treaties.svg
    """
    from ledger import report as reports
    _write(reports.chart(obj.ledger, coalitions, start, end, align), output)
