"""Text that is safe to show or to open: on a terminal (no control characters a terminal would
obey or reorder) and in a spreadsheet (no cell it would run as a formula). Its own module, with
nothing of the ledger below it, so the command line's fast answers need not import the exports."""
from __future__ import annotations

import json
import re

# C0 and C1 controls but tab and newline, and the bidirectional overrides and isolates: what a
# terminal would obey (an escape sequence in a name drives it) or reorder, rather than show
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def json_text(value, indent: int | None = None) -> str:
    """JSON as the ledger writes it, UTF-8 text but with CONTROL characters as \\u escapes: the
    same value when read, safe to show on a terminal."""
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}",
                       json.dumps(value, ensure_ascii=False, indent=indent))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A CSV cell a spreadsheet will not run: one starting like a formula (=, +, -, @, tab,
    carriage return) gets a leading apostrophe, as OWASP advises against CSV injection."""
    return "'" + text if text.startswith(FORMULA_START) else text
