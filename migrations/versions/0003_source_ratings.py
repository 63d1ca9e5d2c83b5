"""Source ratings: the evidence tier of each source, as an append-only series.

A source's tier (depositary, official, scholarly, press, reference, weak) is evidence about the
source, and it can be revised: a copy once rated `press` may turn out to be a forum's. Sources are
never edited, so a rating is a row of its own; the latest one recorded for a source is its tier.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_ratings",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("original", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("recorded_at", sa.String(30), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source_ratings"),
    )
    op.create_index("ix_source_ratings_source_id", "source_ratings", ["source_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER source_ratings_append_only BEFORE UPDATE OR DELETE ON "
                   "source_ratings FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
        op.execute("CREATE TRIGGER source_ratings_no_truncate BEFORE TRUNCATE ON source_ratings "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER source_ratings_no_{verb.lower()} BEFORE {verb} ON "
                       f"source_ratings BEGIN SELECT RAISE(ABORT, 'ledger: source_ratings is "
                       f"append-only: {verb} refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS source_ratings_append_only ON source_ratings")
        op.execute("DROP TRIGGER IF EXISTS source_ratings_no_truncate ON source_ratings")
    op.drop_table("source_ratings")
