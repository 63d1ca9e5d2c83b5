"""Treaties side by side: their counts by years since each opened for signature (`ledger growth
--align opening`), so that a researcher can compare how fast each coalition grew.

Rule (README, "Commands"): row k of a treaty is its state on the k-th anniversary of the day it
opened for signature (`treaty.signature_open.from`, else the day it was adopted), k = 0 being that
day itself; a 29 February opening has its anniversaries on 28 February. The rows run to the last
anniversary on or before today, so a younger treaty has fewer rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Sequence

from .dates import add_months, parse_date
from .errors import InputError
from .model import Coalition

if TYPE_CHECKING:
    from .api import Ledger

ALIGNS = ("opening",)


@dataclass(frozen=True)
class AlignedPoint:
    coalition: str
    years: int              # whole years since the treaty opened for signature
    date: str               # that anniversary
    signed: int
    ratified: int
    parties: int
    withdrawn: int
    uncertain: int

    def to_dict(self) -> dict:
        return {"coalition": self.coalition, "years": self.years, "date": self.date,
                "signed": self.signed, "ratified": self.ratified, "parties": self.parties,
                "withdrawn": self.withdrawn, "uncertain": self.uncertain}


def opening(coal: Coalition) -> date:
    """The day the treaty opened for signature (else the day it was adopted)."""
    rules = coal.treaty or {}
    day = (rules.get("signature_open") or {}).get("from") or rules.get("adopted")
    if coal.kind != "treaty" or not day:
        raise InputError(f"'{coal.id}' is not a treaty with a day it opened for signature "
                         "(treaty.signature_open.from or treaty.adopted)", field="--coalition")
    return parse_date(day).lo


def aligned(ledger: "Ledger", coalitions: Sequence[str], align: str = "opening",
            today: date | None = None) -> list[AlignedPoint]:
    """Each treaty's counts on each anniversary of its opening, treaty by treaty."""
    if align not in ALIGNS:
        raise InputError(f"unknown alignment '{align}' (one of: {', '.join(ALIGNS)})",
                         field="--align")
    today = today or date.today()
    out: list[AlignedPoint] = []
    for name in coalitions:
        coal = ledger.coalition(name)
        start = opening(coal)
        k, day = 0, start
        while day <= today:
            result = ledger.asof(day, coal.id)
            c = result.counts or {}
            out.append(AlignedPoint(coal.id, k, day.isoformat(), c.get("signed", 0),
                                    c.get("ratified", 0), c.get("parties", 0),
                                    c.get("withdrawn", 0), result.uncertain))
            k += 1
            day = add_months(start, 12 * k)
    return out
