"""Where the default ledger lives (kept free of heavy imports: the fast read path uses it)."""
from __future__ import annotations

import os


def default_url() -> str:
    base = os.environ.get("XDG_DATA_HOME")
    if base:
        folder = os.path.join(base, "coalition-ledger")
    else:
        from platformdirs import user_data_dir
        folder = user_data_dir("coalition-ledger")
    os.makedirs(folder, exist_ok=True)
    return "sqlite:///" + os.path.join(folder, "ledger.sqlite")
