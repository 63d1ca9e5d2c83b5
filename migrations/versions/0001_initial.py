"""The initial ledger: reference tables, the append-only event log, the spells projection.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("events", "sources")


def upgrade() -> None:
    op.create_table(
        "coalitions",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("model", sa.String(20)),
        sa.Column("lead", sa.Text, nullable=False),
        sa.Column("start", sa.String(10)),
        sa.Column("end", sa.String(10)),
        sa.Column("description", sa.Text),
        sa.Column("treaty", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_coalitions"),
    )
    op.create_table(
        "actors",
        sa.Column("id", sa.String(100)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actors"),
    )
    op.create_table(
        "aliases",
        sa.Column("namespace", sa.String(10)),
        sa.Column("alias", sa.String(200)),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("display", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("namespace", "alias", name="pk_aliases"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(200)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("publisher", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("accessed", sa.String(10)),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, autoincrement=False),
        sa.Column("eid", sa.String(200), nullable=False),
        sa.Column("identity", sa.String(64), nullable=False),
        sa.Column("fact", sa.String(64), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("coalition_id", sa.String(100), nullable=False),
        sa.Column("actor_id", sa.String(100)),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("effective", sa.String(10)),
        sa.Column("date_lo", sa.String(10), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_at", sa.String(30), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
        sa.UniqueConstraint("eid", name="uq_events_eid"),
        sa.UniqueConstraint("identity", name="uq_events_identity"),
    )
    op.create_index("ix_events_coalition_id_seq", "events", ["coalition_id", "seq"])
    op.create_index("ix_events_actor_id", "events", ["actor_id"])
    op.create_index("ix_events_fact", "events", ["fact"])
    op.create_table(
        "spells",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("coalition_id", sa.String(100), nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=False),
        sa.Column("valid_from", sa.String(10), nullable=False),
        sa.Column("valid_to", sa.String(10)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("troops", sa.Integer),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_spells"),
    )
    op.create_index("ix_spells_coalition_id_valid_from", "spells", ["coalition_id", "valid_from"])
    op.create_index("ix_spells_actor_id", "spells", ["actor_id"])
    op.create_table(
        "ledger_meta",
        sa.Column("key", sa.String(50)),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_ledger_meta"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """The database itself refuses to rewrite history, whatever client talks to it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'ledger: % is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END $$""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, 'ledger: {table} is append-only: {verb} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")
    for table in ("ledger_meta", "spells", "events", "sources", "aliases", "actors", "coalitions"):
        op.drop_table(table)
