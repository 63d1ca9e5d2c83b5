"""A spell's stored row: its record (`state.record`) as plain columns, without JSON per row.

Texts (statuses, dates as written, source lists, an event's type) are `terms` ids; a column is
NULL where the record has its usual value (no troop figure, no dispute, a scenario's status the
same as the one shown, the status set by the event that last changed the spell). `flat` gives
the row in text form, which a rebuild's worker process can hand back; `stored` turns it into ids
in the writing transaction; `record` gives the whole record back from a stored row.
"""
from __future__ import annotations

from datetime import date

import orjson

from .eventrows import day_number, from_day_number

COLUMNS = ("coalition", "actor", "valid_from", "valid_to", "status", "troops", "flags", "since",
           "possibly_status", "possibly_troops", "status_sources", "troops_sources", "disputed",
           "mode", "signed", "early", "late",
           "cause_seq", "cause_type", "cause_date", "cause_when",
           "status_seq", "status_type", "status_date", "status_when",
           "troops_seq", "troops_type", "troops_date", "troops_when")
# the columns that hold term ids, and those that hold day numbers
TERMS = frozenset(COLUMNS) - {"valid_from", "valid_to", "troops", "flags", "possibly_troops",
                              "cause_seq", "status_seq", "troops_seq"}
_TERM_AT = tuple(i for i, c in enumerate(COLUMNS) if c in TERMS)
_DAYS_AT = (2, 3)

APPROX, UNCERTAIN, TROOPS_UNCERTAIN, POSSIBLY, NO_STATUS_EVENT = 1, 2, 4, 8, 16


def _json(value) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def _event(ev: dict | None) -> tuple:
    """(seq, type, date, when) of an event as a record names it; when is NULL if its date."""
    if ev is None:
        return (None, None, None, None)
    return (ev["seq"], ev["type"], ev["date"], ev.get("effective"))


def flat(coalition: str, actor: str, valid_from: str, valid_to: str | None, rec: dict) -> tuple:
    """The row of a spell in text form (COLUMNS; texts where `stored` puts term ids)."""
    flags = ((APPROX if rec["approx"] else 0) | (UNCERTAIN if rec["uncertain"] else 0)
             | (TROOPS_UNCERTAIN if rec["troops_uncertain"] else 0)
             | (POSSIBLY if rec["possibly"] is not None else 0)
             | (NO_STATUS_EVENT if rec["status_event"] is None else 0))
    possibly = rec["possibly"] or {}
    status = rec["status"]
    status_event = (None, None, None, None) if rec["status_event"] in (None, rec["cause"]) \
        else _event(rec["status_event"])
    return (coalition, actor, valid_from, valid_to, status, rec["troops"], flags or None,
            rec["since"], possibly.get("status"), possibly.get("troops"),
            _json(rec["status_sources"]),
            _json(rec["troops_sources"]) if rec["troops_sources"] else None,
            _json(rec["disputed"]) if rec["disputed"] else None,
            rec["mode"], rec["signed"],
            None if rec["early"] == status else rec["early"],
            None if rec["late"] == status else rec["late"],
            *_event(rec["cause"]), *status_event, *_event(rec["troops_event"]))


def stored(row: tuple, terms) -> tuple:
    """A `flat` row as stored: term ids for texts, day numbers for days (`terms` must know every
    text already: `term_texts`)."""
    ids = terms.ids
    out = list(row)
    for i in _TERM_AT:
        if out[i] is not None:
            out[i] = ids[out[i]]
    for i in _DAYS_AT:
        if out[i] is not None:
            out[i] = _day(out[i])
    return tuple(out)


_DAYS: dict[str, int] = {}


def _day(text: str) -> int:
    found = _DAYS.get(text)
    if found is None:
        found = day_number(date.fromisoformat(text))
        if len(_DAYS) < 1_000_000:
            _DAYS[text] = found
    return found


def term_texts(rows) -> set:
    """The texts of `flat` rows that `stored` looks up."""
    return {row[i] for row in rows for i in _TERM_AT if row[i] is not None}


def term_ids(rows) -> set:
    """The term ids of stored rows (to read their texts in one query)."""
    return {row[i] for row in rows for i in _TERM_AT if row[i] is not None}


_LISTS: dict[str, list] = {}


def _list(text: str | None) -> list:
    if text is None:
        return []
    found = _LISTS.get(text)
    if found is None:
        found = orjson.loads(text)
        if len(_LISTS) < 100_000:
            _LISTS[text] = found
    return list(found)


def _named(seq, type_, when_date, when) -> dict | None:
    if seq is None:
        return None
    out = {"seq": seq, "type": type_, "date": when_date}
    if when is not None:
        out["effective"] = when
    return out


def record(row: tuple, text: dict[int, str]) -> tuple[str, str, str | None, dict]:
    """(actor, valid_from, valid_to, record) of a stored row; `text`: term id -> text."""
    v = [text[x] if i in _TERM_AT_SET and x is not None else x for i, x in enumerate(row)]
    (_, actor, valid_from, valid_to, status, troops, flags, since, p_status, p_troops,
     status_sources, troops_sources, disputed, mode, signed, early, late, *events) = v
    flags = flags or 0
    cause = _named(*events[0:4])
    troops_event = _named(*events[8:12])
    status_event = None if flags & NO_STATUS_EVENT else (_named(*events[4:8]) or cause)
    status_list, troops_list = _list(status_sources), _list(troops_sources)
    rec = {
        "actor": actor, "status": status, "troops": troops, "approx": bool(flags & APPROX),
        "since": since, "uncertain": bool(flags & UNCERTAIN),
        "troops_uncertain": bool(flags & TROOPS_UNCERTAIN),
        "possibly": {"status": p_status, "troops": p_troops} if flags & POSSIBLY else None,
        "sources": status_list + [s for s in troops_list if s not in status_list],
        "status_sources": status_list, "troops_sources": troops_list,
        "disputed": orjson.loads(disputed) if disputed else [], "mode": mode, "signed": signed, "cause": cause,
        "status_event": status_event, "troops_event": troops_event,
        "troops_as_of": (troops_event.get("effective", troops_event["date"])
                         if troops_event else None),
        "early": early or status, "late": late or status,
    }
    return (actor, from_day_number(valid_from).isoformat(),
            from_day_number(valid_to).isoformat() if valid_to is not None else None, rec)


_TERM_AT_SET = frozenset(_TERM_AT)
