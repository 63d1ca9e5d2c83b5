"""An event's stored row (compact, schema 0005) and its textual form (what its digests cover).

The digests are over the canonical event, never over the row's bytes: a row stores what gives
the text back exactly, and the `event_log` view (made by migration 0005) turns rows into the text
again in SQL, the one place every reader of whole events goes through. `compact` and `VIEW_SQL`
must agree; `tests/test_storage_compact.py` holds them to it.

Dates: a day number (days from 1970-01-01) of the first day the date may stand for, with its
precision (0 year, 1 month, 2 day): an event's date text is always YYYY, YYYY-MM or YYYY-MM-DD.
"""
from __future__ import annotations

from datetime import date

from .dates import parse_date

EPOCH = date(1970, 1, 1).toordinal()
PRECISION = {"year": 0, "month": 1, "day": 2}

# the columns `compact` gives, in order (schema.events)
COLUMNS = ("seq", "eid", "identity", "type", "version", "coalition", "actor", "date_lo",
           "date_prec", "eff_lo", "eff_prec", "payload", "sources", "note", "recorded",
           "declared", "hash")


def day_number(day: date) -> int:
    return day.toordinal() - EPOCH


def from_day_number(n: int) -> date:
    return date.fromordinal(n + EPOCH)


def date_parts(text: str | None) -> tuple[int | None, int | None]:
    if text is None:
        return None, None
    fd = parse_date(text)
    return day_number(fd.lo), PRECISION[fd.precision]


def date_text(lo: int | None, prec: int | None) -> str | None:
    if lo is None:
        return None
    found = _TEXTS.get((lo, prec))
    if found is None:
        found = from_day_number(lo).isoformat()[:4 + 3 * prec]
        if len(_TEXTS) < 1_000_000:
            _TEXTS[(lo, prec)] = found
    return found


_TEXTS: dict[tuple[int, int], str] = {}


def derived_eid(identity_hex: str) -> str:
    """The id of an event its author gave none: "e" and the first 16 hex digits of its identity."""
    return "e" + identity_hex[:16]


def compact(row: dict, terms, declared: int | None) -> tuple:
    """The stored values (COLUMNS) of a chained event row in textual form (`ingest.event_row`
    plus seq and hash); `terms` gives term ids, `declared` is the declarations seq of its head."""
    date_lo, date_prec = date_parts(row["date"])
    eff_lo, eff_prec = date_parts(row["effective"])
    eid = row["eid"]
    return (row["seq"], None if eid == derived_eid(row["identity"]) else eid,
            bytes.fromhex(row["identity"]), terms.id(row["type"]), row["version"],
            terms.id(row["coalition_id"]), terms.id(row["actor_id"]), date_lo, date_prec, eff_lo,
            eff_prec, terms.id(row["payload"]), terms.id(row["sources"]), row["note"],
            terms.id(row["recorded_at"]), declared, bytes.fromhex(row["hash"]))


def texts_of(row: dict) -> list[str | None]:
    """The texts of a textual row that `compact` stores as term ids."""
    return [row["type"], row["coalition_id"], row["actor_id"], row["payload"], row["sources"],
            row["recorded_at"]]


# The textual form of every event, with the column names of the schema before 0005.
_SQLITE_DATE = "substr(date({lo} * 86400, 'unixepoch'), 1, 4 + 3 * {prec})"
_PG_DATE = "left(to_char(date '1970-01-01' + {lo}, 'YYYY-MM-DD'), 4 + 3 * {prec})"


def _view(dialect: str) -> str:
    pg = dialect == "postgresql"
    day = _PG_DATE if pg else _SQLITE_DATE
    hexed = (lambda c: f"encode({c}, 'hex')") if pg else (lambda c: f"lower(hex({c}))")
    prefix = "substring(e.identity from 1 for 8)" if pg else "substr(e.identity, 1, 8)"
    return f"""CREATE VIEW event_log AS SELECT
    e.seq AS seq,
    coalesce(e.eid, 'e' || {hexed(prefix)}) AS eid,
    {hexed("e.identity")} AS identity,
    ty.text AS type,
    e.version AS version,
    co.text AS coalition_id,
    ac.text AS actor_id,
    {day.format(lo="e.date_lo", prec="e.date_prec")} AS date,
    CASE WHEN e.eff_lo IS NULL THEN NULL ELSE {day.format(lo="e.eff_lo", prec="e.eff_prec")} END
        AS effective,
    e.date_lo AS date_lo,
    pa.text AS payload,
    so.text AS sources,
    e.note AS note,
    re.text AS recorded_at,
    de.hash AS declared,
    e.declared AS declared_seq,
    {hexed("e.hash")} AS hash
FROM events e
LEFT JOIN terms ty ON ty.id = e.type
LEFT JOIN terms co ON co.id = e.coalition
LEFT JOIN terms ac ON ac.id = e.actor
LEFT JOIN terms pa ON pa.id = e.payload
LEFT JOIN terms so ON so.id = e.sources
LEFT JOIN terms re ON re.id = e.recorded
LEFT JOIN declarations de ON de.seq = e.declared"""


VIEW_SQL = {"sqlite": _view("sqlite"), "postgresql": _view("postgresql")}
