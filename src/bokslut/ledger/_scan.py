"""First import pass: read and validate the whole file, spool its vouchers, keep the rest.

Nothing is written to the database here. What is kept in memory is small: the header,
the chart, balances (keyed, in öre), and one short index entry per voucher; the voucher
rows themselves go to a :class:`~bokslut.ledger._spool.VoucherSpool`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Protocol

from bokslut.ledger._spool import VoucherSpool
from bokslut.ledger.codec import EncodedVoucher, encode_voucher, objects_to_text
from bokslut.money import MoneyError, to_ore
from bokslut.sie.model import (
    Account,
    Balance,
    Dimension,
    Document,
    Header,
    Issue,
    Item,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    Severity,
    SieObject,
    Voucher,
)

#: (amount in öre, quantity) of one balance record.
Amount = tuple[int, Decimal | None]
BalanceKey = tuple[str, str]  # kind, account
ObjectBalanceKey = tuple[str, str, int, str]  # kind, account, dimension, object code
PeriodBalanceKey = tuple[str, str, str, str]  # kind, account, period, object list


class ItemSource(Protocol):
    """What the importer reads: :class:`bokslut.sie.reader.SieReader` or a document."""

    header: Header

    def __iter__(self) -> Iterator[Item]: ...

    @property
    def accounts(self) -> Mapping[str, Account]: ...

    @property
    def dimensions(self) -> Mapping[int, Dimension]: ...

    @property
    def objects(self) -> Mapping[ObjectRef, SieObject]: ...

    @property
    def issues(self) -> list[Issue]: ...


class DocumentSource:
    """A :class:`Document` in memory seen as an :class:`ItemSource` (items in spec order)."""

    def __init__(self, document: Document, issues: list[Issue] | None = None) -> None:
        self.header = document.header
        self._document = document
        self._issues = list(issues or [])

    def __iter__(self) -> Iterator[Item]:
        doc = self._document
        yield from doc.balances
        yield from doc.object_balances
        yield from doc.period_balances
        yield from doc.vouchers

    @property
    def accounts(self) -> Mapping[str, Account]:
        return self._document.accounts

    @property
    def dimensions(self) -> Mapping[int, Dimension]:
        return self._document.dimensions

    @property
    def objects(self) -> Mapping[ObjectRef, SieObject]:
        return self._document.objects

    @property
    def issues(self) -> list[Issue]:
        return self._issues


class VoucherEntry(NamedTuple):
    """What the first pass remembers of a spooled voucher (spool order)."""

    series: str
    number: str
    date: dt.date | None
    content_hash: str
    line: int | None
    rows: int


@dataclass
class Scan:
    """Everything the write pass needs, gathered by :func:`scan`."""

    header: Header
    accounts: dict[str, Account]
    dimensions: dict[int, Dimension]
    objects: dict[ObjectRef, SieObject]
    spool: VoucherSpool
    vouchers: list[VoucherEntry] = field(default_factory=list)
    balances: dict[int, dict[BalanceKey, Amount]] = field(default_factory=dict)
    object_balances: dict[int, dict[ObjectBalanceKey, Amount]] = field(default_factory=dict)
    period_balances: dict[int, dict[PeriodBalanceKey, Amount]] = field(default_factory=dict)
    #: Balance kinds present anywhere in the file (IB, UB, RES, OIB, OUB, PSALDO, PBUDGET).
    kinds: set[str] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0

    @property
    def errors(self) -> list[Issue]:
        """The issues that stop the import."""
        return [i for i in self.issues if i.severity is Severity.ERROR]


def make_issue(severity: Severity, code: str, line: int | None, sv: str, en: str) -> Issue:
    """An importer issue (codes start with ``import.``)."""
    return Issue(severity=severity, code=f"import.{code}", line=line, message_sv=sv, message_en=en)


class VoucherSink(Protocol):
    """Takes vouchers off the spool while the file is read (the import's fast path)."""

    def take(self, position: int, entry: VoucherEntry, encoded: EncodedVoucher) -> bool:
        """Whether the sink keeps the voucher at ``position`` (then it is not spooled)."""


def scan(
    source: ItemSource,
    *,
    on_item: Callable[[int | None], None] | None = None,
    sink: VoucherSink | None = None,
) -> Scan:
    """Read every item of ``source`` once; vouchers go to a spool the caller must close.

    A voucher that ``sink`` takes leaves a ``None`` in the spool, so that spool positions
    stay the positions in :attr:`Scan.vouchers`.
    """
    result = Scan(
        header=source.header, accounts={}, dimensions={}, objects={}, spool=VoucherSpool()
    )
    try:
        for item in source:
            if isinstance(item, Voucher):
                _scan_voucher(result, item, sink)
            else:
                _scan_balance(result, item)
            if on_item is not None:
                on_item(item.line)
    except BaseException:
        result.spool.close()
        raise
    # The reader completes header, chart and issues only once iteration has finished.
    result.header = source.header
    result.accounts = dict(source.accounts)
    result.dimensions = dict(source.dimensions)
    result.objects = dict(source.objects)
    result.issues = [*source.issues, *result.issues]
    return result


def _scan_voucher(result: Scan, voucher: Voucher, sink: VoucherSink | None) -> None:
    try:
        encoded = encode_voucher(voucher)
    except MoneyError:
        result.issues.append(
            make_issue(
                Severity.ERROR,
                "fraction_of_ore",
                voucher.line,
                f"Verifikation {voucher.series} {voucher.number} har ett belopp med "
                "bråkdelar av öre",
                f"Voucher {voucher.series} {voucher.number} has an amount with fractions of an öre",
            )
        )
        return
    entry = VoucherEntry(
        voucher.series, voucher.number, voucher.date, encoded[7], voucher.line, len(encoded[8])
    )
    if sink is not None and sink.take(len(result.vouchers), entry, encoded):
        result.spool.skip()
    else:
        result.spool.append(encoded)
    result.vouchers.append(entry)
    result.rows += len(encoded[8])


def _scan_balance(result: Scan, item: Balance | ObjectBalance | PeriodBalance) -> None:
    try:
        amount: Amount = (to_ore(item.amount), item.quantity)
    except MoneyError:
        result.issues.append(
            make_issue(
                Severity.ERROR,
                "fraction_of_ore",
                item.line,
                f"#{item.kind} {item.account}: beloppet {item.amount} har bråkdelar av öre",
                f"#{item.kind} {item.account}: the amount {item.amount} has fractions of an öre",
            )
        )
        return
    result.kinds.add(item.kind)
    if isinstance(item, Balance):
        result.balances.setdefault(item.year, {})[(item.kind, item.account)] = amount
    elif isinstance(item, ObjectBalance):
        dim, code = item.object
        key = (item.kind, item.account, dim, code)
        result.object_balances.setdefault(item.year, {})[key] = amount
    else:
        period_key = (item.kind, item.account, item.period, objects_to_text(item.objects))
        result.period_balances.setdefault(item.year, {})[period_key] = amount
