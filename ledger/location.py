"""Where the default ledger lives, and whether an SQLite ledger can be written (kept free of heavy
imports: the fast read path uses it)."""
from __future__ import annotations

import os

from .errors import DatabaseError


def data_dir() -> str:
    """The folder of the default ledger: $XDG_DATA_HOME/coalition-ledger, else the platform's."""
    base = os.environ.get("XDG_DATA_HOME")
    if base:
        return os.path.join(base, "coalition-ledger")
    from platformdirs import user_data_dir
    return user_data_dir("coalition-ledger")


def default_url() -> str:
    folder = data_dir()
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the ledger's data directory {folder}: {exc.strerror}. Make its parent "
            "writable, set XDG_DATA_HOME to a directory you can write, or pass --database URL "
            "(or set LEDGER_DATABASE_URL)") from None
    return "sqlite:///" + os.path.join(folder, "ledger.sqlite")


def sqlite_file(url: str) -> str | None:
    """The file of an SQLite URL (None: another database, or in memory)."""
    prefix = "sqlite:///"
    if not str(url).startswith(prefix):
        return None
    path = str(url)[len(prefix):].split("?", 1)[0]
    return path if path and path != ":memory:" else None


def read_only_reason(path: str) -> str | None:
    """Why an SQLite ledger file cannot be written (None: it can, or it can be created)."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return f"the file {path} is read-only"
    if os.path.isdir(folder) and not os.access(folder, os.W_OK):
        # SQLite writes a journal (and in WAL mode its -wal and -shm files) beside the ledger
        return f"its directory {folder} cannot be written"
    return None


def read_only_uri(path: str) -> str:
    """An sqlite3 URI that reads the file without writing anything beside it. In a directory that
    cannot be written nobody can add a journal either, so the file is opened as immutable (the
    only way SQLite reads a WAL ledger without creating its -shm file)."""
    from urllib.parse import quote
    folder = os.path.dirname(os.path.abspath(path))
    frozen = "&immutable=1" if not os.access(folder, os.W_OK) else ""
    return f"file:{quote(os.path.abspath(path))}?mode=ro{frozen}"
