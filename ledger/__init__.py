"""coalition-ledger: a temporal, event-sourced ledger of coalition membership."""
from .api import Ledger
from .dates import FuzzyDate, parse_date
from .errors import (ConflictError, DatabaseError, DateError, InputError, IntegrityError,
                     LedgerError, UnknownIdError)
from .ingest import Summary
from .model import EVENT_TYPES, Actor, Citation, Coalition, Event, Source
from .results import AsOf, Change, Diff, GrowthPoint, Member, Problem, ReplayRow, Spell, Verification

__version__ = "0.1.0"

__all__ = [
    "Ledger", "FuzzyDate", "parse_date", "LedgerError", "InputError", "DateError", "UnknownIdError",
    "ConflictError", "IntegrityError", "DatabaseError", "Summary", "EVENT_TYPES", "Actor", "Citation",
    "Coalition", "Event", "Source", "AsOf", "Change", "Diff", "GrowthPoint", "Member", "Problem",
    "ReplayRow", "Spell", "Verification", "__version__",
]
