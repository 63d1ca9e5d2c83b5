#: The alembic revision this code expects; opening a ledger at another revision migrates it.
#: (Its own module so the fast read path can know it without importing SQLAlchemy.)
SCHEMA_REVISION = "0005"
