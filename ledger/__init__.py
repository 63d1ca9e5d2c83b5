"""coalition-ledger: a temporal, event-sourced ledger of coalition membership.

The public names are loaded on first use, so that a command that does not need the database layer
(the fast read path of `ledger asof`) does not pay for importing it.
"""
import os as _os
from importlib import import_module

__version__ = "0.1.0"

# In a source checkout (run from its root, where `ledger/` shadows the installed package),
# `cli/`, `migrations/` and `events/` sit beside `ledger/`: let `ledger.cli` etc. find them there,
# as the installed package's mapping does.
_root = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
if _os.path.isfile(_os.path.join(_root, "pyproject.toml")) and \
        not _os.path.isdir(_os.path.join(_os.path.dirname(__file__), "cli")):
    __path__.append(_root)  # noqa: F821  (a package's own __path__)

_HOMES = {
    "Ledger": "api", "FuzzyDate": "dates", "parse_date": "dates",
    "LedgerError": "errors", "InputError": "errors", "DateError": "errors",
    "UnknownIdError": "errors", "ConflictError": "errors", "IntegrityError": "errors",
    "DatabaseError": "errors", "Summary": "ingest", "EVENT_TYPES": "model", "Actor": "model",
    "Citation": "model", "Coalition": "model", "Event": "model", "Source": "model",
    "AsOf": "results", "Change": "results", "Diff": "results", "GrowthPoint": "results",
    "Member": "results", "Problem": "results", "ReplayRow": "results", "Spell": "results",
    "Verification": "results",
}

__all__ = [*_HOMES, "__version__"]


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ledger' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
