"""Deciding, while the file is read, whether the current year can be streamed, and opening it.

The first voucher of the file's current year (``#RAR 0``, else the latest year) starts a
:class:`~bokslut.ledger._stream.YearStream` if that year does not exist yet for the
client: its transaction creates the client (if new), the source and the year, and takes
the year's vouchers from then on. Anything unusual (no ``#RAR``, no usable org.nr, the
year already exists, a voucher number twice) leaves the voucher on the spool, and the
importer checks at the end that the stream holds exactly the year's planned vouchers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bokslut.firms.models import Client, Firm
from bokslut.firms.services import client_get_or_create, default_firm
from bokslut.firms.validators import normalise_org_number
from bokslut.ledger import models as m
from bokslut.ledger._runner import InlineRunner, ThreadRunner, TransactionRunner, can_use_thread
from bokslut.ledger._scan import ItemSource, VoucherEntry
from bokslut.ledger._stream import NewVoucherWriter, YearStream
from bokslut.ledger.codec import EncodedVoucher
from bokslut.sie.model import FinancialYear as SieYear

__all__ = ["OpenedYear", "StreamRouter", "current_index", "year_containing"]


def year_containing(date: dt.date | None, years: dict[int, SieYear]) -> int | None:
    """The index of the file's year containing ``date``, if any."""
    if date is None:
        return None
    for index, year in years.items():
        if year.start <= date <= year.end:
            return index
    return None


def current_index(years: dict[int, SieYear]) -> int:
    """The year that takes undated and out-of-range vouchers: 0, else the latest."""
    return 0 if 0 in years else max(years)


@dataclass(frozen=True)
class OpenedYear:
    """What the stream's transaction created (visible to others only after commit)."""

    client: Client
    client_created: bool
    source: m.Source
    year: m.FinancialYear
    index: int


class StreamRouter:
    """The scan's voucher sink: sends the current year's vouchers to a stream, if it may."""

    def __init__(
        self,
        source: ItemSource,
        *,
        client: Client | None,
        wanted: str | None,
        firm: Firm | None,
        name: str,
        sha256: str,
        source_kind: str,
    ) -> None:
        self._source = source
        self._client = client
        self._wanted = wanted
        self._firm = firm
        self._name = name
        self._sha256 = sha256
        self._source_kind = source_kind
        self._state = "waiting"  # → "streaming" or "off"
        self._seen: set[tuple[str, str]] = set()
        self._year_count = 0
        self._current = 0
        self._in_current: dict[dt.date | None, bool] = {}
        self.stream: YearStream | None = None
        self.opened: OpenedYear | None = None

    def take(self, position: int, entry: VoucherEntry, encoded: EncodedVoucher) -> bool:
        """Stream the voucher if it belongs to the streamed year (see the module notes)."""
        if self._state == "off":
            return False
        years = self._source.header.years
        if not years:
            self._state = "off"  # a 4I file without #RAR: its years are the client's
            return False
        if len(years) != self._year_count:
            # Dates are looked up once per set of years (a few hundred dates, a million
            # vouchers); a file that changes its years later fails the final check anyway.
            self._year_count = len(years)
            self._current = current_index(years)
            self._in_current.clear()
        date = entry.date
        in_current = self._in_current.get(date)
        if in_current is None:
            index = year_containing(date, years)
            in_current = self._in_current[date] = index is None or index == self._current
        if not in_current:
            return False
        if self._state == "waiting" and not self._start(years[self._current], self._current):
            self._state = "off"
            return False
        if entry.number:
            key = (entry.series, entry.number)
            if key in self._seen:
                # The file is refused for this; the spool keeps it so the check sees it.
                return False
            self._seen.add(key)
        assert self.stream is not None
        self.stream.add(position, encoded)
        return True

    def abort(self) -> None:
        """Roll back whatever the stream wrote."""
        if self.stream is not None:
            self.stream.abort()

    def _start(self, year: SieYear, index: int) -> bool:
        org = self._org_number()
        if self._client is None and org is None:
            return False
        runner: TransactionRunner = ThreadRunner() if can_use_thread() else InlineRunner()
        header = self._source.header
        program = " ".join(p for p in (header.program, header.program_version) if p)

        def open_year() -> tuple[OpenedYear, NewVoucherWriter] | None:
            if self._client is not None:
                client, created = self._client, False
            else:
                assert org is not None
                client, created = client_get_or_create(
                    firm=self._firm or default_firm(),
                    org_number=org,
                    name=header.company_name or "",
                )
            if m.FinancialYear.objects.filter(client=client, start=year.start).exists():
                return None  # vouchers to compare with: the spool and the full comparison
            source_row = m.Source.objects.create(
                client=client,
                kind=self._source_kind,
                name=self._name,
                sha256=self._sha256,
                program=program,
            )
            fy = m.FinancialYear.objects.create(
                client=client, start=year.start, end=year.end, source=source_row
            )
            opened = OpenedYear(client, created, source_row, fy, index)
            return opened, NewVoucherWriter(year_id=fy.pk, source_id=source_row.pk)

        try:
            result = runner.call(open_year)
        except BaseException:
            runner.rollback()
            raise
        if result is None:
            runner.rollback()
            return False
        self.opened, writer = result
        self.stream = YearStream(runner, writer)
        self._state = "streaming"
        return True

    def _org_number(self) -> str | None:
        """The client's org.nr as the importer will resolve it, or None if it cannot."""
        org = self._wanted or self._source.header.org_number
        if not org:
            return None
        try:
            return normalise_org_number(org)
        except ValueError:
            return None
