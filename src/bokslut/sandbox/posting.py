"""``POST /3/vouchers``: validate a voucher the way Fortnox does and book it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from bokslut.sandbox.errors import ApiError, Codes
from bokslut.sandbox.jsonio import JsonValue
from bokslut.sandbox.store import (
    COST_CENTRE_DIM,
    PROJECT_DIM,
    Company,
    StoredVoucher,
    YearData,
)
from bokslut.sie.model import ObjectRef, RowKind, Voucher, VoucherRow

__all__ = ["book_voucher"]

_CENT = Decimal("0.01")


def _bad(code: int, message: str) -> ApiError:
    return ApiError(400, code, message)


def _amount(row: Mapping[str, JsonValue], name: str) -> Decimal:
    value = row.get(name, 0)
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise _bad(Codes.INVALID_PARAMETER, f"Ogiltigt belopp i {name}: {value!r}")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _bad(Codes.INVALID_PARAMETER, f"Ogiltigt belopp i {name}: {value!r}") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(_CENT):
        raise _bad(Codes.INVALID_PARAMETER, f"Ogiltigt belopp i {name}: {value!r}")
    return amount


def _row(company: Company, raw: JsonValue, index: int) -> VoucherRow:
    if not isinstance(raw, Mapping):
        raise _bad(Codes.EMPTY_BODY, f"Rad {index}: felaktig rad")
    account = str(raw.get("Account", "")).strip()
    state = company.accounts.get(account)
    if not account or state is None:
        raise ApiError(400, Codes.ACCOUNT_NOT_FOUND, f"Kontot hittades inte: {account}")
    if not state.active:
        raise _bad(Codes.INACTIVE_ACCOUNT, f"Kontot {account} är inaktivt")
    debit, credit = _amount(raw, "Debit"), _amount(raw, "Credit")
    if debit and credit:
        raise _bad(Codes.INVALID_PARAMETER, f"Rad {index}: både debet och kredit")
    objects: list[ObjectRef] = []
    for name, dimension in (("CostCenter", COST_CENTRE_DIM), ("Project", PROJECT_DIM)):
        code = raw.get(name)
        if code in (None, "", 0):
            continue
        ref = (dimension, str(code))
        if ref not in company.objects:
            raise _bad(Codes.INVALID_IDENTIFIER, f"Ogiltigt värde för {name}: {code}")
        objects.append(ref)
    quantity = raw.get("Quantity")
    text = raw.get("TransactionInformation") or None
    return VoucherRow(
        kind=RowKind.NORMAL,
        account=account,
        amount=debit - credit,
        objects=tuple(objects),
        text=str(text) if text is not None else None,
        quantity=Decimal(quantity) if isinstance(quantity, int | Decimal) and quantity else None,
    )


def _year(company: Company, day: date, year_id: int | None) -> YearData:
    if year_id is not None:
        year = company.years.get(year_id)
        if year is None or not year.contains(day):
            raise _bad(Codes.NO_FINANCIAL_YEAR, "Datumet ligger utanför angivet räkenskapsår")
        return year
    found = company.year_for_date(day)
    if found is None:
        raise _bad(Codes.NO_FINANCIAL_YEAR, f"Räkenskapsår saknas för datum {day.isoformat()}")
    return found


def book_voucher(
    company: Company,
    body: JsonValue,
    *,
    year_id: int | None,
    now: datetime,
    respect_lock: bool = True,
) -> tuple[YearData, StoredVoucher]:
    """Validate ``{"Voucher": …}`` and book it with the next number of its series.

    Checks what Fortnox checks: a body, a series, a date inside a financial year and after
    the locked period, known and active accounts, known cost centres and projects, whole öre,
    and debit equal to credit. The caller holds ``company.lock``.
    """
    payload = body.get("Voucher") if isinstance(body, Mapping) else None
    if not isinstance(payload, Mapping):
        raise _bad(Codes.EMPTY_BODY, "Tom eller felaktig body: Voucher saknas")
    series = str(payload.get("VoucherSeries") or "").strip()
    if not series:
        raise _bad(Codes.INVALID_PARAMETER, "Verifikationsserie saknas")
    raw_date = payload.get("TransactionDate")
    try:
        day = date.fromisoformat(str(raw_date))
    except ValueError:
        raise _bad(Codes.INVALID_PARAMETER, f"Ogiltigt datum: {raw_date!r}") from None
    year = _year(company, day, year_id)
    if respect_lock and company.locked_until is not None and day <= company.locked_until:
        raise _bad(
            Codes.LOCKED_PERIOD,
            f"Perioden är låst till och med {company.locked_until.isoformat()}",
        )
    raw_rows = payload.get("VoucherRows")
    if not isinstance(raw_rows, list) or not raw_rows:
        raise _bad(Codes.EMPTY_BODY, "Verifikationen saknar rader")
    rows = tuple(_row(company, raw, index) for index, raw in enumerate(raw_rows, start=1))
    total = sum((row.amount for row in rows), Decimal(0))
    if total != 0:
        raise _bad(Codes.UNBALANCED_VOUCHER, f"Verifikationen är inte balanserad (diff {total})")
    if all(row.amount == 0 for row in rows):
        raise _bad(Codes.UNBALANCED_VOUCHER, "Verifikationen saknar belopp")
    number = year.next_number(series)
    voucher = Voucher(
        series=series,
        number=str(number),
        date=day,
        text=str(payload.get("Description") or ""),
        rows=rows,
        registered=now.date(),
    )
    comments = payload.get("Comments")
    stored = StoredVoucher(
        voucher=voucher,
        number=number,
        modified=now,
        comments=str(comments) if comments is not None else None,
        reference_number=str(payload.get("ReferenceNumber") or ""),
        reference_type=str(payload.get("ReferenceType") or "MANUAL"),
        posted=True,
    )
    year.add_voucher(stored)
    year.modified = now
    return year, stored
