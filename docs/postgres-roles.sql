-- coalition-ledger on PostgreSQL: an application role that can append but never rewrite history.
--
-- Run this as the role that owns the ledger's tables (the one that ran `ledger db upgrade`),
-- connected to the ledger's database with the ledger's schema first on the search_path:
--
--     ledger --database postgresql+psycopg://owner@host/ledger db upgrade
--     psql "postgresql://owner@host/ledger" -f docs/postgres-roles.sql
--
-- then give everyone else a URL that logs in as ledger_app:
--
--     export LEDGER_DATABASE_URL=postgresql+psycopg://ledger_app:SECRET@host/ledger
--
-- It is safe to run again, and should be run again after every `ledger db upgrade` (a new
-- migration may add tables). ledger_app cannot migrate the schema: the owner does that.
--
-- The append-only triggers on events, sources, source_ratings and declarations refuse UPDATE, DELETE and TRUNCATE for every
-- role, owner included; these grants add a second wall: ledger_app is not even allowed to try.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ledger_app') THEN
        CREATE ROLE ledger_app LOGIN;
    END IF;
END $$;
-- ALTER ROLE ledger_app PASSWORD 'choose-a-secret';   -- unless you authenticate otherwise

-- The schema that holds the ledger (the first one on the search_path, usually "public").
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ledger_app', current_schema());
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM ledger_app', current_schema());
END $$;

-- The log and the sources it cites: read and append, nothing else.
REVOKE ALL ON TABLE events, sources FROM ledger_app;
GRANT SELECT, INSERT ON TABLE events, sources TO ledger_app;
DO $$
BEGIN
    IF to_regclass('source_ratings') IS NOT NULL THEN       -- from schema revision 0003
        REVOKE ALL ON TABLE source_ratings FROM ledger_app;
        GRANT SELECT, INSERT ON TABLE source_ratings TO ledger_app;
    END IF;
    IF to_regclass('declarations') IS NOT NULL THEN         -- from schema revision 0004
        REVOKE ALL ON TABLE declarations FROM ledger_app;
        GRANT SELECT, INSERT ON TABLE declarations TO ledger_app;
    END IF;
    IF to_regclass('terms') IS NOT NULL THEN                -- from schema revision 0005
        REVOKE ALL ON TABLE terms FROM ledger_app;
        GRANT SELECT, INSERT ON TABLE terms TO ledger_app;
        GRANT SELECT ON TABLE event_log TO ledger_app;
    END IF;
END $$;

-- Reference tables, the spells projection (rebuilt on every append) and the ledger's own notes.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE coalitions, actors, aliases, spells, ledger_meta
    TO ledger_app;
DO $$
BEGIN
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO ledger_app',
                   current_schema());
END $$;

-- The schema version: read on every start, written only by migrations (run by the owner).
GRANT SELECT ON TABLE alembic_version TO ledger_app;
