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
    answers = {d: ledger.asof(d, "test") for d in DAYS}
    yield rows, ledger.head(), answers
    ledger.close()


def _tables_at(conn) -> dict[str, sa.Table]:
    meta = sa.MetaData()
    meta.reflect(conn)
    return {name: t for name, t in meta.tables.items() if name != "alembic_version"}


def _project(tables, rows) -> dict[str, list[dict]]:
    out = {}
    for name, table in tables.items():
        cols = [c.name for c in table.columns if (name, c.name) not in GENERATED]
        out[name] = [{c: r[c] for c in cols if c in r} for r in rows.get(name, [])]
    return out


def _key(row: dict):
    return sorted((k, repr(v)) for k, v in row.items())


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
                assert name in now, f"table {name} was lost"
                got = [{c: r._mapping[c] for c in (rows[0] if rows else {})}
                       for r in conn.execute(sa.select(now[name]))]
                assert sorted(map(_key, got)) == sorted(map(_key, rows)), f"rows of {name} changed"
    finally:
        engine.dispose()

    ledger = Ledger.open(db_url, bundled_data=False)
    try:
        result = ledger.verify()
        assert result.ok and (result.events, result.head) == ref_head
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
    """A ledger whose spells were written by an earlier release (no projection format, records
    without troops_as_of) answers with the current record form once opened."""
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
        conn.execute(sa.text("UPDATE spells SET data = '{\"since\": \"2003\", \"sources\": [], "
                             "\"cause\": {\"seq\": 1, \"type\": \"join\", \"date\": \"2003\"}}'"))
    engine.dispose()
    reopened = Ledger.open(sqlite_url, bundled_data=False)
    usa = {m.actor: m for m in reopened.asof("2004-01-01", "test").members}["usa"]
    assert usa.troops_as_of == "2003-03-20" and usa.since == "2003-03-20"
