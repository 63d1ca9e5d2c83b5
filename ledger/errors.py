"""The library's one exception tree. The CLI turns LedgerError into `Error: ...` and exit 1.

    LedgerError
    ├── InputError          bad input: a file, line and field are named where known
    │   ├── InputErrors     several of them in one file, all reported (up to 50)
    │   ├── DateError       a date that is malformed or impossible
    │   └── UnknownIdError  an unknown coalition, actor, source or event (with "did you mean")
    ├── ConflictError       a record that contradicts one already in the ledger, or a stale --expect-head
    ├── IntegrityError      the hash chain does not verify
    └── DatabaseError       the database cannot be reached or used
"""
from __future__ import annotations


SHOWN = 60      # characters of a refused value quoted in a message


def shown(value: object) -> str:
    """A value as a message quotes it: its repr, cut to a short prefix (a refused value may be a
    megabyte of text, or an alias bomb)."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


class LedgerError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(LedgerError):
    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None):
        self.message, self.file, self.line, self.field = message, file, line, field
        super().__init__(str(self))

    def located(self, file: str | None = None, line: int | None = None,
                field: str | None = None) -> "InputError":
        """Fill in location details the raiser did not know."""
        self.file = self.file or file
        self.line = self.line or line
        self.field = self.field or field
        self.args = (str(self),)
        return self

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        field = f"field '{self.field}': " if self.field else ""
        return f"{where}{field}{self.message}"


class InputErrors(InputError):
    """Several errors in one file (up to `ingest.MAX_ERRORS`), each with its file, line and field:
    a file is checked to the end so that all its mistakes can be mended at once. It reads as its
    first error, then the others, one a line; `line` and `field` are the first error's."""

    def __init__(self, errors: list, file: str | None = None, more: bool = False):
        self.errors, self.more = list(errors), more
        first = self.errors[0]
        super().__init__(getattr(first, "message", str(first)), file=getattr(first, "file", file),
                         line=getattr(first, "line", None), field=getattr(first, "field", None))

    def __str__(self) -> str:
        rest = self.errors[1:]
        tail = (f"\n{len(rest)} more error(s){' (checking stopped there)' if self.more else ''}, "
                "and nothing was appended:" + "".join(f"\n  {e}" for e in rest))
        return str(self.errors[0]) + tail

    def refresh(self) -> None:
        self.__init__(self.errors, self.file, self.more)


class DateError(InputError):
    pass


class UnknownIdError(InputError):
    pass


class ConflictError(LedgerError):
    pass


class IntegrityError(LedgerError):
    pass


class DatabaseError(LedgerError):
    pass
