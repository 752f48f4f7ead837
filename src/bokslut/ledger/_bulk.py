"""Bulk writes of vouchers and rows, the import's hot path, without per-row ORM objects.

SQLite gets ``executemany`` on the raw connection; PostgreSQL gets ``COPY … FROM STDIN``
through psycopg 3. Voucher ids are allocated up front (from the sequence, or past the
highest id under SQLite's write lock) so that rows can name their voucher without a
round trip per voucher.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connections

from bokslut.ledger.models import Voucher, VoucherRow

#: id, year_id, series, number, number_sort, date, text, registered, signature,
#: content_hash, source_id (dates as ISO text or None).
VoucherTuple = tuple[int, int, str, str, int | None, str | None, str, str | None, str, str, int]
#: voucher_id, year_id, position, kind, account, amount_ore, object_list, date,
#: booking_date, text, quantity (text or None), signature, source_id.
RowTuple = tuple[
    int, int, int, str, str, int, str, str | None, str | None, str, str | None, str, int
]

_VOUCHER_COLUMNS = (
    "id",
    "year",
    "series",
    "number",
    "number_sort",
    "date",
    "text",
    "registered",
    "signature",
    "content_hash",
    "source",
)
_ROW_COLUMNS = (
    "voucher",
    "year",
    "position",
    "kind",
    "account",
    "amount_ore",
    "object_list",
    "date",
    "booking_date",
    "text",
    "quantity",
    "signature",
    "source",
)
_DELETE_BATCH = 500


def columns_of(model: Any, names: Sequence[str]) -> list[str]:
    """The database columns of ``model``'s fields ``names``."""
    return [model._meta.get_field(name).column for name in names]


def allocate_sqlite_ids(connection: Any, table: str) -> int:
    """The first id past every id ``table`` has ever used (SQLite, inside a write transaction).

    SQLite: BEGIN IMMEDIATE (settings) holds the write lock, so nobody else can take ids
    from here on until the transaction ends; AUTOINCREMENT's high-water mark is respected.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")  # noqa: S608
        highest = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        seq = cursor.fetchone()
        if seq is not None:
            highest = max(highest, int(seq[0]))
    return highest + 1


def _batched(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class BulkWriter:
    """Bulk operations on the voucher tables, inside the caller's transaction."""

    def __init__(self, using: str = "default") -> None:
        self.connection = connections[using]
        self.vendor: str = self.connection.vendor
        self.voucher_table: str = Voucher._meta.db_table
        self.row_table: str = VoucherRow._meta.db_table
        self._voucher_columns = columns_of(Voucher, _VOUCHER_COLUMNS)
        self._row_columns = columns_of(VoucherRow, _ROW_COLUMNS)

    def allocate_voucher_ids(self, count: int) -> list[int]:
        """``count`` fresh voucher ids, reserved for this transaction."""
        if count == 0:
            return []
        if self.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.voucher_table, count],
                )
                return [row[0] for row in cursor.fetchall()]
        first = allocate_sqlite_ids(self.connection, self.voucher_table)
        return list(range(first, first + count))

    def insert_vouchers(self, vouchers: Iterable[VoucherTuple]) -> None:
        """Insert voucher headers with their pre-allocated ids."""
        self._insert(self.voucher_table, self._voucher_columns, vouchers)

    def insert_rows(self, rows: Iterable[RowTuple]) -> int:
        """Insert voucher rows; returns how many."""
        return self._insert(self.row_table, self._row_columns, rows)

    def update_vouchers(self, vouchers: Iterable[VoucherTuple]) -> None:
        """Rewrite the header fields of existing vouchers (same id, year, series, number)."""
        qn = self.connection.ops.quote_name
        cols = self._voucher_columns
        # Skip id, year, series, number: they are the identity and do not change.
        assignments = ", ".join(f"{qn(c)} = %s" for c in cols[4:])
        sql = f"UPDATE {qn(self.voucher_table)} SET {assignments} WHERE {qn(cols[0])} = %s"  # noqa: S608
        params = [(*v[4:], v[0]) for v in vouchers]
        if params:
            with self.connection.cursor() as cursor:
                cursor.executemany(sql, params)

    def delete_rows_of(self, voucher_ids: Sequence[int]) -> None:
        """Delete every row of the given vouchers."""
        self._delete(self.row_table, self._row_columns[0], voucher_ids)

    def delete_vouchers(self, voucher_ids: Sequence[int]) -> None:
        """Delete vouchers and their rows (rows first: the FK is not cascaded in SQL)."""
        self.delete_rows_of(voucher_ids)
        self._delete(self.voucher_table, "id", voucher_ids)

    def _delete(self, table: str, column: str, ids: Sequence[int]) -> None:
        qn = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for batch in _batched(ids, _DELETE_BATCH):
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"DELETE FROM {qn(table)} WHERE {qn(column)} IN ({marks})",  # noqa: S608
                    batch,
                )

    def _insert(self, table: str, columns: Sequence[str], tuples: Iterable[Sequence[Any]]) -> int:
        qn = self.connection.ops.quote_name
        column_list = ", ".join(qn(c) for c in columns)
        count = 0
        self.connection.ensure_connection()
        if self.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                copy_sql = f"COPY {qn(table)} ({column_list}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for values in tuples:
                        copy.write_row(values)
                        count += 1
            return count
        # A bigger page cache keeps the row indexes' B-trees in memory during a bulk
        # insert (SQLite's default is 2 MB); it only lasts for this connection.
        self.connection.connection.execute("PRAGMA cache_size = -262144")
        marks = ", ".join(["?"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({column_list}) VALUES ({marks})"  # noqa: S608

        def counted() -> Iterable[Sequence[Any]]:
            nonlocal count
            for values in tuples:
                count += 1
                yield values

        # One executemany over the whole stream: sqlite3 steps the prepared statement
        # once per row without building batches in Python.
        self.connection.connection.executemany(sql, counted())
        return count
