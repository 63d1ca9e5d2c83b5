"""The bundled, source-cited event files shipped in `ledger.events`."""
from __future__ import annotations

import hashlib
from importlib.resources import as_file, files
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:     # the fast read path (fastread.py) reads this module without sqlalchemy
    from sqlalchemy.engine import Engine

FIRST = "actors.yaml"     # every other file refers to the actors it declares


def paths() -> list:
    """The bundled files, actors first, then by name without the extension. Released files are
    never edited, so later evidence for a coalition comes in files named after the file that
    declares it: `iraq-2003.crs.yaml` loads after `iraq-2003.yaml`, whose sources it may cite."""
    folder = files("ledger.events")
    found = [p for p in folder.iterdir() if p.name.endswith((".yaml", ".jsonl", ".csv"))]
    return sorted(found, key=lambda p: (p.name != FIRST, p.name.rsplit(".", 1)[0]))


def fingerprint() -> str:
    h = hashlib.sha256()
    for p in paths():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


DECLINED = "declined"      # the `bundle` mark of a ledger started without the bundled events


def declined(engine: "Engine") -> bool:
    from . import store
    with store.reading(engine) as conn:
        return store.get_meta(conn, "bundle") == DECLINED


def decline(engine: "Engine") -> None:
    """A ledger started without the bundled events (nothing loaded yet) stays without them: later
    commands that do not ask for them do not append them behind the user's back."""
    from . import store
    with store.writing(engine) as conn:
        if store.get_meta(conn, "bundle") is None and store.head(conn)[0] == 0:
            store.set_meta(conn, "bundle", DECLINED)


def sync_states(engine: "Engine", import_file: Callable[[str], object]) -> list:
    """Declare the built-in states (`actors.yaml`: declarations, no events) unless this exact file
    is in already: a ledger opened without the bundled events still knows `esp` and its codes."""
    from . import store
    first = paths()[0]
    mark = hashlib.sha256(first.read_bytes()).hexdigest()
    with store.reading(engine) as conn:
        if store.get_meta(conn, "states") == mark:
            return []
    with as_file(first) as real:
        summary = import_file(str(real))
    with store.writing(engine) as conn:
        store.set_meta(conn, "states", mark)
    return [summary]


def sync(engine: "Engine", import_file: Callable[[str], object]) -> list:
    """Import the bundled files unless this exact bundle is already in: appends are idempotent,
    so a newer bundle adds only what is new."""
    from . import store
    mark = fingerprint()
    with store.reading(engine) as conn:
        if store.get_meta(conn, "bundle") == mark:
            return []
    summaries = []
    for p in paths():
        with as_file(p) as real:
            summaries.append(import_file(str(real)))
    with store.writing(engine) as conn:
        store.set_meta(conn, "bundle", mark)
    return summaries
