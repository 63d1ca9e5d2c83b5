"""Compact rows: events with integer keys, day numbers and binary digests; spells as columns.

Every distinct text an event refers to (its type, coalition, actor, payload and citations, the
instant it was recorded) moves to the append-only `terms` table, stored once. Dates become day
numbers with a precision, digests 32 bytes; what can be derived (the previous row's hash, the fact
digest, the date_lo text, an event id made from the identity) is no longer stored. The view
`event_log` gives every event back in the textual form its digest covers, so the chain, and the
head of an existing ledger, are unchanged: the events are copied in order, and a row that would
not give its text back exactly stops the migration before anything is lost.

Spells are derived from the log: the table is recreated in its column form and filled again when
the ledger is next opened (the projection format changes).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHUNK = 20_000
OLD = ("seq", "eid", "identity", "type", "version", "coalition_id", "actor_id", "date",
       "effective", "payload", "sources", "note", "recorded_at", "declared", "hash")


def upgrade() -> None:
    from ledger import eventrows, spellrows
    from ledger.terms import Terms

    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    op.create_table(
        "terms",
        sa.Column("id", sa.Integer, autoincrement=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_terms"),
        sa.UniqueConstraint("text", name="uq_terms_text"),
    )
    # The old table steps aside under another name; its secondary indexes go (their names are the
    # new table's), the primary key and unique ones are renamed on PostgreSQL.
    for name in ("ix_events_coalition_id_seq", "ix_events_actor_id", "ix_events_coalition_id_date"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.rename_table("events", "events_0004")
    if pg:
        for name in ("pk_events", "uq_events_eid", "uq_events_identity"):
            op.execute(f"ALTER INDEX {name} RENAME TO {name}_0004")
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, autoincrement=False),
        sa.Column("eid", sa.String(200)),
        sa.Column("identity", sa.LargeBinary(32), nullable=False),
        sa.Column("type", sa.Integer, nullable=False),
        sa.Column("version", sa.SmallInteger, nullable=False),
        sa.Column("coalition", sa.Integer, nullable=False),
        sa.Column("actor", sa.Integer),
        sa.Column("date_lo", sa.Integer, nullable=False),
        sa.Column("date_prec", sa.SmallInteger, nullable=False),
        sa.Column("eff_lo", sa.Integer),
        sa.Column("eff_prec", sa.SmallInteger),
        sa.Column("payload", sa.Integer, nullable=False),
        sa.Column("sources", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded", sa.Integer, nullable=False),
        sa.Column("declared", sa.Integer),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
        sa.UniqueConstraint("eid", name="uq_events_eid"),
    )
    terms = Terms(bind)
    declared = dict(bind.execute(sa.text("SELECT hash, seq FROM declarations")).fetchall())
    marks = ", ".join(["%s" if pg else "?"] * len(eventrows.COLUMNS))
    insert = f"INSERT INTO events ({', '.join(eventrows.COLUMNS)}) VALUES ({marks})"
    after = 0
    while True:
        rows = [dict(r._mapping) for r in bind.execute(sa.text(
            f"SELECT {', '.join(OLD)} FROM events_0004 WHERE seq > :after ORDER BY seq "
            f"LIMIT {CHUNK}"), {"after": after})]
        if not rows:
            break
        terms.add(t for row in rows for t in eventrows.texts_of(row))
        values = []
        for row in rows:
            _exact(row)
            if row["declared"] is not None and row["declared"] not in declared:
                raise RuntimeError(f"event #{row['seq']} stands on declarations head "
                                   f"{row['declared']}, which is not in the declarations chain; "
                                   "run `ledger verify` with the release that wrote this ledger")
            values.append(eventrows.compact(row, terms, declared.get(row["declared"])))
        bind.exec_driver_sql(insert, values)
        after = rows[-1]["seq"]
    op.drop_table("events_0004")
    op.create_index("ix_events_coalition_seq", "events", ["coalition", "seq"])
    op.create_index("ix_events_actor", "events", ["actor"])
    op.create_index("ix_events_coalition_date_lo", "events", ["coalition", "date_lo"])
    op.create_index("ix_events_identity_prefix", "events", [sa.text("substr(identity, 1, 8)")],
                    unique=True)

    op.drop_table("spells")
    op.create_table(
        "spells",
        sa.Column("id", sa.Integer, autoincrement=True),
        *(sa.Column(name, sa.Integer, nullable=name not in ("coalition", "actor", "valid_from",
                                                            "status"))
          for name in spellrows.COLUMNS),
        sa.PrimaryKeyConstraint("id", name="pk_spells"),
    )
    op.create_index("ix_spells_coalition_valid_from", "spells", ["coalition", "valid_from"])
    op.create_index("ix_spells_actor", "spells", ["actor"])
    # the spells are rebuilt from the log when the ledger is next opened
    op.execute("DELETE FROM ledger_meta WHERE key IN ('projection_format', 'projection_seq')")

    for table in ("events", "terms"):
        if pg:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")
        else:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'ledger: {table} is append-only: {verb} "
                           "refused'); END")
    op.execute(eventrows.VIEW_SQL[bind.dialect.name])
    if pg:
        # what docs/postgres-roles.sql grants on the log, granted on its new parts too
        op.execute("""DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_app') THEN
                REVOKE ALL ON TABLE events, terms FROM ledger_app;
                GRANT SELECT, INSERT ON TABLE events, terms TO ledger_app;
                GRANT SELECT ON TABLE event_log TO ledger_app;
                GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE spells TO ledger_app;
                GRANT USAGE, SELECT ON SEQUENCE spells_id_seq TO ledger_app;
            END IF; END $$""")


def _exact(row: dict) -> None:
    """A row must give its text back exactly from the compact form, or its digest would break."""
    from ledger import eventrows
    for column in ("date", "effective"):
        if eventrows.date_text(*eventrows.date_parts(row[column])) != row[column]:
            raise RuntimeError(f"event #{row['seq']}: its {column} {row[column]!r} is not in the "
                               "canonical form (YYYY, YYYY-MM or YYYY-MM-DD); the ledger cannot "
                               "be migrated without changing its digest")
    if row["eid"] is None or len(row["identity"]) != 64 or len(row["hash"]) != 64:
        raise RuntimeError(f"event #{row['seq']} is not a row this release wrote")


def downgrade() -> None:
    raise NotImplementedError("0005 stores events in a new form; restore a backup made before "
                              "the upgrade to go back")
