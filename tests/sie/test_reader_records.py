"""Each label with real line shapes, #RTRANS/#BTRANS semantics, strict/lenient modes."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bokslut.sie import SieFormatError, SieReader, read_document
from bokslut.sie.model import (
    AccountType,
    Balance,
    Dimension,
    ObjectBalance,
    PeriodBalance,
    RowKind,
    Severity,
    SieObject,
    Voucher,
    VoucherRow,
)

HEAD = """#FLAGGA 0
#PROGRAM "BL Administration" 2018.2.101
#FORMAT PC8
#GEN 20180507 "1 Linda Henriksson"
#SIETYP 4
#FNAMN "Övningsföretaget AB"
#ORGNR 556012-5790
#RAR 0 20170101 20171231
"""


def read(text: str, *, encoding: str = "cp437", **kwargs: object):  # type: ignore[no-untyped-def]
    return read_document(io.BytesIO(text.encode(encoding)), **kwargs)  # type: ignore[arg-type]


def codes(issues) -> set[str]:  # type: ignore[no-untyped-def]
    return {i.code for i in issues}


def test_header_records_fill_the_header() -> None:
    doc, issues = read(
        HEAD
        + '#PROSA "Exporterat"\n#FTYP AB\n#FNR "BLOV"\n#BKOD 62010\n'
        + '#ADRESS "Ada" "Gatan 1" "413 05 Göteborg" "031-123"\n#TAXAR 2018\n'
        + "#OMFATTN 20171231\n#KPTYP EUBAS97\n#VALUTA SEK\n#RAR -1 20160101 20161231\n"
    )
    h = doc.header
    assert (h.flag, h.program, h.program_version, h.format) == (
        0,
        "BL Administration",
        "2018.2.101",
        "PC8",
    )
    assert (h.generated, h.generated_by, h.sie_type) == (date(2018, 5, 7), "1 Linda Henriksson", 4)
    assert (h.prosa, h.company_type, h.company_id, h.industry_code) == (
        "Exporterat",
        "AB",
        "BLOV",
        "62010",
    )
    assert h.address is not None
    assert h.address.postal == "413 05 Göteborg"
    assert (h.company_name, h.org_number, h.tax_year) == (
        "Övningsföretaget AB",
        "556012-5790",
        2018,
    )
    assert (h.period_end, h.chart_type, h.currency) == (date(2017, 12, 31), "EUBAS97", "SEK")
    assert h.years[0].start == date(2017, 1, 1)
    assert h.years[-1].end == date(2016, 12, 31)
    assert issues == []


def test_format_in_quotes_and_tab_indented_records() -> None:
    doc, issues = read(
        '#FLAGGA\t\t0\n#FORMAT\t\t"PC8"\n#SIETYP\t\t4\n\t#FNAMN\t"AB"\n'
        "#PROGRAM X 1\n#RAR 0 20170101 20171231\n"
    )
    assert doc.header.format == "PC8"
    assert doc.header.company_name == "AB"
    assert "format_unknown" not in codes(issues)


def test_chart_records_and_attributes_before_or_without_konto() -> None:
    doc, _ = read(
        HEAD
        + '#KTYP 1930 T\n#KONTO 1930 "Företagskonto"\n#SRU 1930 7281\n#ENHET 1460 st\n'
        + '#DIM 1 "Kostnadsställe"\n#UNDERDIM 2 "Kostnadsbärare" 1\n#OBJEKT 1 "100" "Nord"\n'
    )
    account = doc.accounts["1930"]
    assert (account.name, account.type, account.sru, account.declared) == (
        "Företagskonto",
        AccountType.ASSET,
        ("7281",),
        True,
    )
    assert doc.accounts["1460"].unit == "st"
    assert doc.accounts["1460"].declared is False
    assert doc.dimensions == {
        1: Dimension(1, "Kostnadsställe"),
        2: Dimension(2, "Kostnadsbärare", 1),
    }
    assert doc.objects == {(1, "100"): SieObject(1, "100", "Nord")}


def test_balances_object_balances_and_period_balances() -> None:
    doc, _ = read(
        HEAD
        + "#IB 0 1930 1009216.50\n#UB -1 1930 -0.00\n#RES 0 3010 -1000 2.500000\n"
        + '#OIB 0 1930 {1 "1"} 7600\n#OUB 0 1510 {1 "1"} 1063\n'
        + '#PSALDO 0 201101 1510 {"1" "Nord" "7" "4"} 9031.00\n#PBUDGET 0 200907 3010 {} -100000\n'
    )
    assert doc.balances == [
        Balance("IB", 0, "1930", Decimal("1009216.50")),
        Balance("UB", -1, "1930", Decimal("0.00")),
        Balance("RES", 0, "3010", Decimal(-1000), Decimal("2.500000")),
    ]
    assert not doc.balances[1].amount.is_signed()  # -0.00 is plain zero
    assert doc.object_balances == [
        ObjectBalance("OIB", 0, "1930", (1, "1"), Decimal(7600)),
        ObjectBalance("OUB", 0, "1510", (1, "1"), Decimal(1063)),
    ]
    assert doc.period_balances == [
        PeriodBalance("PSALDO", 0, "201101", "1510", ((1, "Nord"), (7, "4")), Decimal("9031.00")),
        PeriodBalance("PBUDGET", 0, "200907", "3010", (), Decimal(-100000)),
    ]
    assert doc.balances[0].line == 9


def test_voucher_with_fortnox_empty_fields_and_empty_series() -> None:
    doc, _ = read(
        HEAD
        + '#VER "" "" 20170105 "Leverantörsfaktura" 20170106\n{\n'
        + '   #TRANS 2440 {} -11441.2 "" "" 0\n'
        + '\t#TRANS 6110 {1 "100"} 11441.20 20170105 "Papper"\n}\n'
    )
    (voucher,) = doc.vouchers
    assert (voucher.series, voucher.number, voucher.date, voucher.registered) == (
        "",
        "",
        date(2017, 1, 5),
        date(2017, 1, 6),
    )
    assert voucher.rows == (
        VoucherRow(RowKind.NORMAL, "2440", Decimal("-11441.2"), quantity=Decimal(0)),
        VoucherRow(
            RowKind.NORMAL, "6110", Decimal("11441.20"), ((1, "100"),), date(2017, 1, 5), "Papper"
        ),
    )
    assert voucher.total() == 0


def test_rtrans_is_counted_once_and_its_trans_twin_is_skipped() -> None:
    doc, issues = read(
        HEAD
        + '#VER A 25 20170122 "Fsg" 20170326\n{\n#TRANS 1930 {} 1000 20170122 ""\n'
        + "#TRANS 1680 {} -1000 20170122\n"
        + '#RTRANS 1930 {} 500 20170326 "" "" "2 Christer"\n#TRANS 1930 {} 500 20170122 ""\n'
        + '#RTRANS 3010 { "1" "1"} -500 20170326 "" "" "2 Christer"\n'
        + '#TRANS 3010 { "1" "1"} -500 20170122 ""\n}\n'
    )
    (voucher,) = doc.vouchers
    assert [r.kind for r in voucher.rows] == [
        RowKind.NORMAL,
        RowKind.NORMAL,
        RowKind.ADDED,
        RowKind.ADDED,
    ]
    assert voucher.rows[2].signature == "2 Christer"
    assert voucher.total() == 0
    assert "rtrans_twin_missing" not in codes(issues)


def test_rtrans_without_its_twin_is_kept_and_reported() -> None:
    doc, issues = read(HEAD + "#VER A 1 20170122 x\n{\n#RTRANS 1930 {} 5\n#TRANS 3010 {} -5\n}\n")
    assert [r.kind for r in doc.vouchers[0].rows] == [RowKind.ADDED, RowKind.NORMAL]
    assert ("rtrans_twin_missing", 11) in {(i.code, i.line) for i in issues}


def test_btrans_rows_are_kept_as_removed_and_do_not_count() -> None:
    doc, issues = read(
        HEAD
        + '#VER A 8 20170210 "Varor" 20170214\n{\n#BTRANS 1930  {} -1000 20171007 "" "" "2 C"\n'
        + "#BTRANS 4010  {} 1000 20171007\n}\n"
    )
    (voucher,) = doc.vouchers
    assert [r.kind for r in voucher.rows] == [RowKind.REMOVED, RowKind.REMOVED]
    assert not any(r.counts for r in voucher.rows)
    assert voucher.total() == 0
    assert "voucher_empty" not in codes(issues)


def test_unknown_labels_are_skipped_with_one_warning_each() -> None:
    doc, issues = read(HEAD + "#NYTTFALT 1 2\n#NYTTFALT 3\n#KONTO 1930 Bank\n")
    unknown = [i for i in issues if i.code == "unknown_label"]
    assert [(i.line, i.severity.value) for i in unknown] == [(9, "warning")]
    assert "1930" in doc.accounts


def test_strict_mode_raises_on_the_first_error_with_the_issues() -> None:
    text = HEAD + "#VER A 1 20170230 x\n{\n#TRANS 1930 {} 1\n#TRANS 3010 {} -1\n}\n"
    _, issues = read(text)
    assert ("date_invalid", 9) in {(i.code, i.line) for i in issues}
    with pytest.raises(SieFormatError) as info:
        read(text, strict=True)
    assert info.value.issues[-1].code == "date_invalid"
    assert "20170230" in info.value.issues[-1].message_sv


def test_leap_day_is_valid_only_in_leap_years() -> None:
    text = HEAD + "#VER A 1 {d} x\n{{\n#TRANS 1930 {{}} 1\n#TRANS 3010 {{}} -1\n}}\n"
    assert "date_invalid" not in codes(read(text.format(d="20160229"))[1])
    assert "date_invalid" in codes(read(text.format(d="20170229"))[1])


def test_truncated_file_with_open_checksum_is_refused() -> None:
    with pytest.raises(SieFormatError) as info:
        read("#FLAGGA 0\n#KSUMMA\n#PROGRAM X 1\n#FNAMN AB\n#KONTO 1930 Bank\n")
    assert info.value.issues[-1].code == "truncated"


def test_cut_off_voucher_is_reported_and_still_yielded() -> None:
    doc, issues = read(HEAD + "#VER A 1 20170101 x\n{\n#TRANS 1930 {} 1\n")
    assert len(doc.vouchers) == 1
    assert ("voucher_unclosed", 9) in {(i.code, i.line) for i in issues}


def test_empty_input_is_not_sie() -> None:
    with pytest.raises(SieFormatError) as info:
        read("")
    assert info.value.issues[-1].code == "not_sie"


def test_reader_streams_items_in_file_order_and_fills_chart_dicts() -> None:
    reader = SieReader(
        io.BytesIO(
            (
                HEAD
                + "#KONTO 1930 Bank\n#IB 0 1930 5\n#VER A 1 20170101 x\n{\n#TRANS 1930 {} 1\n"
                + "#TRANS 3010 {} -1\n}\n#UB 0 1930 6\n"
            ).encode("cp437")
        )
    )
    kinds = [type(item).__name__ for item in reader]
    assert kinds == ["Balance", "Voucher", "Balance"]
    assert reader.accounts["1930"].name == "Bank"
    assert reader.encoding == "cp437"
    with pytest.raises(RuntimeError):
        iter(reader)


def test_fast_built_records_equal_constructed_ones() -> None:
    doc, _ = read(
        HEAD
        + '#VER A 1 20170101 "x"\n{\n#TRANS 1930 {1 "2"} 1.50 20170101 "t"\n'
        + "#TRANS 3010 {} -1.50\n}\n"
    )
    voucher = doc.vouchers[0]
    assert type(voucher) is Voucher
    assert type(voucher.rows[0]) is VoucherRow
    expected = Voucher(
        "A",
        "1",
        date(2017, 1, 1),
        "x",
        (
            VoucherRow(RowKind.NORMAL, "1930", Decimal("1.50"), ((1, "2"),), date(2017, 1, 1), "t"),
            VoucherRow(RowKind.NORMAL, "3010", Decimal("-1.50")),
        ),
    )
    assert voucher == expected
    assert hash(voucher) == hash(expected)
    with pytest.raises(AttributeError):
        voucher.series = "B"  # type: ignore[misc]


_VOUCHER = '#VER "" "" 20170105 "Kassa"\n{\n#TRANS 1930 {} 5\n#TRANS 3010 {} -5\n}\n'


def _read_path(path: Path, text: str, **kwargs: bool) -> SieReader:
    path.write_bytes(text.encode("cp437"))
    reader = SieReader(path, **kwargs)
    list(reader)
    return reader


def test_path_source_with_si_suffix_and_only_vouchers_is_an_import_file(tmp_path: Path) -> None:
    reader = _read_path(tmp_path / "x.SI", HEAD + _VOUCHER)
    assert reader.import_file
    # 4I leniency: the empty series and number are not reported.
    assert not codes(reader.issues) & {"voucher_series_missing", "voucher_number_missing"}
    assert "export_named_as_4i" not in codes(reader.issues)


def test_si_file_stating_balances_is_read_as_an_export_with_a_warning(tmp_path: Path) -> None:
    # An old Fortnox export named .si: balances first, then vouchers that do not explain UB.
    reader = _read_path(
        tmp_path / "x.si", HEAD + "#IB 0 1930 5\n#UB 0 1930 7\n#RES 0 3010 -5\n" + _VOUCHER
    )
    assert not reader.import_file
    warning = next(i for i in reader.issues if i.code == "export_named_as_4i")
    assert warning.severity is Severity.WARNING
    assert warning.line == 9  # the first #IB, right after the 8 lines of HEAD
    assert ".si" in warning.message_sv
    assert "exportfil" in warning.message_sv
    assert ".si" in warning.message_en
    assert "export file" in warning.message_en
    found = codes(reader.issues)
    assert "balance_in_4i" not in found
    # Read as 4E: the balance check runs (5 + 5 != 7) and the empty series is reported.
    mismatches = [i for i in reader.issues if i.code == "balance_mismatch"]
    assert [i.message_en.split()[1] for i in mismatches] == ["1930"]
    assert "voucher_series_missing" in found


def test_balances_after_the_vouchers_of_an_si_file_are_misplaced_4i_balances(
    tmp_path: Path,
) -> None:
    # An export names its balances before its vouchers; after them they are 4I's mistake.
    reader = _read_path(tmp_path / "x.si", HEAD + _VOUCHER + "#IB 0 1930 5\n")
    assert reader.import_file
    assert "balance_in_4i" in codes(reader.issues)
    assert "export_named_as_4i" not in codes(reader.issues)


def test_explicit_import_file_is_not_overturned_by_the_content(tmp_path: Path) -> None:
    reader = _read_path(tmp_path / "x.se", HEAD + "#IB 0 1930 5\n", import_file=True)
    assert reader.import_file
    assert "balance_in_4i" in codes(reader.issues)
    assert "export_named_as_4i" not in codes(reader.issues)
