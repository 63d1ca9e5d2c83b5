"""Rebuilding whole coalitions' spells from the log, in worker processes when there is much to do.

Coalitions are independent of each other, and replaying them is pure Python work that one process
does on one core. For a big rebuild (a large import, `ledger rebuild`) this process reads each
coalition's events inside its own transaction (no other connection can see what it has not yet
committed) and hands them, a batch at a time, to worker processes that replay them into spell rows;
it writes the spells of one batch while the workers replay the next. Small rebuilds, the common
case of an append, stay in this process: starting workers costs more than they would save. Workers
are forked, so only on Linux; elsewhere every rebuild runs in this process.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain
from multiprocessing import get_context
from typing import Iterable, Iterator, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import projection, schema, store
from .effects import expand
from .evidence import Evidence
from .model import Coalition

PARALLEL_FROM = 50_000    # events to replay before worker processes are worth their start-up
BATCH = 20_000            # events handed to a worker at a time: bounds what is held in memory


def spell_rows(coalition: Coalition, rows: list[tuple], evidence: Evidence) -> list[tuple]:
    """A coalition's spells (as `projection.SPELL_COLUMNS` tuples) from its stored event rows."""
    events = [store.to_event(row) for row in rows]
    return projection.spell_tuples(coalition.id, projection.build(expand(coalition, events, evidence)))


def rebuild_coalitions(conn: Connection, coalitions: list[Coalition], evidence: Evidence) -> None:
    """Replace the spells of these coalitions with those replayed from their events."""
    read = ((coal, store.coalition_event_tuples(conn, coal.id)) for coal in coalitions)
    first, size = [], 0                 # read until it is clear whether workers are worth it
    for coal, rows in read:
        first.append((coal, rows))
        size += len(rows)
        if size >= PARALLEL_FROM:
            break
    workers = min(_cores(), 8) if sys.platform.startswith("linux") else 1
    if size < PARALLEL_FROM or len(coalitions) < 2 or workers < 2:
        for coal, rows in chain(first, read):
            projection.replace_coalition(conn, coal.id, spell_rows(coal, rows, evidence))
        return
    evidence = _all_evidence(conn)          # plain mappings that can travel to the workers
    # Forked, not spawned: a spawned worker re-imports the caller's main module, which a script
    # without an `if __name__ == "__main__"` guard cannot survive. The workers only replay the rows
    # they are handed and never touch this process's database connection.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_start_worker,
                             initargs=(os.getpid(), evidence)) as pool:
        waiting: list[tuple[str, Future]] = []
        for batch in _batches(chain(first, read)):
            submitted = [(c.id, pool.submit(_replay, c, rows)) for c, rows in batch]
            for cid, job in waiting:        # write one batch while the workers replay the next
                projection.replace_coalition(conn, cid, job.result())
            waiting = submitted
        for cid, job in waiting:
            projection.replace_coalition(conn, cid, job.result())


_evidence = Evidence()     # in a worker: the sources' publication dates and tiers


def _start_worker(parent: int, evidence: Evidence) -> None:
    """Run once in each worker. It is handed the sources' dates and tiers once (forked: not even copied
    until written), not with every coalition; and it leaves when the process that forked it is
    gone: it waits for its next batch on a pipe whose writing end it inherited too, so a killed
    parent (SIGKILL mid-import) would otherwise leave it waiting forever."""
    global _evidence
    _evidence = evidence

    def watch():
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _replay(coalition: Coalition, rows: list[tuple]) -> list[tuple]:
    return spell_rows(coalition, rows, _evidence)


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _batches(read: Iterable[tuple[Coalition, list]]) -> Iterator[list[tuple[Coalition, list]]]:
    batch, size = [], 0
    for coal, rows in read:
        batch.append((coal, rows))
        size += len(rows)
        if size >= BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _all_evidence(conn: Connection) -> Evidence:
    t = schema.sources
    return Evidence(dict(conn.execute(sa.select(t.c.id, t.c.published)).all()), store.tiers(conn))
