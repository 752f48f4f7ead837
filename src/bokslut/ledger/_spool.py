"""A temporary on-disk spool of encoded vouchers between the validating and the writing pass.

The importer must not write anything before the whole file has been validated, and must
not hold a million rows in memory either; re-parsing the file would double the parse
cost. So the first pass appends each voucher, already encoded for the database, to a
spool file in batches, and the write pass streams them back. Encoded vouchers are plain
tuples of str/int/None, which :mod:`marshal` writes and reads about twice as fast as
pickle; the file is private to this process and read back by the same interpreter.
"""

from __future__ import annotations

import marshal
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Self

from bokslut.ledger.codec import EncodedVoucher

_BATCH = 2000


class VoucherSpool:
    """Append-then-replay storage of :class:`EncodedVoucher`; replay may run many times."""

    def __init__(self) -> None:
        # The spool is private scratch data: the temp file is unlinked when closed.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="bokslut-spool-")  # noqa: SIM115
        self._pending: list[EncodedVoucher | None] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, voucher: EncodedVoucher | None) -> None:
        """Add one voucher at the end."""
        self._pending.append(voucher)
        self._count += 1
        if len(self._pending) >= _BATCH:
            self._flush()

    def skip(self) -> None:
        """Hold a place for a voucher kept elsewhere: replay yields ``None`` there."""
        self.append(None)

    def __iter__(self) -> Iterator[EncodedVoucher | None]:
        """Every voucher (or ``None`` for a skipped one), in the order appended.

        The spool stays usable afterwards.
        """
        self._flush()
        self._file.seek(0)
        while header := self._file.read(8):
            blob = self._file.read(int.from_bytes(header, "little"))
            batch: list[EncodedVoucher | None] = marshal.loads(blob)  # noqa: S302 -- our own temp file
            yield from batch

    def close(self) -> None:
        """Drop the spool file."""
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _flush(self) -> None:
        if self._pending:
            self._file.seek(0, 2)
            # Length-prefixed blobs: marshal.load() on a file reads in tiny pieces.
            blob = marshal.dumps(self._pending)
            self._file.write(len(blob).to_bytes(8, "little"))
            self._file.write(blob)
            self._pending = []
