"""Statements straight to the driver, built from the schema's own names: the hot paths of bulk
appends and reads, where SQLAlchemy's per-row parameter processing would cost more than the work.
The lowest layer: it imports nothing of the ledger but the schema."""
from __future__ import annotations

from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

COPY_FROM = 50      # rows from which PostgreSQL gets them by COPY


def insert_rows(conn: Connection, table: sa.Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Many rows in one driver call. Bulk appends spend most of their time here, and SQLAlchemy's
    per-row parameter processing would double it; the statement is still built from the schema."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        # COPY streams the rows in one statement: several times faster than executemany's
        # statement per row, in the same transaction (so still all or nothing)
        cur = conn.connection.driver_connection.cursor()
        with cur.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) "
                         f"VALUES ({marks(conn, len(columns))})", rows)


def select_in(conn: Connection, sql: str, values: list, fixed: tuple = ()) -> Iterator[tuple]:
    """Rows of `sql`, whose "{}" is an IN list, for every value, 500 at a time, through the driver
    (SQLAlchemy's expanding IN costs more than the index lookups themselves)."""
    for i in range(0, len(values), 500):
        chunk = values[i:i + 500]
        yield from conn.exec_driver_sql(sql.format(marks(conn, len(chunk))),
                                        fixed + tuple(chunk))


def marks(conn: Connection, n: int) -> str:
    """n positional parameter markers in the driver's style (sqlite3: ?, psycopg: %s)."""
    return ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * n)
