"""Every alembic revision upgrades to head without losing anything.

For each revision R (walked from ScriptDirectory, so new migrations are covered automatically):
an empty database is migrated from base to R, filled with the rows a ledger at head holds (world.yaml
and iraq-sample.yaml), projected onto the columns that exist at R; then `upgrade head` runs (twice:
it must be idempotent). Every row is still there, the chain verifies, queries give the reference
answers, and appending works. A migration that is not additive (renames, splits) can register its own
filler in FILLERS.
"""
from importlib.resources import files

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from conftest import data
from ledger import Ledger, schema, store


def _revisions() -> list[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("ledger.migrations")))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1, "one head expected"
    return [r.revision for r in reversed(list(script.walk_revisions()))]   # base -> head


REVISIONS = _revisions()
# integer keys the database numbers itself: left out on insert, ignored on compare
GENERATED = {(t.name, c.name) for t in schema.metadata.tables.values()
             for c in t.primary_key if c.autoincrement is True}
FILLERS: dict = {}          # revision -> fill(conn, reference_rows) for non-additive migrations
DAYS = ["2003-03-20", "2003-09-01", "2004-01-01", "2004-05-25", "2008-10-28", "2010-01-01"]


def test_revisions_end_at_the_schema_the_code_expects():
    assert REVISIONS[-1] == schema.SCHEMA_REVISION


@pytest.fixture
def reference(tmp_path):
    """A ledger at head with data, and its rows table by table."""
    ledger = Ledger.open(f"sqlite:///{tmp_path / 'reference.sqlite'}", bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    rows = {}
    with ledger.engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            rows[table.name] = [dict(r._mapping) for r in conn.execute(sa.select(table))]
        rows["events before 0005"] = _textual(conn)
    answers = {d: ledger.asof(d, "test") for d in DAYS}
    yield rows, ledger.head(), answers
    ledger.close()


def _textual(conn) -> list[dict]:
    """The events as every release before 0005 stored them: the textual form (`event_log`) with
    the derived columns that release kept (fact, date_lo, prev_hash)."""
    from ledger.chain import GENESIS, identity
    from ledger.dates import parse_date
    out, prev = [], GENESIS
    for r in conn.execute(sa.text("SELECT * FROM event_log ORDER BY seq")).mappings():
        row = {k: v for k, v in r.items() if k != "declared_seq"}
        row["fact"] = identity({"type": row["type"], "coalition": row["coalition_id"],
                                "actor": row["actor_id"], "date": row["date"],
                                "effective": row["effective"]})
        row["date_lo"] = parse_date(row["date"]).lo.isoformat()
        row["prev_hash"], prev = prev, row["hash"]
        out.append(row)
    return out


def _tables_at(conn) -> dict[str, sa.Table]:
    meta = sa.MetaData()
    meta.reflect(conn)
    return {name: t for name, t in meta.tables.items() if name != "alembic_version"}


def _project(tables, rows) -> dict[str, list[dict]]:
    out = {}
    for name, table in tables.items():
        # before 0005: events in their textual form
        if name == "events" and "fact" in table.c and "events before 0005" in rows:
            rows = {**rows, "events": rows["events before 0005"]}
        if name == "spells" and "data" in table.c:         # before 0005: rebuilt when opened
            rows = {**rows, "spells": []}
        cols = [c.name for c in table.columns if (name, c.name) not in GENERATED]
        out[name] = [{c: r[c] for c in cols if c in r} for r in rows.get(name, [])]
    return out


def _key(row: dict):
    return sorted((k, repr(v)) for k, v in row.items())


def _before_declarations(conn, ref_rows) -> None:
    """What a ledger written before 0004 holds: no event stands on a declarations head, so each
    event's digest (and the chain) is the one the code of that time made."""
    from ledger.chain import GENESIS, digest
    tables = _tables_at(conn)
    rows = _project(tables, ref_rows)
    prev = GENESIS
    for row in sorted(rows["events"], key=lambda r: r["seq"]):
        row["prev_hash"], row["hash"] = prev, digest(prev, row)
        prev = row["hash"]
    for name, table in tables.items():
        if rows[name]:
            conn.execute(table.insert(), rows[name])


FILLERS.update({r: _before_declarations for r in REVISIONS[:REVISIONS.index("0004")]})
# what is compared after the upgrade: the events through their textual form (from 0005 they are
# stored compact), the projection not at all (it is rebuilt from the log)
NOT_COMPARED = {"spells", "terms"}


def _head_of(events: list[dict]) -> tuple[int, str]:
    digest = max(events, key=lambda r: r["seq"])["hash"]
    return len(events), digest.hex() if isinstance(digest, bytes) else digest


@pytest.mark.parametrize("revision", REVISIONS)
def test_upgrade_from_every_revision_keeps_everything(db_url, reference, revision):
    ref_rows, ref_head, ref_answers = reference
    engine = store.make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert store.current_revision(conn) is None        # base: an empty database
        store.upgrade(engine, revision)
        with engine.begin() as conn:
            assert store.current_revision(conn) == revision
            tables = _tables_at(conn)
            if revision in FILLERS:
                FILLERS[revision](conn, ref_rows)
                filled = {n: [dict(r._mapping) for r in conn.execute(sa.select(t))]
                          for n, t in tables.items()}
                filled = _project(tables, filled)
            else:
                filled = _project(tables, ref_rows)
                for name, table in tables.items():
                    if filled[name]:
                        conn.execute(table.insert(), filled[name])
        assert sum(len(v) for v in filled.values()) > 0

        store.upgrade(engine, "head")
        store.upgrade(engine, "head")                              # a second time: nothing to do
        with engine.connect() as conn:
            assert store.current_revision(conn) == REVISIONS[-1]
            now = _tables_at(conn)
            for name, rows in filled.items():
                if name in NOT_COMPARED and revision != REVISIONS[-1]:
                    continue
                assert name in now, f"table {name} was lost"
                table = now[name]
                if rows and name == "events" and "fact" in rows[0]:    # filled before 0005
                    table = sa.Table("event_log", sa.MetaData(), autoload_with=conn)
                cols = [c for c in (rows[0] if rows else {}) if c in table.c
                        and not (name == "events" and c == "date_lo")]
                rows = [{c: r[c] for c in cols} for r in rows]
                got = [{c: r._mapping[c] for c in cols} for r in conn.execute(sa.select(table))]
                if name == "ledger_meta":       # 0005 drops the projection's keys: it is rebuilt
                    rows, got = ([r for r in x if not r["key"].startswith("projection_")]
                                 for x in (rows, got))
                assert sorted(map(_key, got)) == sorted(map(_key, rows)), f"rows of {name} changed"
    finally:
        engine.dispose()

    ledger = Ledger.open(db_url, bundled_data=False)
    try:
        result = ledger.verify()
        assert result.ok and (result.events, result.head) == _head_of(filled["events"])
        if revision == REVISIONS[-1]:
            assert _head_of(filled["events"]) == ref_head
        for day, answer in ref_answers.items():
            assert ledger.asof(day, "test") == answer
        ledger.rebuild()
        for day, answer in ref_answers.items():
            assert ledger.asof(day, "test") == answer
        ledger.append("join", "test", "2003-05-01", actor="gbr", source="s1")
        assert ledger.verify().ok and ledger.head()[0] == ref_head[0] + 1
    finally:
        ledger.close()


def test_spells_stored_in_an_earlier_form_are_rebuilt_on_open(sqlite_url):
    """A ledger whose spells were written by an earlier release (no projection format) answers
    with the current record form once opened."""
    import sqlalchemy as sa
    from ledger import Ledger
    from conftest import data
    ledger = Ledger.open(sqlite_url, bundled_data=False)
    ledger.import_file(data("world.yaml"))
    ledger.import_file(data("iraq-sample.yaml"))
    ledger.close()
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM ledger_meta WHERE key = 'projection_format'"))
        # as an earlier form would read in this one: no troop figure's event, no start
        conn.execute(sa.text("UPDATE spells SET troops_seq = NULL, since = (SELECT id FROM terms "
                             "WHERE text = 'test-2003')"))
    engine.dispose()
    reopened = Ledger.open(sqlite_url, bundled_data=False)
    usa = {m.actor: m for m in reopened.asof("2004-01-01", "test").members}["usa"]
    assert usa.troops_as_of == "2003-03-20" and usa.since == "2003-03-20"


# tests/data/ledger-0004.sqlite.gz was written by the release at schema 0004 (main at 85c6793),
# importing these files in this order into a new ledger without the bundle:
FIXTURE_FILES = ["tests/data/world.yaml", "tests/data/iraq-sample.yaml", "events/actors.yaml",
                 "events/iraq-2003.yaml", "events/iraq-2003.drawdown.yaml",
                 "events/ottawa-1997.yaml", "events/ottawa-1997.fixes.yaml",
                 "events/ottawa-1997.ratings.yaml"]


def test_a_ledger_written_by_the_0004_release_is_upgraded_in_place(tmp_path):
    import gzip
    import sqlite3
    from pathlib import Path
    from ledger.chain import GENESIS, digest
    root = Path(__file__).parent.parent
    path = tmp_path / "old.sqlite"
    path.write_bytes(gzip.decompress((root / "tests/data/ledger-0004.sqlite.gz").read_bytes()))
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004"
    old = [dict(r) for r in con.execute("SELECT * FROM events ORDER BY seq")]
    con.close()
    prev = GENESIS                  # the chain verifies before, as that release checked it
    for row in old:
        assert row["prev_hash"] == prev and digest(prev, row) == row["hash"]
        prev = row["hash"]

    ledger = Ledger.open(f"sqlite:///{path}", bundled_data=False)
    try:
        result = ledger.verify(deep=True)
        assert result.ok and (result.events, result.head) == (len(old), old[-1]["hash"])
        assert ledger.head() == (len(old), old[-1]["hash"])
        with ledger.engine.connect() as conn:
            assert store.current_revision(conn) == schema.SCHEMA_REVISION
            now = [dict(r._mapping) for r in conn.execute(sa.text("SELECT * FROM event_log ORDER BY seq"))]
        columns = ("seq", "eid", "identity", "type", "version", "coalition_id", "actor_id", "date",
                   "effective", "payload", "sources", "note", "recorded_at", "declared", "hash")
        assert [{c: r[c] for c in columns} for r in now] == [{c: r[c] for c in columns} for r in old]
        fresh = Ledger.open(f"sqlite:///{tmp_path / 'fresh.sqlite'}", bundled_data=False)
        for name in FIXTURE_FILES:
            fresh.import_file(str(root / name))
        for day in ("2003-04-09", "2004-12-31", "2008-12-31"):
            assert ledger.asof(day, "iraq-2003").to_dict() == fresh.asof(day, "iraq-2003").to_dict()
        for day in ("1999-03-01", "2005-12-31"):
            assert ledger.asof(day, "ottawa-1997").to_dict() == fresh.asof(day, "ottawa-1997").to_dict()
        ledger.append("join", "test", "2003-05-01", actor="gbr", source="s1")
        assert ledger.verify().ok
        fresh.close()
    finally:
        ledger.close()
