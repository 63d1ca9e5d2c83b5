"""Events indexed by (coalition, date) instead of by fact digest.

An append looks up the events that state the same facts as its own (to find duplicates and
disagreeing sources). Those share coalition and date, so an index on (coalition_id, date) finds them
as well as the index on the fact digest did; and where the digest index took every insert to a
random place (a million events: half the time of the insert), events of one coalition land next to
each other. Indexes only: no row is touched, so the append-only tables and the chain are as before.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_coalition_id_date", "events", ["coalition_id", "date"])
    op.drop_index("ix_events_fact", table_name="events")


def downgrade() -> None:
    op.create_index("ix_events_fact", "events", ["fact"])
    op.drop_index("ix_events_coalition_id_date", table_name="events")
