"""The ledger's one clock."""
from __future__ import annotations

from .dates import format_instant


def now() -> str:
    """The ledger's one clock (UTC); tests freeze it with freezegun."""
    import pendulum
    return format_instant(pendulum.now("UTC"))
