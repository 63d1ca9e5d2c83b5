"""Where the default ledger lives (kept free of heavy imports: the fast read path uses it)."""
from __future__ import annotations

import os


def data_dir() -> str:
    """The folder of the default ledger: $XDG_DATA_HOME/coalition-ledger, else the platform's."""
    base = os.environ.get("XDG_DATA_HOME")
    if base:
        return os.path.join(base, "coalition-ledger")
    from platformdirs import user_data_dir
    return user_data_dir("coalition-ledger")


def default_url() -> str:
    folder = data_dir()
    os.makedirs(folder, exist_ok=True)
    return "sqlite:///" + os.path.join(folder, "ledger.sqlite")
