"""The database itself refuses to rewrite history, and `verify` catches what gets past it.

Raw SQL goes straight through the engine: no library code stands between it and the table.
"""
import pytest
import sqlalchemy as sa

from ledger.files import Record

APPEND_ONLY = ("events", "sources", "source_ratings")


def _fill(ledger, n=5):
    for i in range(n):
        ledger.append("commit_troops", "test", f"2003-0{i % 9 + 1}-01", actor="usa",
                      troops=1000 + i, source="s1")


def _refused(ledger, sql):
    with pytest.raises(sa.exc.DBAPIError) as info:
        with ledger.engine.begin() as conn:
            conn.execute(sa.text(sql))
    return str(info.value.orig)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_update_and_delete_are_refused_by_the_database(ledger, table):
    _fill(ledger)
    ledger.import_records([Record("rating", {"source": "s1", "tier": "press"}, "<t>", 1)])
    column = {"events": "payload", "sources": "title", "source_ratings": "tier"}[table]
    assert "append-only" in _refused(ledger, f"UPDATE {table} SET {column} = 'x'")
    assert "append-only" in _refused(ledger, f"DELETE FROM {table}")
    if ledger.engine.dialect.name == "postgresql":
        assert "append-only" in _refused(ledger, f"TRUNCATE {table}")
    assert ledger.verify().ok
    assert ledger.verify().events == 5


def _without_triggers(ledger, conn):
    """Switch the append-only triggers off for one transaction, as a tamperer with DDL rights could."""
    if ledger.engine.dialect.name == "postgresql":
        conn.execute(sa.text("ALTER TABLE events DISABLE TRIGGER USER"))
        return lambda: conn.execute(sa.text("ALTER TABLE events ENABLE TRIGGER USER"))
    saved = conn.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")).all()
    assert len(saved) == 2
    for name, _ in saved:
        conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
    return lambda: [conn.exec_driver_sql(sql) for _, sql in saved]


def _tamper(ledger, sql):
    with ledger.engine.begin() as conn:
        restore = _without_triggers(ledger, conn)
        conn.execute(sa.text(sql))
        restore()


def test_edited_payload_is_named_by_verify(ledger):
    _fill(ledger)
    assert ledger.verify().ok
    _tamper(ledger, """UPDATE events SET payload = '{"troops": 999999}' WHERE seq = 3""")
    result = ledger.verify()
    assert not result.ok and result.bad_seq == 3
    assert "#3" in result.reason and "altered" in result.reason
    # the triggers are back: a second edit is refused again
    assert "append-only" in _refused(ledger, "UPDATE events SET note = 'x' WHERE seq = 4")


def test_deleted_event_is_named_by_verify(ledger):
    _fill(ledger)
    _tamper(ledger, "DELETE FROM events WHERE seq = 2")
    result = ledger.verify()
    assert not result.ok and result.bad_seq == 2
    assert "#2 is missing" in result.reason
    assert "append-only" in _refused(ledger, "DELETE FROM events WHERE seq = 4")


def test_cli_verify_exits_1_naming_the_seq(ledger, db_url):
    from click.testing import CliRunner
    from ledger.cli.main import cli
    _fill(ledger)
    _tamper(ledger, """UPDATE events SET payload = '{"troops": 1}' WHERE seq = 4""")
    result = CliRunner().invoke(cli, ["--database", db_url, "--no-bundled", "verify"])
    assert result.exit_code == 1
    assert "Error: the chain breaks at event #4" in result.output
