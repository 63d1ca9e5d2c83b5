"""docs/postgres-roles.sql: the ledger_app role appends through the Ledger but cannot rewrite
the log, refused by permissions before any trigger runs."""
import os

import pytest
import sqlalchemy as sa

from conftest import data
from ledger import Ledger
from ledger.errors import ConflictError

ROLES_SQL = os.path.join(os.path.dirname(__file__), "..", "docs", "postgres-roles.sql")


@pytest.fixture
def app_url(ledger, db_url):
    """The owner has created the ledger (fixture `ledger`) and run docs/postgres-roles.sql."""
    if ledger.engine.dialect.name != "postgresql":
        pytest.skip("roles are a PostgreSQL feature")
    with open(ROLES_SQL) as handle:
        script = handle.read()
    raw = ledger.engine.raw_connection()
    try:
        raw.driver_connection.execute(script)      # the whole file, as psql -f would
        raw.driver_connection.execute(script)      # and it is safe to run again
        raw.commit()
    finally:
        raw.close()
    assert "options=" in db_url
    return db_url + "%20-crole%3Dledger_app"


def test_roles_sql_refuses_rewrites_but_appending_works(app_url):
    app = Ledger.open(app_url, bundled_data=False)
    try:
        with app.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_user")).scalar() == "ledger_app"
        for sql in ("UPDATE events SET note = 'x'", "DELETE FROM events", "TRUNCATE events",
                    "UPDATE sources SET title = 'x'", "DELETE FROM sources", "TRUNCATE sources",
                    "UPDATE source_ratings SET tier = 'x'", "DELETE FROM source_ratings",
                    "UPDATE declarations SET digest = 'x'", "DELETE FROM declarations",
                    "DROP TABLE events", "ALTER TABLE events DISABLE TRIGGER USER"):
            with pytest.raises(sa.exc.DBAPIError) as info:
                with app.engine.begin() as conn:
                    conn.execute(sa.text(sql))
            message = str(info.value.orig)
            assert "permission denied" in message or "must be owner" in message, (sql, message)
        seq0, head0 = app.head()
        app.import_file(data("iraq-sample.yaml"))
        app.append("join", "test", "2003-05-01", actor="gbr", source="s1")
        app.declare_source(id="s9", title="Ninth source", tier="press")
        assert {s.id: s.tier for s in app.sources()}["s9"] == "press"
        seq1, head1 = app.head()
        assert seq1 > seq0
        with pytest.raises(ConflictError):
            app.append("join", "test", "2003-06-01", actor="aaa", source="s1", expect_head=head0)
        assert app.head() == (seq1, head1)
        assert app.verify().ok and app.verify().events == seq1
        assert "gbr" in {m.actor for m in app.asof("2003-06-01", "test").members}
        assert app.rebuild() > 0
    finally:
        app.close()


def test_the_app_role_asks_the_owner_to_migrate(empty, db_url):
    """A database at an earlier revision, opened by a role that may not alter tables: a clear
    DatabaseError naming both revisions and who migrates, and the database left as it was."""
    from ledger import schema, store
    from ledger.errors import DatabaseError
    if empty.engine.dialect.name != "postgresql":
        pytest.skip("roles are a PostgreSQL feature")
    with empty.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(sa.text(f"DROP TABLE {table.name} CASCADE"))
        conn.execute(sa.text("DROP FUNCTION ledger_refuse_change() CASCADE"))
    store.upgrade(empty.engine, "0001")
    raw = empty.engine.raw_connection()
    try:
        with open(ROLES_SQL) as handle:
            raw.driver_connection.execute(handle.read())
        raw.commit()
    finally:
        raw.close()
    with pytest.raises(DatabaseError, match=r"at schema revision 0001 .* needs "
                       rf"{schema.SCHEMA_REVISION}; migrating it failed: must be owner .* ledger db upgrade"):
        Ledger.open(db_url + "%20-crole%3Dledger_app", bundled_data=False)
    with empty.engine.connect() as conn:
        assert store.current_revision(conn) == "0001"
    Ledger.open(db_url, bundled_data=False).close()     # the owner migrates
    with empty.engine.connect() as conn:
        assert store.current_revision(conn) == schema.SCHEMA_REVISION
