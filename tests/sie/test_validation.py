"""The validation report over documents built in code and read from text."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from bokslut.sie import read_document, validate
from bokslut.sie.model import (
    Balance,
    Document,
    FinancialYear,
    Header,
    RowKind,
    Severity,
    Voucher,
    VoucherRow,
)


def _voucher(number: str, when: date | None, *amounts: str, series: str = "A") -> Voucher:
    rows = tuple(
        VoucherRow(RowKind.NORMAL, account, Decimal(amount))
        for account, amount in zip(("1930", "3010", "2610"), amounts, strict=False)
    )
    return Voucher(series, number, when, "x", rows, line=int(number or 0) * 10)


def _document(*vouchers: Voucher, balances: list[Balance] | None = None) -> Document:
    header = Header(
        program="X",
        program_version="1",
        sie_type=4,
        company_name="AB",
        years={0: FinancialYear(0, date(2024, 1, 1), date(2024, 12, 31))},
    )
    return Document(header=header, vouchers=list(vouchers), balances=balances or [])


def _found(issues) -> set[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    return {(i.code, i.line) for i in issues}


def test_unbalanced_voucher_is_an_error() -> None:
    issues = validate(_document(_voucher("1", date(2024, 1, 5), "100", "-99.99")))
    (issue,) = [i for i in issues if i.code == "voucher_unbalanced"]
    assert (issue.severity, issue.line) == (Severity.ERROR, 10)
    assert "0.01" in issue.message_en


def test_duplicates_are_errors_and_gaps_are_warnings() -> None:
    d = date(2024, 2, 1)
    doc = _document(*(_voucher(n, d, "1", "-1") for n in ("1", "2", "2", "5", "6", "9")))
    issues = validate(doc)
    assert ("voucher_duplicate", 20) in _found(issues)
    gaps = [i for i in issues if i.code == "series_gap"]
    assert [(i.line, i.severity) for i in gaps] == [(50, Severity.WARNING), (90, Severity.WARNING)]
    assert "3–4" in gaps[0].message_en


def test_out_of_order_numbers_are_neither_gaps_nor_duplicates() -> None:
    d = date(2024, 2, 1)
    doc = _document(*(_voucher(n, d, "1", "-1") for n in ("3", "1", "2", "5", "4")))
    assert not {"series_gap", "voucher_duplicate"} & {i.code for i in validate(doc)}


def test_dates_outside_the_year_and_missing_dates() -> None:
    issues = validate(
        _document(_voucher("1", date(2025, 1, 1), "1", "-1"), _voucher("2", None, "1", "-1"))
    )
    assert ("date_outside_year", 10) in _found(issues)
    assert ("voucher_date_missing", 20) in _found(issues)


def test_balance_mismatch_is_one_warning_per_account_only_with_vouchers() -> None:
    balances = [
        Balance("IB", 0, "1930", Decimal(100)),
        Balance("UB", 0, "1930", Decimal(150), line=3),
        Balance("RES", 0, "3010", Decimal(-50), line=4),
    ]
    # No vouchers: nothing to compare the balances with.
    assert "balance_mismatch" not in {i.code for i in validate(_document(balances=balances))}
    ok = _document(_voucher("1", date(2024, 3, 1), "50", "-50"), balances=balances)
    assert not [i for i in validate(ok) if i.code == "balance_mismatch"]
    off = _document(_voucher("1", date(2024, 3, 1), "40", "-40"), balances=balances)
    assert {
        (i.code, i.line, i.severity) for i in validate(off) if i.code == "balance_mismatch"
    } == {("balance_mismatch", 3, Severity.WARNING), ("balance_mismatch", 4, Severity.WARNING)}


def test_header_checks_org_number_company_name_and_year() -> None:
    text = '#FLAGGA 0\n#PROGRAM X 1\n#FORMAT PC8\n#SIETYP 4\n#ORGNR 556012-5791\n#FNAMN ""\n'
    _, issues = read_document(io.BytesIO(text.encode()))
    found = _found(issues)
    assert ("orgnr_invalid", 5) in found
    assert ("company_name_missing", 6) in found
    assert ("year_missing", None) in found


def test_undeclared_accounts_and_objects_are_warnings_at_first_use() -> None:
    text = (
        "#FLAGGA 0\n#PROGRAM X 1\n#FORMAT PC8\n#SIETYP 4\n#FNAMN AB\n#RAR 0 20240101 20241231\n"
        '#KONTO 1930 Bank\n#VER A 1 20240105 x\n{\n#TRANS 1930 {} 1\n#TRANS 3010 {6 "P1"} -1\n}\n'
    )
    _, issues = read_document(io.BytesIO(text.encode()))
    assert ("account_undeclared", 11) in _found(issues)
    assert ("object_undeclared", 11) in _found(issues)
    assert all(i.severity is Severity.WARNING for i in issues)
