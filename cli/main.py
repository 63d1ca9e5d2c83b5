"""`ledger`: a thin command line over `ledger.Ledger`. Errors are turned into `Error: ...` and exit 1
in one place (`main`)."""
from __future__ import annotations

import json
import os
import sys
from datetime import date

import click

from ledger.results import event_text, state_text

from .render import FORMATS, dump_json, legend, printable, sources_cell, table, terminal_width

FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
                      show_default=True, help="Output format.")
PUBLISHED_BY = click.option("--published-by", metavar="DATE",
                            help="Answer from only what sources published by DATE (YYYY[-MM[-DD]]) say.")
MIN_TIER = click.option("--min-tier", metavar="TIER",
                        help="Answer from only sources of TIER or stronger (depositary, official, "
                             "scholarly, press, reference, unrated, weak).")
KNOWN_AT = click.option("--known-at", metavar="INSTANT",
                        help="Answer from only the events recorded by then.")


def lens(command):
    """--known-at, --published-by and --min-tier: what an answer hears (README, rule 9)."""
    return KNOWN_AT(PUBLISHED_BY(MIN_TIER(command)))


# Commands that append: the others only read, and work on a ledger that cannot be written.
WRITERS = {"append", "add-source", "import", "import-table", "rebuild"}


class Context:
    def __init__(self, database: str | None, bundled: bool, writes: bool = True):
        self.database, self.bundled, self.writes, self._ledger = database, bundled, writes, None

    @property
    def ledger(self):
        if self._ledger is None:
            from ledger import Ledger
            self._ledger = Ledger.open(self.database, bundled_data=self.bundled,
                                       writes=self.writes)
        return self._ledger


class LedgerGroup(click.Group):
    """Turns every library error into `Error: ...` and exit 1, in this one place; lists commands
    with their whole first line of help, never cut short."""

    def format_commands(self, ctx, formatter):
        rows = [(name, cmd.get_short_help_str(limit=10_000)) for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx):
        from ledger.errors import LedgerError
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database", envvar="LEDGER_DATABASE_URL", metavar="URL",
              help="Database URL (default: an SQLite file in your data directory; "
                   "env LEDGER_DATABASE_URL).")
@click.option("--bundled/--no-bundled", default=None,
              help="Load the bundled, source-cited events (default: on first use, and every "
                   "later command keeps a ledger as it was started: one started with --no-bundled "
                   "stays without them until a command says --bundled).")
@click.version_option(package_name="coalition-ledger")
@click.pass_context
def cli(ctx, database, bundled):
    """A temporal, event-sourced ledger of coalition membership."""
    ctx.obj = Context(database, bundled, writes=ctx.invoked_subcommand in WRITERS)


def _out(text: str) -> None:
    click.echo(printable(text))


def _keep(name):
    def store(ctx, param, value):
        ctx.meta[name] = value
    return store


COLUMNS = click.option("--columns", metavar="A,B,...", expose_value=False, callback=_keep("columns"),
                       help="Show only these columns, in this order (names as in the header).")
SOURCES = click.option("--sources", type=click.Choice(["short", "full"]), default="short",
                       show_default=True, expose_value=False, callback=_keep("sources"),
                       help="In a table, a row's first source and how many more, or all of them.")


def _table(headers, rows, fmt) -> str:
    """`render.table` with the command's --columns, fitted to the terminal in table format."""
    meta = click.get_current_context().meta
    chosen = [c.strip() for c in meta["columns"].split(",") if c.strip()] if meta.get("columns") else None
    try:
        return table(headers, rows, fmt, chosen, terminal_width() if fmt == "table" else None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--columns") from None


def _sources(ids, fmt) -> str:
    full = fmt != "table" or click.get_current_context().meta.get("sources") == "full"
    return sources_cell(ids, full)


def _with_legend(body: str, fmt: str, rows, disputed: bool = False) -> str:
    note = legend(rows, terminal_width(), disputed) if fmt == "table" else None
    return body + "\n" + note if note else body


# -- queries -------------------------------------------------------------------------------------

@cli.command()
@click.argument("date")
@click.option("--coalition", "-c", required=True, help="Coalition id or alias (e.g. iraq).")
@lens
@click.option("--stale-after", metavar="HORIZON", default="6m", show_default=True,
              help="Mark troop figures older than this as stale (6m, 90d, 1y).")
@FORMAT
@COLUMNS
@SOURCES
@click.pass_obj
def asof(obj, date, coalition, known_at, published_by, min_tier, stale_after, fmt):
    """Who was in COALITION on DATE (YYYY-MM-DD), with troops, since when, and sources.

    Each troop figure is shown with its own date, e.g. 46,000 (2003-03), and marked
    `stale` when older than --stale-after.

    \b
    Examples:
      ledger asof 2004-12-31 --coalition iraq
      ledger asof 2004-12-31 -c iraq --published-by 2005 --columns actor,status,troops
    """
    result = None
    if known_at is None and published_by is None and min_tier is None and stale_after == "6m":
        from ledger import fastread
        from ledger.dates import parse_day
        from ledger.location import default_url
        result = fastread.asof(obj.database or default_url(), coalition, parse_day(date),
                               bundled=obj.bundled)
    if result is None:
        result = obj.ledger.asof(date, coalition, known_at=known_at, published_by=published_by,
                                 min_tier=min_tier, stale_after=stale_after)
    if fmt == "json":
        return _out(dump_json(result.to_dict()))
    rows = [(m.actor, m.name, m.status + (" ?" if m.uncertain else ""), _troops(m, fmt), m.since,
             m.notes(), _sources([s["id"] for s in m.sources], fmt)) for m in result.members]
    headers = ["actor", "name", "status", "troops", "since", "uncertain / disputed", "sources"]
    if fmt == "csv":     # a figure's date and age in columns of their own
        rows = [row + (m.troops_as_of, m.stale if m.troops is not None else None)
                for row, m in zip(rows, result.members)]
        return _out(_table(headers + ["troops_as_of", "stale"], rows, fmt))
    body = _with_legend(_table(headers, rows, fmt), fmt, rows,
                        any(m.disputed for m in result.members))
    head = f"{result.name} ({result.coalition}) on {result.date}"
    if result.known_at:
        head += f", as known at {result.known_at}"
    if result.published_by:
        head += f", from sources published by {result.published_by}"
    if result.min_tier:
        head += f", from sources rated {result.min_tier} or stronger"
    lines = [head, body, result.totals()]
    if result.former:
        lines.append("no longer in: " + ", ".join(f"{f.name} ({f.status} {f.since})"
                                                  for f in result.former))
    for claim in result.claims:
        lines.append(f"claim: {claim['count']} members ({claim['date']}, {', '.join(claim['sources'])})"
                     + (f": {claim['label']}" if claim.get("label") else ""))
    if result.note:
        lines.append(f"note: {result.note}")
    lines = [_wrap(line) if i != 1 else line for i, line in enumerate(lines)]
    _out("\n\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]))


def _wrap(text: str) -> str:
    """A line of prose wrapped to the terminal's width (tables are fitted, not wrapped)."""
    width = terminal_width()
    if not width or len(text) <= width:
        return text
    import textwrap
    return "\n".join(textwrap.wrap(text, width, subsequent_indent="  "))


def _troops(m, fmt: str):
    """A figure with its own date, "46,000 (2003-03)", and `stale` past the horizon; CSV keeps
    the bare number (the JSON has every field)."""
    if m.troops is None or fmt == "csv":
        return m.troops
    text = f"{m.troops:,}" + (f" ({m.troops_as_of})" if m.troops_as_of else "")
    return text + (" stale" if m.stale else "")


@cli.command()
@click.argument("start", metavar="FROM")
@click.argument("end", metavar="TO")
@click.option("--coalition", "-c", required=True, help="Coalition id or alias.")
@lens
@FORMAT
@COLUMNS
@SOURCES
@click.pass_obj
def diff(obj, start, end, coalition, known_at, published_by, min_tier, fmt):
    """Who joined, who left and whose status or troops changed between FROM and TO, and whose
    state changed inside the period more than its two ends show.

    \b
    Example:
      ledger diff 2004-01-01 2005-12-31 --coalition iraq
    """
    result = obj.ledger.diff(start, end, coalition, known_at=known_at, published_by=published_by,
                             min_tier=min_tier)
    if fmt == "json":
        return _out(dump_json(result.to_dict()))
    rows = []
    for label, changes in (("joined", result.joined), ("left", result.left),
                           ("changed", result.changed)):
        for c in changes:
            rows.append((label, c.actor, c.name, state_text(c.before), state_text(c.after),
                         event_text(c.event),
                         _sources([s["id"] for s in c.sources], fmt)))
    headers = ["change", "actor", "name", "before", "after", "event", "sources"]
    inside = [(w.actor, w.name, w.text()) for w in result.within]
    if fmt == "csv":        # one table: what changed inside the period as rows of its own
        rows += [("within", actor, name, "", runs, "", "") for actor, name, runs in inside]
        return _out(_table(headers, rows, fmt))
    body = _table(headers, rows, fmt)
    heard = f", as known at {result.known_at}" if result.known_at else ""
    heard += f", from sources published by {result.published_by}" if result.published_by else ""
    if result.min_tier:
        heard += f", from sources rated {result.min_tier} or stronger"
    text = (f"{result.coalition}: {result.start} → {result.end}{heard}\n\n{body}\n\n"
            f"{len(result.joined)} joined, {len(result.left)} left, {len(result.changed)} changed")
    if inside:
        text += "\n\ninside the period:\n" + table(["actor", "name", "spells"], inside, fmt,
                                                    width=terminal_width() if fmt == "table" else None)
    if result.note:
        text += f"\n\nnote: {result.note}"
    _out(text)


@cli.command()
@click.option("--coalition", "-c", required=True, help="Coalition id or alias.")
@click.option("--from", "start", metavar="DATE", help="First date shown.")
@click.option("--to", "end", metavar="DATE", help="Last date shown.")
@click.option("--actor", "-a", help="Only the events of this actor.")
@PUBLISHED_BY
@MIN_TIER
@FORMAT
@COLUMNS
@SOURCES
@click.pass_obj
def replay(obj, coalition, start, end, actor, published_by, min_tier, fmt):
    """The coalition's events in valid-time order with the running count and troop total.

    An announcement is shown on the day it was made, with its target.

    \b
    Example:
      ledger replay --coalition iraq --from 2004-04-01 --to 2004-07-31
    """
    rows = obj.ledger.replay(coalition, start, end, published_by=published_by, actor=actor,
                             min_tier=min_tier)
    if fmt == "json":
        return _out(dump_json({"coalition": coalition, "rows": [r.to_dict() for r in rows]}))
    treaty = any(r.counts is not None for r in rows)
    if treaty:
        headers = ["date", "event", "actor", "detail", "signed", "ratified", "parties", "sources"]
        data = [(r.date, r.effect, r.name or "", r.detail, r.counts["signed"], r.counts["ratified"],
                 r.count, _sources(r.sources, fmt)) for r in rows]
    else:
        headers = ["date", "event", "actor", "detail", "members", "troops", "sources"]
        data = [(r.date, r.type, r.name or "", r.detail, r.count, r.troops_total, _sources(r.sources, fmt))
                for r in rows]
    _out(_with_legend(_table(headers, data, fmt), fmt, data))


@cli.command()
@click.argument("date")
@click.option("--coalition", "-c", required=True, help="Coalition id or alias.")
@click.option("--actor", "-a", required=True, help="Actor id or name.")
@lens
@FORMAT
@click.pass_obj
def blame(obj, date, coalition, actor, known_at, published_by, min_tier, fmt):
    """Why ACTOR's state in COALITION on DATE is what it is: every event that bears on it, in
    effect order, with its sources and their tiers, and for status, since and troops the event
    that won and the rule by which it won.

    Example: ledger blame 2002-07-01 --coalition rome --actor cog"""
    result = obj.ledger.blame(date, coalition, actor, known_at=known_at,
                              published_by=published_by, min_tier=min_tier)
    if fmt == "json":
        return _out(dump_json(result.to_dict()))
    fields = [(name, f["value"], event_text(f["event"]), f["rule"] or "")
              for name, f in result.fields.items()]
    events = [(e["seq"], e["type"], e["date"], e["effective"] or "",
               ", ".join(f"{k} {v}" for k, v in e["payload"].items() if k != "set"),
               ", ".join(f"{s['id']} ({s['tier']})" for s in e["sources"]), e["standing"])
              for e in result.events]
    if fmt == "csv":        # one table: the events, with the fields they won
        won = {f["event"]["seq"]: name for name, f in result.fields.items() if f["event"]}
        return _out(table(["seq", "type", "date", "effective", "detail", "sources (tier)",
                           "standing", "wins"], [e + (won.get(e[0], ""),) for e in events], fmt))
    head = f"{result.actor} in {result.coalition} on {result.date}"
    width = terminal_width() if fmt == "table" else None
    text = (f"{head}\n\n" + table(["field", "value", "event", "rule"], fields, fmt, width=width)
            + "\n\n" + table(["seq", "type", "date", "effective", "detail", "sources (tier)",
                              "standing"], events, fmt, width=width))
    _out(text + (f"\n\nnote: {result.note}" if result.note else ""))


@cli.command()
@click.option("--coalition", "-c", "coalitions", required=True, multiple=True,
              help="Coalition id or alias (repeatable with --align).")
@click.option("--every", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option("--from", "start", metavar="DATE", help="First period.")
@click.option("--to", "end", metavar="DATE", help="Last period.")
@click.option("--align", type=click.Choice(["opening"]),
              help="Treaties side by side, by whole years since each opened for signature.")
@PUBLISHED_BY
@MIN_TIER
@FORMAT
@COLUMNS
@click.pass_obj
def growth(obj, coalitions, every, start, end, align, published_by, min_tier, fmt):
    """The coalition's size at the end of each year or month (signed/ratified/parties for treaties).

    \b
    Examples:
      ledger growth --coalition ottawa --every year
      ledger growth -c ottawa -c rome --align opening
    """
    if align:
        return _aligned(obj, coalitions, align, fmt)
    if len(coalitions) > 1:
        raise click.UsageError("several coalitions are compared with --align opening")
    coalition = coalitions[0]
    points = obj.ledger.growth(coalition, every, start, end, published_by=published_by,
                               min_tier=min_tier)
    if fmt == "json":
        return _out(dump_json({"coalition": coalition, "every": every,
                               "points": [p.to_dict() for p in points]}))
    if points and points[0].counts is not None:
        rows = [(p.date, p.counts["signed"], p.counts["ratified"], p.counts["parties"],
                 p.counts["withdrawn"], p.uncertain) for p in points]
        return _out(_table(["date", "signed", "ratified", "parties", "withdrawn", "uncertain"], rows, fmt))
    rows = [(p.date, p.count, p.troops_total, p.uncertain) for p in points]
    _out(_table(["date", "members", "troops", "uncertain"], rows, fmt))


def _aligned(obj, coalitions, align, fmt):
    """growth --align: JSON and CSV one row per treaty and year; the table one column per treaty."""
    from ledger.lineage import aligned
    points = aligned(obj.ledger, coalitions, align)
    if fmt == "json":
        return _out(dump_json({"align": align, "coalitions": list(coalitions),
                               "points": [p.to_dict() for p in points]}))
    if fmt == "csv":
        keys = ["coalition", "years", "date", "signed", "ratified", "parties", "withdrawn",
                "uncertain"]
        return _out(_table(keys, [[p.to_dict()[k] for k in keys] for p in points], fmt))
    ids = list(dict.fromkeys(p.coalition for p in points))
    by = {(p.coalition, p.years): p for p in points}
    years = sorted({p.years for p in points})
    rows = [[k] + [cell for c in ids for cell in ((by[c, k].parties, by[c, k].signed)
                                                   if (c, k) in by else ("", ""))]
            for k in years]
    headers = ["years"] + [f"{c} {what}" for c in ids for what in ("parties", "signed")]
    _out(_table(headers, rows, fmt))


@cli.command()
@click.option("--actor", "-a", required=True, help="Actor id or name (e.g. esp, Spain).")
@FORMAT
@COLUMNS
@SOURCES
@click.pass_obj
def history(obj, actor, fmt):
    """Every coalition ACTOR was in, when, and with what.

    \b
    Examples:
      ledger history --actor esp
      ledger history --actor cow:230
    """
    spells = obj.ledger.history(actor)
    if fmt == "json":
        return _out(dump_json({"actor": actor, "spells": [s.to_dict() for s in spells]}))
    rows = [(s.coalition, s.status + (" ?" if s.uncertain else ""), s.start, s.end or "", s.troops,
             _sources(s.sources, fmt)) for s in spells]
    _out(_with_legend(_table(["coalition", "status", "from", "to", "troops", "sources"], rows, fmt), fmt,
                      rows))


@cli.command()
@FORMAT
@COLUMNS
@click.pass_obj
def coalitions(obj, fmt):
    """The coalitions in the ledger.

    \b
    Example:
      ledger coalitions --format csv
    """
    _listing(fmt, "coalitions", obj.ledger.coalitions(),
             ["id", "name", "kind", "model", "lead", "aliases", "span"],
             lambda c: (c.id, c.name, c.kind, c.model, ", ".join(c.lead), ", ".join(c.aliases),
                        f"{c.start or ''}–{c.end or ''}"))


def _listing(fmt, key, items, headers, row) -> None:
    if fmt == "json":
        return _out(dump_json({key: [item.to_dict() for item in items]}))
    _out(_table(headers, [row(item) for item in items], fmt))


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Also actors no event names.")
@FORMAT
@COLUMNS
@click.pass_obj
def actors(obj, show_all, fmt):
    """The actors (states by ISO 3166-1 alpha-3) the events name, with their codes (ISO, COW ccode
    and stateabb, GW gwcode, V-Dem, Wikidata; CSV and JSON give every code with its interval).
    A code names an actor anywhere an actor is asked for: cow:230, gw:345, iso:esp, Q29.

    Example: ledger actors --all --format csv > actors.csv"""
    from ledger import codes
    found = obj.ledger.actors(used_only=not show_all)
    if fmt == "json":
        return _out(dump_json({"actors": [{**a.to_dict(), "codes": [
            {"system": c.system, "code": c.code, "from": c.start, "to": c.end, "source": c.source}
            for c in codes.codes(a.id)]} for a in found]}))
    if fmt in ("csv", "markdown"):
        return _out(_table(["id", "name", "kind", "aliases", *codes.SYSTEMS], [
            (a.id, a.name, a.kind, ", ".join(a.aliases), *codes.listing(a.id).values()) for a in found],
            fmt))
    today = date.today().isoformat()
    _out(_table(["id", "name", "kind", "iso3", "ccode", "gwcode", "aliases"], [
        (a.id, a.name, a.kind, *(codes.code_in(a.id, s, "0001-01-01", today) for s in ("iso3", "cow", "gw")),
         ", ".join(a.aliases)) for a in found], fmt))


@cli.command()
@FORMAT
@COLUMNS
@click.pass_obj
def sources(obj, fmt):
    """The sources events cite, with their tier (depositary … weak, or unrated).

    \b
    Example:
      ledger sources --columns id,tier,title
    """
    _listing(fmt, "sources", obj.ledger.sources(), ["id", "tier", "title", "publisher", "published", "url"],
             lambda s: (s.id, s.tier, s.title, s.publisher, s.published, s.url))


@cli.command()
@click.option("--coalition", "-c", help="Only this coalition.")
@click.option("--actor", "-a", help="Only this actor.")
@FORMAT
@COLUMNS
@SOURCES
@click.pass_obj
def log(obj, coalition, actor, fmt):
    """The events themselves, in the order they were recorded.

    \b
    Example:
      ledger log --coalition iraq --actor esp --format json
    """
    events = obj.ledger.log(coalition, actor)
    if fmt == "json":
        return _out(dump_json({"events": [e.to_dict() for e in events]}))
    rows = [(e.seq, e.type, e.coalition, e.actor or "", e.date.text,
             e.effective.text if e.effective else "", _payload(e.payload), _sources(e.source_ids, fmt),
             e.recorded_at) for e in events]
    _out(_table(["seq", "type", "coalition", "actor", "date", "effective", "payload", "sources",
                "recorded_at"], rows, fmt))


def _payload(p) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(p.items()))


# -- appending -----------------------------------------------------------------------------------

APPEND_HELP = """Append one event of TYPE to COALITION, citing at least one --source.

\b
Event types (actor: names an --actor; then the payload options it takes, * required):
  join                 actor  --troops --approx --troops-max --role
  commit_troops        actor  --troops* --approx --troops-max --role
  peak_troops          actor  --troops* --approx --troops-max --role
  announce_withdrawal  actor
  withdraw             actor  --effective --unmatched
  sign_treaty          actor
  ratify               actor  --mode* --effective
  unsign               actor
  withdraw_treaty      actor  --effective
  revoke_withdrawal    actor  --label
  conflict_begins      actor  --label
  conflict_ends        actor  --label
  treaty_rule                 --rule* JSON --label
  start, end, milestone       --label
  entry_into_force            --label
  count_claim                 --count* --label --measure
  correct                     --ref* --set FIELD=VALUE (repeatable)
  retract                     --ref*

\b
Examples:
  ledger append withdraw -c iraq -a esp -d 2004-05-21 -s bbc-2004-05-21-spain --locator "para 1"
  ledger append commit_troops -c iraq -a cow:290 -d 2003-09-03 --troops 2500 -s my-source --dry-run
  ledger append correct -c iraq --ref '#812' --set troops=1400 -s better-source
"""


@cli.command(help=APPEND_HELP)
@click.argument("type")
@click.option("--coalition", "-c", required=True, help="Coalition id or alias.")
@click.option("--actor", "-a", help="Actor id, name, alias or code (cow:230, gw:345, iso:esp, Q29).")
@click.option("--date", "-d", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--effective", help="When it takes effect, if later than --date (withdraw, ratify, withdraw_treaty).")
@click.option("--troops", type=str, help="Troop figure (join, commit_troops, peak_troops); 1,850 is read as 1850.")
@click.option("--approx", is_flag=True, default=None, help="The troop figure is approximate.")
@click.option("--troops-max", type=str, help="The upper end when the source gives a range.")
@click.option("--role", help="What the troops did (e.g. medical, engineers).")
@click.option("--unmatched", is_flag=True, default=None,
              help="withdraw: a known gap, no join is recorded for it.")
@click.option("--mode", help="ratify: ratification, acceptance, approval, accession or succession.")
@click.option("--label", help="Text of a coalition-level event (start, end, milestone, ...).")
@click.option("--count", type=str, help="count_claim: the member count a source gives.")
@click.option("--measure", type=click.Choice(["members", "signed", "ratified", "parties"]),
              help="count_claim: what the count counts (default members).")
@click.option("--rule", metavar="JSON", help='treaty_rule: the rules it states, e.g. '
              '\'{"withdrawal": {"months": 6}}\' (README, Temporal rules 10).')
@click.option("--ref", help="correct/retract: the event's id (or #seq).")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE", help="correct: a field it sets (repeatable).")
@click.option("--source", "-s", "source_ids", multiple=True, required=True, help="Source id (repeatable).")
@click.option("--locator", help="Where in the (first) source.")
@click.option("--quote", help="A short quote from the (first) source.")
@click.option("--note", help="A note in your own words.")
@click.option("--id", "key", help="An id later corrections may refer to.")
@click.option("--expect-head", metavar="DIGEST", help="Refuse unless the ledger's head is DIGEST.")
@click.option("--dry-run", is_flag=True, help="Check the event and show what it would change; append nothing.")
@click.pass_obj
def append(obj, type, coalition, actor, date, effective, troops, approx, troops_max, role, unmatched,
           mode, label, count, measure, rule, ref, sets, source_ids, locator, quote, note, key,
           expect_head, dry_run):
    ledger = obj.ledger
    if ref and ref.startswith("#"):
        if not ref[1:].isdigit() or not ref[1:].isascii() or len(ref) > 19:
            raise click.BadParameter(f"'{ref[:20]}' is neither an event id nor #SEQ (e.g. #12)",
                                     param_hint="--ref")
        ref = ledger.event_id(int(ref[1:]))
    if rule is not None:
        try:
            rule = json.loads(rule)
        except ValueError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--rule") from None
    fields = {}
    for item in sets:
        if "=" not in item:
            raise click.BadParameter(f"'{item}' is not FIELD=VALUE", param_hint="--set")
        name, value = item.split("=", 1)
        fields[name] = value
    cites = [{"source": s, "locator": locator, "quote": quote} if i == 0 else {"source": s}
             for i, s in enumerate(source_ids)]
    cites = [{k: v for k, v in c.items() if v is not None} for c in cites]
    summary = ledger.append(type, coalition, date, actor=actor, sources=cites, effective=effective,
                            note=note, id=key, expect_head=expect_head, dry_run=dry_run, troops=troops,
                            approx=approx, troops_max=troops_max, role=role, unmatched=unmatched,
                            mode=mode, label=label, count=count, measure=measure, rule=rule,
                            ref=ref, set=fields or None)
    if summary.duplicate:
        return _out("duplicate: this event from this source is already in the ledger; nothing appended")
    kind = "conflicting (another source disagrees)" if summary.conflicting else "new"
    if dry_run:
        _out(f"would append one event ({kind}); nothing appended")
        for cid, change in sorted(summary.changes.items()):
            for s in change["added"]:
                _out(f"  {cid}: + {s['actor']} {s['status']} {s['from']} → {s['to'] or 'now'}")
            for s in change["removed"]:
                _out(f"  {cid}: - {s['actor']} {s['status']} {s['from']} → {s['to'] or 'now'}")
        return
    seq, digest = ledger.head()
    _out(f"appended #{summary.seqs[0]} ({kind}); head {digest}")


@cli.command("add-source")
@click.argument("source_id")
@click.option("--title", required=True)
@click.option("--publisher")
@click.option("--author")
@click.option("--url")
@click.option("--published", help="Publication date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--accessed", help="Access date.")
@click.pass_obj
def add_source(obj, source_id, **fields):
    """Declare a source events can cite (sources are never edited: a new one gets a new id).

    \b
    Example:
      ledger add-source bbc-2004-05-21-spain --title 'Last Spanish troops leave Iraq' --publisher 'BBC News' --published 2004-05-21
    """
    fields = {k: v for k, v in fields.items() if v is not None}
    fresh = obj.ledger.declare_source(id=source_id, **fields)
    _out(f"source '{source_id}' " + ("added" if fresh else "was already there, unchanged"))


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would be appended and how the state would change.")
@click.option("--expect-head", metavar="DIGEST", help="Refuse unless the ledger's head is DIGEST.")
@FORMAT
@click.pass_obj
def import_(obj, files, dry_run, expect_head, fmt):
    """Append event files (YAML, JSON Lines, CSV); each file atomically.

    \b
    Examples:
      ledger import --dry-run my-events.yaml
      ledger import my-events.csv --expect-head "$(ledger head | cut -d' ' -f1)"
    """
    reports = []
    for path in files:
        reports.append(_import_one(obj.ledger, path, dry_run, expect_head))
        expect_head = None
    if fmt == "json":
        return _out(dump_json({"files": [r.to_dict() for r in reports]}))
    for r in reports:
        print_summary(r)
        for cid, change in sorted(r.changes.items()):
            for s in change["added"]:
                _out(f"  {cid}: + {s['actor']} {s['status']} {s['from']} → {s['to'] or 'now'}"
                     + (f" ({s['troops']:,} troops)" if s['troops'] is not None else ""))
            for s in change["removed"]:
                _out(f"  {cid}: - {s['actor']} {s['status']} {s['from']} → {s['to'] or 'now'}")


def print_summary(r) -> None:
    """What an import appended (or would): counts, and the first conflicts by line."""
    verb = "would append" if r.dry_run else "appended"
    _out(f"{r.file}: {verb} {r.new + r.conflicting} event(s): {r.new} new, "
         f"{r.conflicting} conflicting with another source; {r.duplicate} duplicate(s) skipped; "
         f"{r.declared} declaration(s)")
    for line, message in r.conflicts[:20]:
        _out(f"  line {line}: conflicting: {message}")
    for line, message in r.warnings[:50]:
        click.echo(f"warning: {r.file}" + (f":{line}" if line else "") + f": {message}", err=True)


def _import_one(ledger, path, dry_run, expect_head):
    size = os.path.getsize(path) if os.path.exists(path) else 0
    if size < 2_000_000 or not sys.stderr.isatty():
        return ledger.import_file(path, dry_run=dry_run, expect_head=expect_head)
    with click.progressbar(length=None, label=f"importing {path}", file=sys.stderr,
                           show_pos=True) as bar:
        return ledger.import_file(path, dry_run=dry_run, expect_head=expect_head, progress=bar.update)


# -- integrity and maintenance -------------------------------------------------------------------

@cli.command()
@click.option("--deep", is_flag=True, help="Also check the stored spells against a replay of the log.")
@click.option("--cited", metavar="SEQ:DIGEST",
              help="Also check that the digest at event SEQ is DIGEST (as `ledger cite` printed it).")
@FORMAT
@click.pass_obj
def verify(obj, deep, cited, fmt):
    """Recompute the hash chains of events and declarations; name the first thing that does not match.

    \b
    Examples:
      ledger verify
      ledger verify --deep --cited 1536:3f9c…(the SEQ:DIGEST that ledger cite printed)
    """
    pin = None
    if cited is not None:
        seq, _, digest = cited.partition(":")
        if not (seq.isdigit() and seq.isascii() and len(seq) < 19 and len(digest) == 64
                and all(c in "0123456789abcdef" for c in digest)):
            raise click.BadParameter(f"'{cited[:90]}' is not SEQ:DIGEST (e.g. 1536:3f9c…, 64 hex "
                                     "digits)", param_hint="--cited")
        pin = (int(seq), digest)
    result = obj.ledger.verify(deep=deep, cited=pin)
    if fmt == "json":
        _out(dump_json(result.to_dict()))
    elif result.ok:
        _out(f"ok: {result.events} events, head {result.head}; {result.declarations} declarations"
             + (f"; {result.spells} spells as a replay gives them" if deep else "")
             + (f"; event #{pin[0]} has the cited digest" if pin else ""))
    if not result.ok:
        from ledger.errors import IntegrityError
        where = f"the chain breaks at event #{result.bad_seq}: " if result.bad_seq else ""
        raise IntegrityError(where + result.reason)


@cli.command()
@click.pass_obj
def head(obj):
    """The head digest (and event count): cite it to pin the state of the ledger.

    \b
    Example:
      ledger head
    """
    seq, digest = obj.ledger.head()
    _out(f"{digest} {seq}")


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Also show notes (disagreements, implicit joins).")
@FORMAT
@COLUMNS
@click.pass_obj
def check(obj, show_all, fmt):
    """Report inconsistencies in the events (they are never refused). Exit 1 if a problem is found.

    \b
    Example:
      ledger check --all
    """
    found = obj.ledger.check()
    shown = [p for p in found if show_all or p.level == "problem"]
    problems = [p for p in found if p.level == "problem"]
    if fmt == "json":
        _out(dump_json({"problems": len(problems), "notes": len(found) - len(problems),
                        "items": [p.to_dict() for p in shown]}))
    else:
        rows = [(p.level, p.kind, p.coalition or "", p.seq, p.message) for p in shown]
        if rows:
            _out(_table(["level", "kind", "coalition", "seq", "message"], rows, fmt))
        _out(f"{len(problems)} problem(s), {len(found) - len(problems)} note(s)")
    if problems:
        sys.exit(1)


@cli.command()
@click.pass_obj
def rebuild(obj):
    """Rebuild the projections (membership spells) from the log.

    \b
    Example:
      ledger rebuild
    """
    n = obj.ledger.rebuild()
    _out(f"rebuilt: {n} spells")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Output format.")
@click.pass_obj
def coverage(obj, fmt):
    """The coverage tables: per coalition its actors, events, sources by tier, the share of events
    whose best source is press or better, and the age of troop figures at each year end.

    \b
    Example:
      ledger coverage > coverage.md
    """
    from ledger.coverage import coverage as rows, markdown, to_dict
    found = rows(obj.ledger)
    _out(dump_json(to_dict(found)) if fmt == "json" else markdown(found))


@cli.command()
@click.pass_obj
def where(obj):
    """Where this ledger is: its database URL (any password masked), the data directory of the
    default ledger, and the schema revision of the database and of this version of the ledger.

    \b
    Example:
      ledger where
      LEDGER_DATABASE_URL=postgresql+psycopg://me:secret@db/ledger ledger where
    """
    from ledger import store
    from ledger.errors import DatabaseError
    from ledger.fastread import sqlite_path
    from ledger.location import data_dir
    from ledger.schema_revision import SCHEMA_REVISION
    url = obj.database or store.default_url()
    if url.startswith("sqlite:///") and sqlite_path(url) is None and ":memory:" not in url:
        have = "none (the database does not exist yet)"
    else:
        import sqlalchemy as sa
        engine = store.make_engine(url)
        try:
            with store.reading(engine) as conn:
                have = store.current_revision(conn) or "none (not migrated yet)"
        except (sa.exc.DBAPIError, DatabaseError) as exc:
            have = f"unknown ({store.redact(str(exc).splitlines()[0])})"
        finally:
            engine.dispose()
    _out(f"database: {store.redact(url)}\ndata directory: {data_dir()}\n"
         f"schema revision: {have} (this version needs {SCHEMA_REVISION})")


@cli.group(cls=LedgerGroup)
def db():
    """Database schema commands.

    \b
    Example:
      ledger db upgrade
    """


@db.command()
@click.pass_obj
def upgrade(obj):
    """Migrate the database to the current schema (also done automatically on first use).

    \b
    Example:
      ledger --database postgresql+psycopg://owner@dbhost/ledger db upgrade
    """
    from ledger import store
    engine = store.make_engine(obj.database or store.default_url())
    store.upgrade(engine)
    _out("database is at the current schema")


from . import reporting  # noqa: E402,F401  (registers report/export commands)
from . import maps  # noqa: E402,F401  (registers map and explore)


def main() -> None:
    cli(prog_name="ledger")
