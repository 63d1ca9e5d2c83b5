"""The tables. Only alembic migrations create or change them; a test checks the two agree."""
from __future__ import annotations

from sqlalchemy import (Column, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

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

events = Table(
    "events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("eid", String(200), nullable=False),               # author key, or a digest prefix
    Column("identity", String(64), nullable=False),           # digest of what makes it "the same event"
    Column("fact", String(64), nullable=False),               # digest of the fact it states (for disputes)
    Column("type", String(30), nullable=False),
    Column("version", Integer, nullable=False),
    Column("coalition_id", String(100), nullable=False),
    Column("actor_id", String(100)),
    Column("date", String(10), nullable=False),
    Column("effective", String(10)),
    Column("date_lo", String(10), nullable=False),
    Column("payload", Text, nullable=False),
    Column("sources", Text, nullable=False),
    Column("note", Text),
    Column("recorded_at", String(30), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("declared", String(64)),        # the declarations head it stands on (NULL before 0004)
    UniqueConstraint("eid"),
    UniqueConstraint("identity"),
    Index(None, "coalition_id", "seq"),
    Index(None, "actor_id"),
    Index(None, "coalition_id", "date"),     # events stating the same facts (see ingest._flush)
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

# The projection: each actor's state in a coalition, piecewise constant over [valid_from, valid_to).
spells = Table(
    "spells", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("coalition_id", String(100), nullable=False),
    Column("actor_id", String(100), nullable=False),
    Column("valid_from", String(10), nullable=False),
    Column("valid_to", String(10)),                           # NULL: still so
    Column("status", String(20), nullable=False),
    Column("troops", Integer),
    Column("data", Text, nullable=False),                     # JSON: the member record
    Index(None, "coalition_id", "valid_from"),
    Index(None, "actor_id"),
)

meta = Table(
    "ledger_meta", metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),
)
