"""The tables. Only alembic migrations create or change them; a test checks the two agree."""
from __future__ import annotations

from sqlalchemy import (Column, Index, Integer, LargeBinary, MetaData, SmallInteger, String,
                        Table, Text, UniqueConstraint, func)

from .schema_revision import SCHEMA_REVISION  # noqa: F401  (re-exported)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

coalitions = Table(
    "coalitions", metadata,
    Column("id", String(100), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("model", String(20)),
    Column("lead", Text, nullable=False, default="[]"),       # JSON list of actor ids
    Column("start", String(10)),
    Column("end", String(10)),
    Column("description", Text),
    Column("treaty", Text),                                   # JSON treaty rules, or NULL
)

actors = Table(
    "actors", metadata,
    Column("id", String(100), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
)

aliases = Table(
    "aliases", metadata,
    Column("namespace", String(10), primary_key=True),        # 'actor' | 'coalition'
    Column("alias", String(200), primary_key=True),           # normalised (case-folded) form
    Column("target", String(100), nullable=False),
    Column("display", Text, nullable=False),                  # as first written
)

sources = Table(
    "sources", metadata,
    Column("id", String(200), primary_key=True),
    Column("title", Text, nullable=False),
    Column("publisher", Text),
    Column("author", Text),
    Column("url", Text),
    Column("published", String(10)),
    Column("accessed", String(10)),
)

# A source's evidence tier, as an append-only series: the latest rating recorded is its tier.
source_ratings = Table(
    "source_ratings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(200), nullable=False),
    Column("tier", String(20), nullable=False),
    Column("original", Text),                                 # what the copy read is a copy of
    Column("note", Text),
    Column("recorded_at", String(30), nullable=False),
    Index(None, "source_id"),
)

# Every distinct text the events and spells refer to (type names, coalition and actor ids, payload
# and citation JSON, recording instants, the texts of spells) stored once; rows hold its id.
terms = Table(
    "terms", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False),
    UniqueConstraint("text"),
)

# The log, compact (schema 0005): integer keys into `terms`, dates as day numbers (days from
# 1970-01-01) with a precision code (0 year, 1 month, 2 day), digests as 32 bytes. What can be
# derived is not stored: the previous row's hash, the fact digest, a derived event id ("e" and the
# first 16 hex digits of the identity, kept as NULL). The view `event_log` (ledger/logview.py)
# gives every row in the textual form its digest covers.
events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("eid", String(200)),                               # an author's key; NULL: derived
    Column("identity", LargeBinary(32), nullable=False),      # what makes it "the same event"
    Column("type", Integer, nullable=False),
    Column("version", SmallInteger, nullable=False),
    Column("coalition", Integer, nullable=False),
    Column("actor", Integer),
    Column("date_lo", Integer, nullable=False),
    Column("date_prec", SmallInteger, nullable=False),
    Column("eff_lo", Integer),
    Column("eff_prec", SmallInteger),
    Column("payload", Integer, nullable=False),
    Column("sources", Integer, nullable=False),
    Column("note", Text),
    Column("recorded", Integer, nullable=False),
    Column("declared", Integer),        # seq of the declarations head it stands on (NULL before 0004)
    Column("hash", LargeBinary(32), nullable=False),
    UniqueConstraint("eid"),
    Index(None, "coalition", "seq"),
    Index(None, "actor"),
    Index(None, "coalition", "date_lo"),     # events stating the same facts (see ingest._flush)
)

# An identity is unique, and so is its first 8 bytes: that is what a derived event id names.
Index("ix_events_identity_prefix", func.substr(events.c.identity, 1, 8), unique=True)

# Every event in the textual form its digests cover (not a table: migration 0005 makes the view,
# ledger/eventrows.py holds its SQL); what reads whole events reads this.
views = MetaData()
event_log = Table(
    "event_log", views,
    Column("seq", Integer), Column("eid", Text), Column("identity", Text), Column("type", Text),
    Column("version", Integer), Column("coalition_id", Text), Column("actor_id", Text),
    Column("date", Text), Column("effective", Text), Column("date_lo", Integer),
    Column("payload", Text), Column("sources", Text), Column("note", Text),
    Column("recorded_at", Text), Column("declared", Text), Column("declared_seq", Integer),
    Column("hash", Text),
)

# Every row written to actors, aliases, coalitions, sources and source_ratings, as a chain of
# digests (ledger/declarations.py); append-only like the events.
declarations = Table(
    "declarations", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),
    Column("key", String(320), nullable=False),               # the row's key (alias: namespace:alias)
    Column("digest", String(64), nullable=False),             # of the row's content
    Column("recorded_at", String(30), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("kind", "key"),
)

# The projection: each actor's state in a coalition, piecewise constant over [valid_from, valid_to)
# (day numbers; valid_to NULL: still so). Its record (`state.record`) as plain columns, texts as
# `terms` ids; a column is NULL where the record has the usual value (ledger/spellrows.py).
spells = Table(
    "spells", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *(Column(name, Integer, nullable=name not in ("coalition", "actor", "valid_from", "status"))
      for name in ("coalition", "actor", "valid_from", "valid_to", "status", "troops", "flags",
                   "since", "possibly_status", "possibly_troops", "status_sources",
                   "troops_sources", "disputed", "mode", "signed", "early", "late",
                   "cause_seq", "cause_type", "cause_date", "cause_when",
                   "status_seq", "status_type", "status_date", "status_when",
                   "troops_seq", "troops_type", "troops_date", "troops_when")),
    Index(None, "coalition", "valid_from"),
    Index(None, "actor"),
)

meta = Table(
    "ledger_meta", metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),
)
