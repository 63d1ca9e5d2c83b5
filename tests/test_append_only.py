"""The database itself refuses to rewrite history, and `verify` catches what gets past it.

Raw SQL goes straight through the engine: no library code stands between it and the table.
"""
from datetime import date

import pytest
import sqlalchemy as sa

from ledger.files import Record

APPEND_ONLY = ("events", "terms", "sources", "source_ratings", "declarations")


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
    column = {"events": "note", "terms": "text", "sources": "title", "source_ratings": "tier",
              "declarations": "digest"}[table]
    assert "append-only" in _refused(ledger, f"UPDATE {table} SET {column} = 'x'")
    assert "append-only" in _refused(ledger, f"DELETE FROM {table}")
    if ledger.engine.dialect.name == "postgresql":
        assert "append-only" in _refused(ledger, f"TRUNCATE {table}")
    assert ledger.verify().ok
    assert ledger.verify().events == 5


def _without_triggers(ledger, conn, table="events"):
    """Switch the append-only triggers off for one transaction, as a tamperer with DDL rights could."""
    if ledger.engine.dialect.name == "postgresql":
        conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        return lambda: conn.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    saved = conn.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": table}).all()
    assert len(saved) == (2 if table in APPEND_ONLY else 0)
    for name, _ in saved:
        conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
    return lambda: [conn.exec_driver_sql(sql) for _, sql in saved]


def _tamper(ledger, sql, table="events", params=None):
    with ledger.engine.begin() as conn:
        restore = _without_triggers(ledger, conn, table)
        conn.execute(sa.text(sql), params or {})
        restore()


def test_edited_payload_is_named_by_verify(ledger):
    _fill(ledger)
    assert ledger.verify().ok
    # another event's payload (1,000 troops, not 1,002): the row still refers to a real term
    _tamper(ledger, "UPDATE events SET payload = (SELECT payload FROM events WHERE seq = 1) "
                    "WHERE seq = 3")
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
    _tamper(ledger, "UPDATE events SET payload = (SELECT payload FROM events WHERE seq = 1) "
                    "WHERE seq = 4")
    result = CliRunner().invoke(cli, ["--database", db_url, "--no-bundled", "verify"])
    assert result.exit_code == 1
    assert "Error: the chain breaks at event #4" in result.output


# -- beyond the events table (issue 15) -------------------------------------------------------------

def _world(ledger):
    _fill(ledger)
    ledger.append("ratify", "pact", "2001-01-01", actor="esp", mode="ratification", source="s2")
    ledger.import_records([Record("rating", {"source": "s2", "tier": "official"}, "<t>", 1)])
    ledger.append("join", "test", "2003-04-01", actor="Spain", source="s3")
    assert ledger.verify().ok


DECLARATIONS = [
    ("sources", "UPDATE sources SET url = 'https://example.org/forged' WHERE id = 's1'",
     "source 's1' was changed after it was declared"),
    ("sources", "UPDATE sources SET title = 'Forged' WHERE id = 's2'",
     "source 's2' was changed after it was declared"),
    ("sources", "UPDATE sources SET published = '1990' WHERE id = 's3'",
     "source 's3' was changed after it was declared"),
    ("sources", "DELETE FROM sources WHERE id = 's1'", "source 's1' was deleted"),
    ("source_ratings", "UPDATE source_ratings SET tier = 'depositary'", "rating '1' was changed"),
    ("source_ratings", "DELETE FROM source_ratings", "rating '1' was deleted"),
    ("coalitions", "UPDATE coalitions SET treaty = replace(treaty, '\"months\": 6', '\"months\": 60')"
                   " WHERE id = 'pact-2000'", "coalition 'pact-2000' was changed"),
    ("coalitions", "UPDATE coalitions SET \"end\" = '2003-06-01' WHERE id = 'test-2003'",
     "coalition 'test-2003' was changed"),
    ("actors", "UPDATE actors SET name = 'Portugal' WHERE id = 'esp'", "actor 'esp' was changed"),
    ("aliases", "UPDATE aliases SET target = 'pol' WHERE alias = 'spain'",
     "alias 'actor:spain' was changed"),
    ("aliases", "INSERT INTO aliases (namespace, alias, target, display) "
                "VALUES ('actor', 'espana', 'pol', 'España')",
     "alias 'actor:espana' is in the aliases table but was never declared"),
    ("declarations", "DELETE FROM declarations WHERE seq = 5", "declaration #5 is missing"),
    # the built-in states are declared first (even with --no-bundled): tamper with the first
    ("declarations", "UPDATE declarations SET digest = 'x' WHERE seq = 3",
     "declaration #3 (alias 'actor:abw') does not match its hash"),
]


@pytest.mark.parametrize("table,sql,says", DECLARATIONS, ids=[d[2][:40] for d in DECLARATIONS])
def test_verify_names_a_declaration_changed_behind_its_back(ledger, table, sql, says):
    _world(ledger)
    _tamper(ledger, sql, table)
    result = ledger.verify()
    assert not result.ok and says in result.reason, result.reason


def test_a_re_pointed_alias_is_caught_before_it_misleads(ledger, db_url, run_cli):
    _world(ledger)
    _tamper(ledger, "UPDATE aliases SET target = 'pol' WHERE alias = 'spain'", "aliases")
    code, out, err = run_cli("--database", db_url, "--no-bundled", "verify")
    assert code == 1 and err.startswith("Error: alias 'actor:spain' was changed after it was "
                                        "declared (declaration #")


def test_every_stored_column_is_covered(ledger):
    """A row stores nothing its digest does not cover: a day number a year off is caught."""
    _world(ledger)
    _tamper(ledger, "UPDATE events SET date_lo = date_lo - 365 WHERE seq = 2")
    result = ledger.verify()
    assert not result.ok and result.bad_seq == 2 and "altered" in result.reason


def test_an_edited_term_is_caught_at_the_first_event_using_it(ledger):
    """Texts are stored once, in `terms`: editing one alters every event that refers to it, and
    verify names the first."""
    _world(ledger)
    with ledger.engine.connect() as conn:
        first = conn.execute(sa.text("SELECT min(seq) FROM event_log WHERE actor_id = 'esp'")).scalar()
    _tamper(ledger, "UPDATE terms SET text = 'prt' WHERE text = 'esp'", "terms")
    result = ledger.verify()
    assert not result.ok and result.bad_seq == first and "altered" in result.reason


def test_a_reference_to_no_term_is_caught(ledger):
    _world(ledger)
    _tamper(ledger, "UPDATE events SET payload = 999999 WHERE seq = 3")
    result = ledger.verify()
    assert not result.ok and result.bad_seq == 3 and "altered" in result.reason


def _rechain(ledger, conn):
    """Recompute every event's digest after an edit, as a tamperer who knows the scheme would."""
    from ledger.chain import GENESIS, digest
    prev = GENESIS
    from ledger.chain import identity
    for row in conn.execute(sa.text("SELECT * FROM event_log ORDER BY seq")).mappings().all():
        row = dict(row)
        row["fact"] = identity({k: row[c] for k, c in (
            ("type", "type"), ("coalition", "coalition_id"), ("actor", "actor_id"),
            ("date", "date"), ("effective", "effective"))})
        new = digest(prev, row)
        conn.execute(sa.text("UPDATE events SET hash = :h WHERE seq = :s"),
                     {"h": bytes.fromhex(new), "s": row["seq"]})
        prev = new


def test_a_cited_digest_catches_a_rewrite_that_verify_alone_cannot(ledger, db_url, run_cli):
    _world(ledger)
    code, out, _ = run_cli("--database", db_url, "--no-bundled", "cite")
    pin = out.split("Keep this pin: ")[1].split()[0]
    seq, digest = pin.split(":")
    assert (int(seq), digest) == ledger.head()
    assert run_cli("--database", db_url, "--no-bundled", "verify", "--cited", pin)[0] == 0
    with ledger.engine.begin() as conn:             # rewrite #3 and recompute the chain
        restore = _without_triggers(ledger, conn)
        conn.execute(sa.text("UPDATE events SET note = 'forged' WHERE seq = 3"))
        _rechain(ledger, conn)
        restore()
    assert ledger.verify().ok                       # consistent, so only the pin can tell
    code, out, err = run_cli("--database", db_url, "--no-bundled", "verify", "--cited", pin)
    assert code == 1 and f"event #{seq} has the digest" in err and "rewritten" in err
    result = ledger.verify(cited=(int(seq), digest))
    assert not result.ok


def test_a_cited_digest_catches_deleted_last_events(ledger, run_cli, db_url):
    _world(ledger)
    pin = ledger.head()
    _tamper(ledger, f"DELETE FROM events WHERE seq = {pin[0]}")
    assert ledger.verify().ok
    result = ledger.verify(cited=pin)
    assert not result.ok and f"the cited event #{pin[0]} is gone" in result.reason
    code, _, err = run_cli("--database", db_url, "--no-bundled", "verify", "--cited", "12:zz")
    assert code == 2 and "is not SEQ:DIGEST" in err


def test_an_event_standing_on_rewritten_declarations(ledger):
    _world(ledger)
    with ledger.engine.begin() as conn:             # drop the last declaration (the rating)
        restore = _without_triggers(ledger, conn, "declarations")
        last = conn.execute(sa.text("SELECT max(seq) FROM declarations")).scalar()
        conn.execute(sa.text("DELETE FROM declarations WHERE seq = :s"), {"s": last})
        restore()
        restore = _without_triggers(ledger, conn, "source_ratings")
        conn.execute(sa.text("DELETE FROM source_ratings"))
        restore()
    result = ledger.verify()
    assert not result.ok and "which is not in the declarations chain" in result.reason


def test_verify_deep_names_the_first_spell_that_differs(ledger, db_url, run_cli):
    _world(ledger)
    result = ledger.verify(deep=True)
    assert result.ok and result.spells > 0
    with ledger.engine.begin() as conn:
        conn.execute(sa.text("UPDATE spells SET troops = 1154715 WHERE actor = (SELECT id FROM "
                             "terms WHERE text = 'usa') AND valid_from = :d"),
                     {"d": (date(2003, 3, 1) - date(1970, 1, 1)).days})
    assert ledger.verify().ok                       # the projection is not chained...
    assert ledger.asof("2003-03-15", "test").troops_total == 1154715
    result = ledger.verify(deep=True)               # ...but a replay of the log catches it
    assert not result.ok
    assert result.reason == ("coalition test-2003: the spell of usa from 2003-03-01 is stored as "
                             "(member, 1,154,715 troops, 2003-03-01 to 2003-04-01); a replay of "
                             "the log gives (member, 1,002 troops, 2003-03-01 to 2003-04-01)")
    code, _, err = run_cli("--database", db_url, "--no-bundled", "verify", "--deep")
    assert code == 1 and err.startswith("Error: coalition test-2003: the spell of usa")
    ledger.rebuild()
    assert ledger.verify(deep=True).ok


def test_new_events_stand_on_the_declarations_head(ledger):
    from ledger import declarations
    _world(ledger)
    with ledger.engine.connect() as conn:
        head = declarations.head(conn)[1]
        last = conn.execute(sa.text("SELECT declared FROM event_log ORDER BY seq DESC")).scalar()
    assert last == head
