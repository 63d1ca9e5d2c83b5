"""Schema only through migrations: the models and the migrations agree, and the code knows the head."""
import pytest
import sqlalchemy as sa
from alembic.command import check
from alembic.config import Config
from alembic.script import ScriptDirectory
from importlib.resources import files

import ledger
from ledger import Ledger, schema, store


def config(url):
    cfg = Config()
    cfg.set_main_option("script_location", str(files("ledger.migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def test_models_and_migrations_do_not_drift(db_url):
    Ledger.open(db_url, bundled_data=False).close()
    engine = store.make_engine(db_url)
    with engine.begin() as conn:
        cfg = config(db_url)
        cfg.attributes["connection"] = conn
        check(cfg)          # raises if autogenerate would find a difference


def test_code_expects_the_head_revision():
    head = ScriptDirectory.from_config(config("sqlite://")).get_current_head()
    assert schema.SCHEMA_REVISION == head


def test_public_api_is_pinned():
    assert sorted(ledger.__all__) == sorted([
        "Ledger", "FuzzyDate", "parse_date", "LedgerError", "InputError", "DateError",
        "UnknownIdError", "ConflictError", "IntegrityError", "DatabaseError", "Summary",
        "EVENT_TYPES", "Actor", "Citation", "Coalition", "Event", "Source", "AsOf", "Change", "Diff",
        "GrowthPoint", "Member", "Problem", "ReplayRow", "Spell", "Verification", "__version__"])


def test_database_refuses_to_rewrite_events(ledger):
    from conftest import data
    ledger.import_file(data("iraq-sample.yaml"))
    for statement in ("UPDATE events SET note = 'x'", "DELETE FROM events",
                      "UPDATE sources SET title = 'x'", "DELETE FROM sources"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with ledger.engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert ledger.verify().ok and ledger.verify().events == 7
