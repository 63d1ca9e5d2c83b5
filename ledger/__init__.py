"""coalition-ledger: a temporal, event-sourced ledger of coalition membership.

The public names are loaded on first use, so that a command that does not need the database layer
(the fast read path of `ledger asof`) does not pay for importing it.
"""
from importlib import import_module

__version__ = "0.1.0"

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
