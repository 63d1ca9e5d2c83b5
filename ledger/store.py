"""Database access: engines, migrations, the write lock, and reading and appending rows.

Nothing above this module builds SQL. Every statement takes bound parameters; most are SQLAlchemy
Core, and the few on the hot paths of bulk appends and warm reads (`insert_rows`, `events_in`,
`head_token`) go to the driver with SQL built from the schema's own names.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine

from . import eventrows, schema
from .chain import GENESIS, digest
from .dates import parse_date
from .errors import DatabaseError
from .model import SCHEMA_VERSION, Citation, Event, upcast
from . import terms
from .sql import insert_rows, marks, select_in  # noqa: F401  (re-exported)
from .terms import Terms

_PG_LOCK_KEY = 7_220_031  # advisory lock that serialises appends on PostgreSQL


_USERINFO = re.compile(r"(://[^:/@?#\s]*):[^/\s]*@")
# a credential in a URL's query (libpq and psycopg read ?password=...) or in a keyword DSN
_SECRET = re.compile(r"(?i)((?:^|[?&;\s])[\w.%-]*(?:password|passwd|pwd|secret|token)[\w.%-]*"
                     r"\s*=\s*)('[^']*'|[^&\s]*)")


def redact(url: object) -> str:
    """A URL (or a driver's message quoting one) fit to print: never a password, wherever the URL
    carries it (user:password@, ?password=, ?sslpassword=, password=... in a keyword DSN)."""
    text = str(url.render_as_string(hide_password=True) if hasattr(url, "render_as_string")
               else url)
    return _SECRET.sub(r"\1***", _USERINFO.sub(r"\1:***@", text))


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for `url`; `read_only` (SQLite files only) reads the file without writing to it
    or beside it (see `location.read_only_uri`)."""
    options: dict[str, Any] = {}
    if read_only:
        import sqlite3
        uri = read_only_uri(sqlite_file(url) or "")
        options["creator"] = lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        # On a server, a pooled connection may have died while idle (a restart, an idle timeout):
        # test it when it is taken from the pool and reconnect, rather than fail the next command.
        server = sa.engine.make_url(url).get_backend_name() != "sqlite"
        engine = sa.create_engine(url, future=True, pool_pre_ping=server, **options)
    except Exception as exc:  # bad URL or missing driver
        raise DatabaseError(f"cannot use database {redact(url)}: {redact(str(exc))}") from None
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine, read_only)
    return engine


def _sqlite_setup(engine: Engine, read_only: bool = False) -> None:
    # pysqlite's own transaction handling defers BEGIN; take control so writers can BEGIN IMMEDIATE.
    @sa_event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        if engine.url.database not in (None, "", ":memory:") and not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
        # 64 MiB of page cache (the default is 2 MiB): appends update five indexes of the events
        # table at random places, which at a million events would otherwise mostly miss the cache
        cur.execute("PRAGMA cache_size = -65536")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            with conn.begin():
                yield conn
    except sa.exc.OperationalError as exc:
        raise DatabaseError(f"database {redact(engine.url)} failed: {_short(exc)}") from None


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the ledger's write lock: appends are serialised, the chain has no forks."""
    try:
        with engine.connect() as conn:
            conn.info["write"] = True
            conn.info["terms"] = Terms(conn)
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                    yield conn
            finally:
                conn.info.pop("write", None)
                conn.info.pop("terms", None)
    except sa.exc.OperationalError as exc:
        raise DatabaseError(f"database {redact(engine.url)} failed: {_short(exc)}") from None


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    return redact(text[0] if text else type(exc).__name__)


# -- schema version -----------------------------------------------------------------------------

def current_revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run alembic migrations on this engine (only ever called when the schema is not current)."""
    from alembic import command
    from alembic.config import Config
    from importlib.resources import files

    cfg = Config()
    cfg.set_main_option("script_location", str(files("ledger.migrations")))
    cfg.set_main_option("sqlalchemy.url", str(engine.url).replace("%", "%%"))
    with writing(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def check_current(engine: Engine) -> None:
    """For a ledger opened read-only: it must be at the schema this version reads."""
    with reading(engine) as conn:
        have = current_revision(conn)
    if have != schema.SCHEMA_REVISION:
        raise DatabaseError(
            f"database {redact(engine.url)} is at schema revision {have or '(none)'}, this version "
            f"of the ledger needs {schema.SCHEMA_REVISION}, and it cannot be written here: "
            "migrate it (ledger db upgrade) where it can be written") from None


def ensure_current(engine: Engine) -> None:
    try:
        with reading(engine) as conn:
            have = current_revision(conn)
            if have == schema.SCHEMA_REVISION:
                return
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(f"database {redact(engine.url)} failed: {_short(exc)}") from None
    try:
        upgrade(engine)
    except sa.exc.DBAPIError as exc:
        # typically a role that may append but not alter tables (docs/postgres-roles.sql)
        raise DatabaseError(
            f"database {redact(engine.url)} is at schema revision {have or '(none)'} and this "
            f"version of the ledger needs {schema.SCHEMA_REVISION}; migrating it failed: "
            f"{_short(exc)}. A shared database is migrated by its owner: ledger db upgrade") from None


# -- meta -----------------------------------------------------------------------------------------

def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    table = schema.meta
    if conn.execute(sa.select(table.c.key).where(table.c.key == key)).first():
        conn.execute(table.update().where(table.c.key == key).values(value=value))
    else:
        conn.execute(table.insert().values(key=key, value=value))


# -- events ---------------------------------------------------------------------------------------

def tiers(conn: Connection, ids: Any = None, known_at: str | None = None) -> dict[str, str]:
    """Each source's tier: its latest rating (recorded by `known_at`, if given). Unrated sources
    are absent."""
    t = schema.source_ratings
    query = sa.select(t.c.source_id, t.c.tier).order_by(t.c.id)
    if known_at is not None:
        query = query.where(t.c.recorded_at <= known_at)
    out: dict[str, str] = {}
    if ids is None:
        for sid, tier in conn.execute(query):
            out[sid] = tier
        return out
    ids = sorted(set(ids))
    for i in range(0, len(ids), 500):
        for sid, tier in conn.execute(query.where(t.c.source_id.in_(ids[i:i + 500]))):
            out[sid] = tier
    return out


def citing(conn: Connection, sources: set[str]) -> set[str]:
    """The coalitions with an event that cites one of these sources."""
    t = schema.event_log
    found: set[str] = set()
    for cid, text in conn.execute(sa.select(t.c.coalition_id, t.c.sources).distinct()):
        if cid not in found and any(c["source"] in sources for c in json.loads(text)):
            found.add(cid)
    return found


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(sa.select(schema.events.c.seq, schema.events.c.hash)
                       .order_by(schema.events.c.seq.desc()).limit(1)).first()
    return (row.seq, bytes(row.hash).hex()) if row else (0, GENESIS)


_TOKEN_SQL = ("SELECT (SELECT seq FROM events ORDER BY seq DESC LIMIT 1), "
              "(SELECT hash FROM events ORDER BY seq DESC LIMIT 1), "
              "(SELECT max(id) FROM source_ratings)")


def token(conn: Connection) -> tuple:
    """What answers depend on beyond the reference tables: the head of the log and the latest
    source rating (a new tier can change which claim wins)."""
    seq, digest, rated = conn.execute(sa.text(_TOKEN_SQL)).one()
    return (seq or 0, bytes(digest).hex() if digest else GENESIS, rated or 0)


def head_token(engine: Engine) -> tuple:
    """`token` through the driver, outside SQLAlchemy: it is asked before every answer served from
    memory (`view.py`), where SQLAlchemy's per-statement cost would be most of the answer's."""
    try:
        with engine.connect() as conn:
            cur = conn.connection.driver_connection.cursor()
            try:
                cur.execute(_TOKEN_SQL)
                seq, digest, rated = cur.fetchone()
            finally:
                cur.close()
    except (sa.exc.DBAPIError, engine.dialect.dbapi.Error) as exc:
        raise DatabaseError(f"database {redact(engine.url)} failed: {_short(exc)}") from None
    return (seq or 0, bytes(digest).hex() if digest else GENESIS, rated or 0)


def terms_of(conn: Connection) -> Terms:
    """The term ids of this write transaction (`writing` keeps one per transaction)."""
    return conn.info.get("terms") or Terms(conn)


def insert_events(conn: Connection, rows: list[dict]) -> None:
    """Chain and insert prepared rows (`ingest.event_row`: textual, without seq and hash). Caller
    holds the write lock."""
    seq, prev = head(conn)
    for row in rows:
        seq += 1
        row["seq"] = seq
        row["hash"] = prev = digest(prev, row)
    terms = terms_of(conn)
    terms.add(t for row in rows for t in eventrows.texts_of(row))
    declared = declaration_seqs(conn, {r["declared"] for r in rows if r.get("declared")}, terms)
    insert_rows(conn, schema.events, eventrows.COLUMNS,
                [eventrows.compact(r, terms, declared.get(r.get("declared"))) for r in rows])


def declaration_seqs(conn: Connection, heads: set[str], terms: Terms) -> dict[str, int]:
    """The seq in the declarations chain of each of these heads (digests)."""
    known = terms.declared
    missing = sorted(h for h in heads if h not in known)
    if missing:
        known.update(select_in(conn, "SELECT hash, seq FROM declarations WHERE hash IN ({})",
                               missing))
    return known




_LOG_FIELDS = ("seq", "eid", "identity", "type", "coalition_id", "actor_id", "date",
               "effective", "payload")


def same_days(conn: Connection, coalition: str, dates: list[str]) -> list[tuple]:
    """(seq, eid, identity, type, coalition_id, actor_id, date, effective, payload) of the events
    of `coalition` dated on one of these dates (texts): where events stating the same facts as new
    ones are (the (coalition, date_lo) index)."""
    cid = terms.find(conn, coalition)
    if cid is None:
        return []
    wanted = set(dates)
    days = sorted({eventrows.date_parts(d)[0] for d in dates})
    seqs = [seq for (seq,) in select_in(
        conn, f"SELECT seq FROM events WHERE coalition = {marks(conn, 1)} AND date_lo IN ({{}})",
        days, (cid,))]
    return [row for row in log_rows(conn, seqs, _LOG_FIELDS) if row[6] in wanted]


def log_rows(conn: Connection, seqs: list[int], columns: tuple[str, ...]) -> list[tuple]:
    """`columns` of `event_log` for these seqs."""
    wanted = ", ".join(columns)
    return list(select_in(conn, f"SELECT {wanted} FROM event_log WHERE seq IN ({{}})",
                          sorted(set(seqs))))


_DERIVED = re.compile(r"e[0-9a-f]{16}")


def find_eids(conn: Connection, eids: list[str], columns: tuple[str, ...] = ("eid",)) -> list[tuple]:
    """`columns` of `event_log` for the events with these ids: an author's key is stored, a
    derived one ("e" and 16 hex digits) is the first 8 bytes of the identity (both indexed). An
    author's key may look like a derived one, so such a value is looked up both ways."""
    eids = sorted(set(eids))
    seqs = [seq for (seq,) in select_in(conn, "SELECT seq FROM events WHERE eid IN ({})", eids)]
    prefixes = [bytes.fromhex(e[1:]) for e in eids if _DERIVED.fullmatch(e)]
    if prefixes:
        # (eid is tested here, not in SQL, where the planner would take the eid index for it)
        seqs += [seq for seq, eid in select_in(
            conn, "SELECT seq, eid FROM events WHERE substr(identity, 1, 8) IN ({})", prefixes)
            if eid is None]
    return log_rows(conn, seqs, columns) if seqs else []


_EVENT_FIELDS = ("seq", "eid", "type", "version", "coalition_id", "actor_id", "date", "effective",
                 "payload", "sources", "note", "recorded_at")     # what `to_event` reads


def event_rows(conn: Connection, *, coalition: str | None = None, actor: str | None = None,
               known_at: str | None = None, after_seq: int = 0,
               actors: set[str] | None = None, types: tuple[str, ...] | None = None) -> Iterator[Any]:
    """Events in order of recording; `actors`: only theirs and the coalition-level ones;
    `types`: only events of these types."""
    t = schema.event_log
    query = sa.select(*(t.c[name] for name in _EVENT_FIELDS)).where(t.c.seq > after_seq).order_by(t.c.seq)
    if coalition is not None:
        query = query.where(t.c.coalition_id == coalition)
    if types is not None:
        query = query.where(t.c.type.in_(types))
    if actor is not None:
        query = query.where(t.c.actor_id == actor)
    if actors is not None:
        query = query.where(sa.or_(t.c.actor_id.in_(sorted(actors)), t.c.actor_id.is_(None)))
    if known_at is not None:
        query = query.where(t.c.recorded_at <= known_at)
    return conn.execute(query)


def coalition_event_tuples(conn: Connection, coalition: str) -> list[tuple]:
    """`event_rows(conn, coalition=...)` as plain tuples: a rebuild reads every event of the log,
    so the rows come straight from the driver's cursor, and their texts from one read of the
    terms they use rather than a join per row."""
    cid = terms.find(conn, coalition)
    if cid is None:
        return []
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute("SELECT seq, eid, identity, type, version, actor, date_lo, date_prec, eff_lo, "
                    "eff_prec, payload, sources, note, recorded FROM events WHERE coalition = "
                    f"{marks(conn, 1)} ORDER BY seq", (cid,))
        rows = cur.fetchall()
    finally:
        cur.close()
    text = terms.texts(conn, {i for r in rows for i in (r[3], r[5], r[10], r[11], r[13])})
    day = eventrows.date_text
    return [(seq, eid or "e" + bytes(ident[:8]).hex(), text[type_], version, coalition,
             text.get(actor), day(lo, prec), day(elo, eprec), text[payload], text[sources], note,
             text[recorded])
            for (seq, eid, ident, type_, version, actor, lo, prec, elo, eprec, payload, sources,
                 note, recorded) in rows]


def to_event(row: Any) -> Event:
    seq, eid, type_, version, coalition, actor, date, effective, payload, sources, note, recorded = row
    payload = json.loads(payload)
    if version < SCHEMA_VERSION:
        payload = upcast(type_, version, payload)
    return Event(
        type=type_, coalition=coalition, actor=actor, date=parse_date(date),
        effective=parse_date(effective) if effective else None,
        payload=MappingProxyType(payload), sources=_citations(sources), note=note, key=eid, seq=seq,
        recorded_at=recorded)


_CITED: dict[str, tuple[Citation, ...]] = {}   # Citations are immutable; many events cite alike


def _citations(text: str) -> tuple[Citation, ...]:
    found = _CITED.get(text)
    if found is None:
        found = tuple(Citation(**c) for c in json.loads(text))
        if len(_CITED) < 100_000:
            _CITED[text] = found
    return found


from .location import default_url, read_only_uri, sqlite_file  # noqa: E402,F401  (re-exported)
