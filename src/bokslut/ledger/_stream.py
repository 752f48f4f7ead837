"""Writing a new year's vouchers while the file is still being read (the import's fast path).

A year that does not exist yet in the ledger has no vouchers to compare with: every
voucher of it is new. So instead of spooling such a year's vouchers and writing them
after the whole file has been validated, the importer opens the year's transaction as
soon as its first voucher arrives and hands over vouchers in batches; the transaction
commits only if the whole file turns out valid, and rolls back otherwise (nothing of a
broken file is kept). The year's chart and balances are written at the end, in the same
transaction, so the year still lands in one transaction.

The batch writers avoid per-row Python objects: on SQLite a batch is one JSON text that
``json_each`` expands into voucher and row inserts inside SQLite (one statement per
table and batch, with the GIL released for all of it); on PostgreSQL it is ``COPY``.
Per-account movement totals are kept as the rows go by (see :mod:`._movements`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from django.db import connections

from bokslut.ledger import models as m
from bokslut.ledger._bulk import allocate_sqlite_ids, columns_of
from bokslut.ledger._movements import MovementTotals
from bokslut.ledger._runner import TransactionRunner
from bokslut.ledger.codec import EncodedVoucher

__all__ = ["BATCH_VOUCHERS", "NewVoucherWriter", "YearStream"]

#: Vouchers per batch: large enough that per-statement costs vanish, small enough that
#: the writer starts early and a batch's JSON stays a few megabytes.
BATCH_VOUCHERS = 8000

_VOUCHER_FIELDS = (
    "series",
    "number",
    "number_sort",
    "date",
    "text",
    "registered",
    "signature",
    "content_hash",
)
_ROW_FIELDS = (
    "kind",
    "account",
    "amount_ore",
    "object_list",
    "date",
    "booking_date",
    "text",
    "quantity",
    "signature",
)


def _json_item(array: str, index: int) -> str:
    """SQL for element ``index`` of a JSON array as an SQL value (text, integer or NULL)."""
    # ->> needs SQLite 3.38; json_extract() gives the same values for scalars.
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"{array} ->> {index}"
    return f"json_extract({array}, '$[{index}]')"


class NewVoucherWriter:
    """Inserts batches of new vouchers (with their rows) into one year; runs on the writer.

    Created inside the year's transaction, on the connection that writes it.
    """

    def __init__(self, *, year_id: int, source_id: int, using: str = "default") -> None:
        self.connection = connections[using]
        self.connection.ensure_connection()
        self.year_id = year_id
        self.source_id = source_id
        self.vouchers = 0
        self.rows = 0
        self.movements = MovementTotals()
        qn = self.connection.ops.quote_name
        voucher_table = qn(m.Voucher._meta.db_table)
        row_table = qn(m.VoucherRow._meta.db_table)
        v_cols = columns_of(m.Voucher, ("id", "year", *_VOUCHER_FIELDS, "source"))
        r_cols = columns_of(m.VoucherRow, ("voucher", "year", "position", *_ROW_FIELDS, "source"))
        self._voucher_columns = ", ".join(qn(c) for c in v_cols)
        self._row_columns = ", ".join(qn(c) for c in r_cols)
        self._write: Callable[[Any], None]
        self._sqlite = self.connection.vendor == "sqlite"
        if self._sqlite:
            self._prepare_sqlite(voucher_table, row_table)
            self._write = self._write_sqlite
        elif self.connection.vendor == "postgresql":
            self._voucher_table, self._row_table = voucher_table, row_table
            self._write = self._write_postgresql
        else:  # pragma: no cover -- the project supports SQLite and PostgreSQL
            raise NotImplementedError(self.connection.vendor)

    def prepare(self, batch: list[EncodedVoucher]) -> Any:
        """Count ``batch`` in and turn it into what :meth:`write_prepared` sends.

        Pure Python, no database: the reading thread calls it, so that the writer thread
        spends its time in the database with the GIL released (SQLite), or in COPY.
        """
        self.vouchers += len(batch)
        movements = self.movements
        for voucher in batch:
            rows = voucher[8]
            self.rows += len(rows)
            movements.add_rows(rows)
        if not self._sqlite:
            return batch
        payload = json.dumps(
            ([v[:8] for v in batch], [v[8] for v in batch]),
            separators=(",", ":"),
            check_circular=False,
        )
        return len(batch), payload

    def write_prepared(self, prepared: Any) -> None:
        """Insert a batch that :meth:`prepare` made (on the writing connection)."""
        self._write(prepared)

    def write(self, batch: list[EncodedVoucher]) -> None:
        """Count and insert ``batch`` in one go."""
        self.write_prepared(self.prepare(batch))

    # -- SQLite: one JSON text per batch, expanded by json_each ----------------------------

    def _prepare_sqlite(self, voucher_table: str, row_table: str) -> None:
        raw = self.connection.connection
        # A bigger page cache keeps the row indexes' B-trees in memory during the bulk
        # insert (SQLite's default is 2 MB); it only lasts for this connection.
        raw.execute("PRAGMA cache_size = -262144")
        self._next_id = allocate_sqlite_ids(self.connection, m.Voucher._meta.db_table)
        # ?1 first id of the batch, ?2 year, ?3 source, ?4 the batch as JSON:
        # [[header, …], [[row, …], …]], the vouchers' headers and their rows apart, so
        # that SQLite parses each small array once instead of a whole voucher per field.
        # Ids follow the array index: SQLite's write lock is ours until the commit.
        header = ", ".join(_json_item("v.value", i) for i in range(len(_VOUCHER_FIELDS)))
        self._voucher_sql = (
            f"INSERT INTO {voucher_table} ({self._voucher_columns}) "  # noqa: S608
            f"SELECT ?1 + v.key, ?2, {header}, ?3 FROM json_each(?4, '$[0]') AS v"
        )
        fields = ", ".join(_json_item("r.value", i) for i in range(len(_ROW_FIELDS)))
        # Rows go in sorted by (account, booking date): the (year, account, booking_date)
        # index then grows at a few neighbouring places instead of a hundred scattered
        # ones, which saves about a sixth of the insert's time. Ties keep file order, so
        # ids still follow voucher order within an account and day (the huvudbok's order).
        self._row_sql = (
            f"INSERT INTO {row_table} ({self._row_columns}) "  # noqa: S608
            f"SELECT ?1 + v.key, ?2, r.key + 1, {fields}, ?3 "
            "FROM json_each(?4, '$[1]') AS v, json_each(v.value) AS r "
            f"ORDER BY {_json_item('r.value', 1)}, {_json_item('r.value', 5)}, v.key, r.key"
        )

    def _write_sqlite(self, prepared: tuple[int, str]) -> None:
        count, payload = prepared
        params = (self._next_id, self.year_id, self.source_id, payload)
        raw = self.connection.connection
        raw.execute(self._voucher_sql, params)
        raw.execute(self._row_sql, params)
        self._next_id += count

    # -- PostgreSQL: COPY per batch ----------------------------------------------------------

    def _write_postgresql(self, batch: list[EncodedVoucher]) -> None:
        year_id, source_id = self.year_id, self.source_id
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [m.Voucher._meta.db_table, len(batch)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            raw: Any = cursor.cursor
            with raw.copy(
                f"COPY {self._voucher_table} ({self._voucher_columns}) FROM STDIN"
            ) as copy:
                for voucher_id, voucher in zip(ids, batch, strict=True):
                    copy.write_row((voucher_id, year_id, *voucher[:8], source_id))
            with raw.copy(f"COPY {self._row_table} ({self._row_columns}) FROM STDIN") as copy:
                write_row = copy.write_row
                for voucher_id, voucher in zip(ids, batch, strict=True):
                    for position, row in enumerate(voucher[8], start=1):
                        write_row((voucher_id, year_id, position, *row, source_id))


class YearStream:
    """The reading side: buffers a year's new vouchers and hands them to the writer in batches.

    ``writer`` is the :class:`NewVoucherWriter` living on ``runner``'s side; this object
    only queues work for it. :meth:`finish` runs the last task and commits; :meth:`abort`
    rolls everything back.
    """

    def __init__(self, runner: TransactionRunner, writer: NewVoucherWriter) -> None:
        self.runner = runner
        self.writer = writer
        self.positions: set[int] = set()
        self._batch: list[EncodedVoucher] = []
        self._closed = False

    def add(self, position: int, encoded: EncodedVoucher) -> None:
        """Take the voucher at spool ``position``; it is written with the next batch."""
        self.positions.add(position)
        self._batch.append(encoded)
        if len(self._batch) >= BATCH_VOUCHERS:
            self._flush()

    def finish(self, task: Callable[[NewVoucherWriter], Any]) -> Any:
        """Write what is buffered, run ``task(writer)`` in the transaction, and commit."""
        self._flush()
        writer = self.writer
        result = self.runner.call(lambda: task(writer))
        self._closed = True
        self.runner.commit()
        return result

    def abort(self) -> None:
        """Roll back everything written so far (safe to call more than once)."""
        if not self._closed:
            self._closed = True
            self.runner.rollback()

    def _flush(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            writer = self.writer
            prepared = writer.prepare(batch)
            self.runner.submit(lambda: writer.write_prepared(prepared))
