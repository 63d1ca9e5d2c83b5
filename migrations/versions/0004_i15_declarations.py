"""The declarations chain: actors, aliases, coalitions (with their rules), sources and ratings made
tamper-evident like the events (ledger/declarations.py).

A new append-only table records, for every row of those five tables, the digest of its content
chained to the one before; the rows already there are declared now, in key order. Events get a
column for the declarations head they stand on; existing events keep NULL there, so their digests,
and the head of an existing ledger, do not change.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "declarations",
        sa.Column("seq", sa.Integer, autoincrement=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(320), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(30), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_declarations"),
        sa.UniqueConstraint("kind", "key", name="uq_declarations_kind_key"),
    )
    op.add_column("events", sa.Column("declared", sa.String(64)))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE TRIGGER declarations_append_only BEFORE UPDATE OR DELETE ON "
                   "declarations FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
        op.execute("CREATE TRIGGER declarations_no_truncate BEFORE TRUNCATE ON declarations "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER declarations_no_{verb.lower()} BEFORE {verb} ON "
                       f"declarations BEGIN SELECT RAISE(ABORT, 'ledger: declarations is "
                       f"append-only: {verb} refused'); END")
    from ledger.api import now
    from ledger.declarations import backfill
    backfill(bind, now())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS declarations_append_only ON declarations")
        op.execute("DROP TRIGGER IF EXISTS declarations_no_truncate ON declarations")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("declared")
    op.drop_table("declarations")
