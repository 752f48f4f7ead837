"""Acceptance: the whole real-file corpus reads without a crash, and each broken file is
reported with the issue its name announces, on the right line."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from bokslut.sie import SieFormatError, read_document
from bokslut.sie.model import AccountType, Document, Issue, Severity

from .conftest import BROKEN_NAME, CORPUS, corpus_dir, well_formed_files

pytestmark = pytest.mark.corpus


def _all_files() -> list[Path]:
    return sorted(p for p in corpus_dir().glob("*/*") if p.is_file() and p.name != "README.md")


def test_every_corpus_file_is_read_without_a_crash() -> None:
    read, refused = 0, []
    for path in _all_files():
        try:
            read_document(path)
        except SieFormatError as exc:
            refused.append((path.name, exc.issues[-1].code))
        read += 1
    assert read >= 85
    assert refused == [("html_404_page_saved_as_sie_broken.se", "not_sie")]


#: Every deliberately broken file -> (issue code, line) its name announces, after reading
#: each file by hand. Several codes are listed where the name covers more than one problem.
BROKEN: dict[str, list[tuple[str, int | None]]] = {
    "jsisie/html_404_page_saved_as_sie_broken.se": [("not_sie", 1)],
    "jsisie/transaktioner_ovnbolag_imbalanced.se": [("voucher_unbalanced", 3905)],
    "sie4j/BLBLOV_SIE1_erroneous_leap_year.SE": [("year_invalid", 10), ("year_gap", 12)],
    "sie4j/BLBLOV_SIE2_UTF_8_with_errors.SE": [
        ("sru_invalid", 216),
        ("account_length", 15),
        ("account_non_numeric", 218),
    ],
    "sie4j/BLBLOV_SIE2_UTF_8_with_multiple_errors.SE": [
        ("sru_invalid", 216),
        ("account_length", 15),
        ("account_non_numeric", 218),
    ],
    "sie4j/BLBLOV_SIE2_UTF_8_with_non_numeric_account_number.SE": [("account_non_numeric", 16)],
    "sie4j/BLBLOV_SIE4_UTF_8_IMBALANCED.SI": [
        ("voucher_unbalanced", 8),
        ("voucher_unbalanced", 14),
    ],
    "sie4j/BLBLOV_SIE4_UTF_8_MISSING_ACCOUNTS.SE": [
        ("account_undeclared", 421),
        ("account_undeclared", 444),
        ("account_undeclared", 466),
        ("account_undeclared", 528),
    ],
    "sie4j/BLBLOV_SIE4_UTF_8_WITH_FAULTY_ADDRESS.SI": [("address_incomplete", 6)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_12_digit_cid.SI": [("orgnr_format", 7)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_8-4_digit_cid.SI": [("orgnr_format", 7)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_8_digit_account_number.SE": [("account_length", 14)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_critical_voucher_date_error.SI": [("date_invalid", 8)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_empty_voucher.SE": [("voucher_empty", 827)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_empty_voucher_date.SI": [("voucher_date_missing", 8)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_erroneous_taxar.SE": [
        ("taxar_invalid", 12),
        ("orgnr_invalid", 8),
    ],
    "sie4j/BLBLOV_SIE4_UTF_8_with_erroneous_voucher_date.SI": [("date_invalid", 8)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_erroneous_voucher_numbers.SI": [("voucher_number_in_4i", 8)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_errors.SE": [("sru_invalid", 216), ("account_non_numeric", 218)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_faulty_transaction.SI": [("field_missing", 10)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_imbalanced_voucher.SE": [("voucher_unbalanced", 821)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_iso_voucher_date.SI": [("date_format", 8)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_missing_account_balance.SE": [("amount_invalid", 426)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_missing_account_numbers.SE": [
        ("account_missing", 14),
        ("account_missing", 15),
        ("account_missing", 16),
    ],
    "sie4j/BLBLOV_SIE4_UTF_8_with_missing_account_numbers_in_transaction.SI": [
        ("account_missing", 10),
        ("account_missing", 16),
    ],
    "sie4j/BLBLOV_SIE4_UTF_8_with_missing_company_name.SI": [("company_name_missing", 6)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_missing_sru_code.SE": [("sru_invalid", 216)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_missing_voucher_date.SI": [("voucher_date_missing", 8)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_missing_voucher_series.SE": [("voucher_series_missing", 821)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_non_numeric_account_number.SE": [("account_non_numeric", 16)],
    "sie4j/BLBLOV_SIE4_UTF_8_with_unparseable_taxar.SE": [("taxar_invalid", 12)],
    "sie4j/SIE_with_missing_program_version.se": [("program_missing", 6)],
}


def test_the_table_covers_every_broken_file() -> None:
    names = {f"{p.parent.name}/{p.name}" for p in _all_files() if BROKEN_NAME.search(p.name)}
    assert names == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_file_yields_the_issue_its_name_announces(
    name: str, expected: list[tuple[str, int | None]]
) -> None:
    path = corpus_dir() / name
    try:
        _, issues = read_document(path)
    except SieFormatError as exc:
        issues = exc.issues
    found = {(i.code, i.line) for i in issues}
    for code_line in expected:
        assert code_line in found, f"{name}: {code_line} not in {sorted(found, key=str)}"
    for issue in issues:
        assert issue.message_sv
        assert issue.message_en


def test_web_page_saved_as_sie_is_refused_with_a_clear_message() -> None:
    path = corpus_dir() / "jsisie" / "html_404_page_saved_as_sie_broken.se"
    with pytest.raises(SieFormatError) as info:
        read_document(path)
    issue = info.value.issues[-1]
    assert issue.code == "not_sie"
    assert issue.severity is Severity.ERROR
    assert "inte en SIE-fil" in issue.message_sv
    assert "not a SIE file" in issue.message_en
    assert "<!DOCTYPE" in issue.message_en


def _balanced(document: Document) -> None:
    for voucher in document.vouchers:
        assert voucher.total() == 0, (voucher.series, voucher.number, voucher.line)


#: Well-formed files with vouchers for a full year: every voucher balances and the balances
#: are exactly the movements.
FULL_YEAR = [
    "jsisie/BL0001_typ4.SE",
    "jsisie/sie_4.SE",
    "jsisie/transaktioner_ovnbolag.se",
    "sie4j/BLBLOV_SIE4.SE",
    "sie4j/BLBLOV_SIE4_UTF_8_1.SE",
    "sie4j/BLBLOV_SIE4_ISO_8859_15.SE",
]


@pytest.mark.parametrize("name", FULL_YEAR)
def test_full_year_file_balances_exactly_as_stated(name: str) -> None:
    document, issues = read_document(corpus_dir() / name)
    _balanced(document)
    assert document.vouchers
    codes = {i.code for i in issues}
    assert "balance_mismatch" not in codes
    assert "voucher_unbalanced" not in codes


def test_well_formed_files_keep_every_stated_balance_and_balance_every_voucher() -> None:
    from .conftest import well_formed_files

    files = well_formed_files()
    if not files:
        corpus_dir()
    for path in files:
        if path.name.startswith("html"):
            continue
        document, issues = read_document(path)
        _balanced(document)
        assert not [i for i in issues if i.code in ("amount_invalid", "voucher_unbalanced")]
        # Each #IB/#UB/#RES line of the file is one Balance with its exact amount.
        stated = _stated_balances(path)
        got = {(b.kind, b.year, b.account, b.line): b.amount for b in document.balances}
        assert got == stated, path.name


def _stated_balances(path: Path) -> dict[tuple[str, int, str, int], Decimal]:
    """#IB/#UB/#RES read with plain string handling, as an independent oracle."""
    result: dict[tuple[str, int, str, int], Decimal] = {}
    for number, line in enumerate(path.read_bytes().split(b"\n"), 1):
        parts = line.decode("latin-1").split()
        if parts and parts[0] in ("#IB", "#UB", "#RES") and len(parts) >= 4:
            value = Decimal(parts[3])
            result[(parts[0][1:], int(parts[1]), parts[2], number)] = value if value else abs(value)
    return result


def _independent_mismatches(document: Document) -> set[tuple[int, str]]:
    """(year, account) of every balance-sheet account whose IB + movements differ from UB,
    computed directly: for each #RAR year that has vouchers dated in it and states
    balances, the year's counting rows are summed and compared with its #IB and #UB."""
    mismatches: set[tuple[int, str]] = set()
    for index, year in document.header.years.items():
        moved: dict[str, Decimal] = defaultdict(Decimal)
        dated_in_year = False
        for voucher in document.vouchers:
            if voucher.date and year.start <= voucher.date <= year.end:
                dated_in_year = True
                for row in voucher.rows:
                    if row.counts:
                        moved[row.account] += row.amount
        stated = [b for b in document.balances if b.year == index]
        if not (dated_in_year and stated):
            continue  # nothing to compare: no movements, or no balances stated
        ib = {b.account: b.amount for b in stated if b.kind == "IB"}
        ub = {b.account: b.amount for b in stated if b.kind == "UB"}
        for number in set(ib) | set(ub) | set(moved) | {b.account for b in stated}:
            if not _on_balance_sheet(document, number):
                continue
            zero = Decimal(0)
            if ib.get(number, zero) + moved.get(number, zero) != ub.get(number, zero):
                mismatches.add((index, number))
    return mismatches


def _on_balance_sheet(document: Document, number: str) -> bool:
    """#KTYP T/S (asset, liability) says so; without a #KTYP, a BAS number in class 1–2."""
    account = document.accounts.get(number)
    if account is not None and account.type is not None:
        return account.type in (AccountType.ASSET, AccountType.LIABILITY)
    return number.isdigit() and number[0] in "12"


def _flagged_balance_sheet_accounts(issues: list[Issue]) -> set[tuple[int, str]]:
    """(year, account) of the report's IB + movements ≠ UB warnings, from their text."""
    flagged = set()
    for issue in issues:
        if issue.code == "balance_mismatch" and "UB" in issue.message_en:
            # "Account 1119 year 0: IB … = … but the file states UB …"
            words = issue.message_en.split()
            assert words[0] == "Account", issue.message_en
            assert words[2] == "year", issue.message_en
            flagged.add((int(words[3].rstrip(":")), words[1]))
    return flagged


_WELL_FORMED = well_formed_files()


@pytest.mark.parametrize(
    "path", _WELL_FORMED or [None], ids=lambda p: p and f"{p.parent.name}/{p.name}"
)
def test_report_flags_exactly_the_accounts_whose_ib_plus_movements_differ_from_ub(
    path: Path | None,
) -> None:
    if path is None:
        corpus_dir()  # skips (or fails under CI) with the reason
        pytest.fail("the corpus has no well-formed files")
    document, issues = read_document(path)
    assert all(i.severity is Severity.WARNING for i in issues if i.code == "balance_mismatch")
    assert _flagged_balance_sheet_accounts(issues) == _independent_mismatches(document)


def test_the_ib_ub_check_covers_the_fortnox_export_named_si() -> None:
    # An old Fortnox Bokföring export named .si: read as 4E, its 35 balance-sheet accounts
    # whose IB + movements differ from UB are each flagged (as 4I they were all skipped).
    document, issues = read_document(corpus_dir() / "jsisie" / "Sie4.si")
    assert "export_named_as_4i" in {i.code for i in issues}
    expected = _independent_mismatches(document)
    assert len(expected) == 35
    assert _flagged_balance_sheet_accounts(issues) == expected


def test_arousells_demo_export_has_many_mismatches_but_only_ten_vouchers() -> None:
    document, issues = read_document(corpus_dir() / "sie4j" / "Arousells_Visning_AB.SE")
    assert len(document.vouchers) == 10
    mismatches = [i for i in issues if i.code == "balance_mismatch"]
    assert len(mismatches) == len({i.message_en.split()[1] for i in mismatches}) > 10


def test_corpus_path_is_next_to_the_repository() -> None:
    assert (
        CORPUS.resolve()
        == (Path(__file__).resolve().parents[3] / "shared" / "data" / "sie").resolve()
    )
