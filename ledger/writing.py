"""Writing to a ledger: each import or append one transaction, checked against the head the caller
saw, whose touched coalitions' spells are rebuilt in it (on a dry run, compared and rolled back);
and rebuilding every coalition's spells."""
from __future__ import annotations

from typing import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import projection, reading, rebuilding, schema, store
from .catalog import Catalog
from .clock import now
from .effects import expand
from .errors import ConflictError
from .files import Record
from .ingest import Summary, ingest


class _Rollback(Exception):
    pass


def ingest_records(engine: Engine, catalog: Catalog, records: Iterable[Record], summary: Summary,
                   expect_head: str | None, progress: Callable[[int], None] | None) -> Summary:
    catalog.forget()
    try:
        with store.writing(engine) as conn:
            if expect_head is not None:
                _, head = store.head(conn)
                if head != expect_head:
                    raise ConflictError(f"the ledger's head is {head[:16]}…, not "
                                        f"{expect_head[:16]}…: someone appended since you looked")
            ingest(conn, records, summary, now(), progress)
            if summary.rated:
                # a new tier can change which claim wins wherever the source is cited
                summary.coalitions |= store.citing(conn, summary.rated)
                for cid in summary.coalitions:
                    summary.actors[cid] = None
            touched = sorted(summary.coalitions)
            if summary.dry_run:
                before = {c: _spell_set(conn, c) for c in touched}
            rebuild_spells(conn, catalog, touched, summary.actors)
            if summary.dry_run:
                summary.changes = {c: _spell_changes(before[c], _spell_set(conn, c))
                                   for c in touched}
                raise _Rollback
    except _Rollback:
        pass
    finally:
        catalog.forget()      # what the transaction cached may have been rolled back
    return summary


def ensure_projection(engine: Engine, catalog: Catalog) -> None:
    """Rebuild spells stored in an earlier form (projection.FORMAT)."""
    with store.reading(engine) as conn:
        if store.get_meta(conn, "projection_format") == projection.FORMAT:
            return
    rebuild(engine, catalog)


def rebuild(engine: Engine, catalog: Catalog) -> int:
    catalog.forget()
    with store.writing(engine) as conn:
        ids = [r[0] for r in conn.execute(sa.select(schema.coalitions.c.id))]
        # all at once: deleting a million spells coalition by coalition costs more than replaying
        conn.execute(schema.spells.delete())
        rebuild_spells(conn, catalog, ids)
        store.set_meta(conn, "projection_format", projection.FORMAT)
        return conn.execute(sa.select(sa.func.count()).select_from(schema.spells)).scalar()


def rebuild_spells(conn: Connection, catalog: Catalog, coalitions: list[str],
                   actors: dict | None = None) -> None:
    """Rebuild the spells of these coalitions. Where `actors` names the only actors a
    coalition's new events are about, only their spells are rebuilt: outside a treaty an
    actor's spells depend on its own events and the coalition-level ones alone."""
    if not coalitions:
        return
    evidence = reading.evidence(conn)
    whole = []
    for cid in coalitions:
        coal = catalog.coalition(conn, cid)
        who = (actors or {}).get(cid)
        if who and coal.kind != "treaty":
            events = [store.to_event(r) for r in store.event_rows(conn, coalition=cid, actors=who)]
            rows = projection.build(expand(coal, events, evidence))
            projection.replace_actors(conn, cid, who, rows)
        else:
            whole.append(coal)
    rebuilding.rebuild_coalitions(conn, whole, evidence)
    seq, _ = store.head(conn)
    store.set_meta(conn, "projection_seq", str(seq))


def _spell_set(conn: Connection, cid: str) -> set:
    return {(a, f, t, rec["status"], rec["troops"])
            for a, f, t, rec in projection.coalition_spells(conn, cid)}


def _spell_changes(before: set, after: set) -> dict:
    fmt = lambda s: {"actor": s[0], "from": s[1], "to": s[2], "status": s[3], "troops": s[4]}
    return {"added": [fmt(s) for s in sorted(after - before, key=str)],
            "removed": [fmt(s) for s in sorted(before - after, key=str)]}
