"""Hypothesis strategies for SIE model objects: whole, balanced, CP437-writable ledgers.

What is generated is what SIE can carry unchanged, so that write → read must give it back:

* text is printable ASCII and Swedish letters (with quotes, braces, backslashes, blanks),
  never a quoted field ending in a backslash, which the format cannot express;
* optional texts are ``None`` or non-empty (``""`` and absent are the same on the wire);
* vouchers balance over the rows that count: normal and added (#RTRANS) rows sum to zero,
  removed (#BTRANS) rows are free.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from bokslut.sie.model import (
    Account,
    AccountType,
    Address,
    Balance,
    Dimension,
    Document,
    FinancialYear,
    Header,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)

# Printable ASCII plus the letters Swedish text uses. Not all of CP437: readers detect the
# encoding from the bytes (files in the wild claim PC8 and are Latin-1 or UTF-8), and a
# file of box-drawing characters honestly looks like Latin-1. These letters all sit in
# 0x80-0xA5, so they also never form UTF-8 sequences.
_LETTERS = "åäöÅÄÖéÉüÜáàèíóúñçæÆ"
_ALPHABET = [chr(c) for c in range(0x20, 0x7F)] + list(_LETTERS)
_SPICE = ['"', "\\", "{", "}", " ", "å", "ä", "ö", "Å", "Ä", "Ö", "é"]


def _writable(text: str) -> bool:
    # A quoted field cannot end in a backslash (it would read as an escaped quote).
    return not text.endswith("\\")


texts = st.text(st.sampled_from(_ALPHABET + _SPICE * 4), max_size=30).filter(_writable)
nonempty_texts = texts.filter(bool)
optional_texts = st.none() | nonempty_texts
codes = st.text(st.sampled_from(_ALPHABET + _SPICE), min_size=1, max_size=10).filter(_writable)

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))
optional_dates = st.none() | dates
account_numbers = st.integers(1000, 8999).map(str)
amounts = st.integers(-(10**11), 10**11).map(lambda ore: Decimal(ore).scaleb(-2))
quantities = st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=3, allow_nan=False
)
optional_quantities = st.none() | quantities
year_indexes = st.integers(-2, 0)
periods = st.builds(lambda y, m: f"{y:04d}{m:02d}", st.integers(1990, 2099), st.integers(1, 12))

dimension_numbers = st.sampled_from([1, 2, 6, 7, 8, 9, 10, 20, 21, 99])
object_refs: st.SearchStrategy[ObjectRef] = st.tuples(dimension_numbers, codes)
object_lists = st.lists(object_refs, max_size=3).map(tuple)

accounts = st.builds(
    Account,
    number=account_numbers,
    name=texts,
    type=st.none() | st.sampled_from(AccountType),
    unit=optional_texts,
    sru=st.lists(st.integers(7000, 8999).map(str), max_size=2).map(tuple),
)


@st.composite
def headers(draw: st.DrawFn) -> Header:
    """Identification records, every field possibly absent."""
    org_number = draw(st.none() | st.sampled_from(["556677-8899", "5566391537", "0123"]))
    # #ORGNR carries its förvärvs- and verksamhetsnummer only after the number itself.
    multiple = None if org_number is None else draw(optional_texts)
    years = draw(st.lists(dates, max_size=3, unique=True))
    return Header(
        flag=draw(st.sampled_from([0, 1])),
        program=draw(nonempty_texts),
        program_version=draw(optional_texts),
        format="PC8",
        generated=draw(dates),
        generated_by=draw(optional_texts),
        prosa=draw(optional_texts),
        company_type=draw(st.none() | st.sampled_from(["AB", "E", "HB", "KB", "EK"])),
        company_id=draw(optional_texts),
        org_number=org_number,
        org_multiple=multiple,
        # A verksamhetsnummer without a förvärvsnummer would need an empty one before it.
        org_activity=None if multiple is None else draw(optional_texts),
        industry_code=draw(optional_texts),
        address=draw(st.none() | st.builds(Address, texts, texts, texts, texts)),
        company_name=draw(optional_texts),
        years={
            -i: FinancialYear(-i, start, start + dt.timedelta(days=364))
            for i, start in enumerate(sorted(years, reverse=True))
        },
        tax_year=draw(st.none() | st.integers(1990, 2100)),
        period_end=draw(optional_dates),
        chart_type=draw(st.none() | st.sampled_from(["BAS95", "BAS96", "EUBAS97", "NE2007"])),
        currency=draw(st.none() | st.just("SEK")),
    )


def _row(draw: st.DrawFn, kind: RowKind, amount: Decimal) -> VoucherRow:
    return VoucherRow(
        kind=kind,
        account=draw(account_numbers),
        amount=amount,
        objects=draw(object_lists),
        date=draw(optional_dates),
        text=draw(optional_texts),
        quantity=draw(optional_quantities),
        signature=draw(optional_texts),
    )


@st.composite
def vouchers(draw: st.DrawFn) -> Voucher:
    """A balanced voucher with normal, added (#RTRANS) and removed (#BTRANS) rows."""
    counting = draw(st.lists(amounts, min_size=1, max_size=6))
    counting.append(-sum(counting, Decimal("0.00")))
    rows = [
        _row(draw, draw(st.sampled_from([RowKind.NORMAL] * 4 + [RowKind.ADDED])), amount)
        for amount in counting
    ]
    for _ in range(draw(st.integers(0, 2))):
        rows.insert(draw(st.integers(0, len(rows))), _row(draw, RowKind.REMOVED, draw(amounts)))
    return Voucher(
        series=draw(st.sampled_from(["A", "B", "C", "LÖN", "1"])),
        number=str(draw(st.integers(1, 10**6))),
        date=draw(dates),
        text=draw(texts),
        rows=tuple(rows),
        registered=draw(optional_dates),
        signature=draw(optional_texts),
    )


balances = st.builds(
    Balance,
    kind=st.sampled_from(["IB", "UB", "RES"]),
    year=year_indexes,
    account=account_numbers,
    amount=amounts,
    quantity=optional_quantities,
)
object_balances = st.builds(
    ObjectBalance,
    kind=st.sampled_from(["OIB", "OUB"]),
    year=year_indexes,
    account=account_numbers,
    object=object_refs,
    amount=amounts,
    quantity=optional_quantities,
)
period_balances = st.builds(
    PeriodBalance,
    kind=st.sampled_from(["PSALDO", "PBUDGET"]),
    year=year_indexes,
    period=periods,
    account=account_numbers,
    objects=object_lists,
    amount=amounts,
    quantity=optional_quantities,
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """A whole ledger: header, chart, dimensions, objects, balances, vouchers."""
    chart = draw(st.lists(accounts, max_size=8, unique_by=lambda a: a.number))
    dims = draw(
        st.lists(
            st.builds(Dimension, dimension_numbers, texts, st.none() | st.sampled_from([1, 6])),
            max_size=4,
            unique_by=lambda d: d.number,
        )
    )
    objs = draw(
        st.lists(
            st.builds(SieObject, dimension_numbers, codes, texts),
            max_size=6,
            unique_by=lambda o: (o.dimension, o.code),
        )
    )
    return Document(
        header=draw(headers()),
        accounts={a.number: a for a in chart},
        dimensions={d.number: d for d in dims},
        objects={(o.dimension, o.code): o for o in objs},
        balances=draw(st.lists(balances, max_size=6)),
        object_balances=draw(st.lists(object_balances, max_size=4)),
        period_balances=draw(st.lists(period_balances, max_size=4)),
        vouchers=draw(st.lists(vouchers(), max_size=4)),
    )
