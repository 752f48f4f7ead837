"""Specification of the SIE writer: bytes, quoting, amounts, per-type content, order, KSUMMA."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.sie._tokens import split_fields
from bokslut.sie.errors import SieFormatError
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
    PeriodBalance,
    RowKind,
    SieObject,
    Voucher,
    VoucherRow,
)
from bokslut.sie.reader import read_document
from bokslut.sie.writer import (
    SieType,
    SieWriteError,
    SieWriter,
    format_amount,
    quote_field,
    write_document,
)

from .strategies import texts

D = Decimal
TODAY = dt.date(2025, 2, 14)


def ledger() -> Document:
    """A small but complete ledger in the shape Fortnox exports."""
    return Document(
        header=Header(
            program="Fortnox",
            program_version="3.0",
            generated=dt.date(2025, 2, 1),
            company_name="Övningsbolaget AB",
            org_number="556677-8899",
            address=Address("Anna Ek", "Storgatan 1", "411 38 Göteborg", "031-123456"),
            years={
                0: FinancialYear(0, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
                -1: FinancialYear(-1, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
            },
        ),
        accounts={
            "1930": Account("1930", "Företagskonto", AccountType.ASSET, sru=("7281",)),
            "3001": Account("3001", "Försäljning 25 %", AccountType.INCOME),
        },
        dimensions={1: Dimension(1, "Kostnadsställe"), 6: Dimension(6, "Projekt")},
        objects={(1, "100"): SieObject(1, "100", "Göteborg")},
        balances=[
            Balance("IB", 0, "1930", D("1000.00")),
            Balance("UB", 0, "1930", D("1100.00")),
            Balance("RES", 0, "3001", D("-100.00")),
        ],
        object_balances=[ObjectBalance("OUB", 0, "3001", (1, "100"), D("-100.00"))],
        period_balances=[
            PeriodBalance("PSALDO", 0, "202401", "3001", (), D("-100.00")),
            PeriodBalance("PSALDO", 0, "202401", "3001", ((1, "100"),), D("-100.00")),
        ],
        vouchers=[
            Voucher(
                "A",
                "1",
                dt.date(2024, 1, 5),
                "Kundfaktura 1001",
                (
                    VoucherRow(RowKind.NORMAL, "1930", D("100.00")),
                    VoucherRow(RowKind.NORMAL, "3001", D("-100.00"), ((1, "100"),)),
                ),
                registered=dt.date(2024, 1, 6),
            )
        ],
    )


def written(doc: Document, **options: object) -> bytes:
    buf = io.BytesIO()
    write_document(doc, buf, today=TODAY, **options)  # type: ignore[arg-type]
    return buf.getvalue()


def lines_of(data: bytes) -> list[str]:
    return data.decode("cp437").split("\r\n")[:-1]


def labels_of(data: bytes) -> list[str]:
    return [line.split(" ", 1)[0] for line in lines_of(data)]


# -- bytes and fields -------------------------------------------------------------------------


def test_output_is_cp437_with_crlf_line_ends() -> None:
    data = written(ledger())
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert '#FNAMN "Övningsbolaget AB"'.encode("cp437") in data
    assert "Övningsbolaget".encode() not in data  # not UTF-8


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (D("-0.00"), "0.00"),
        (D("-0"), "0"),
        (D("1E+3"), "1000"),
        (D("-11441.2"), "-11441.2"),
        (D("10.50"), "10.50"),
        (D("0.000001"), "0.000001"),
    ],
)
def test_amounts_keep_their_scale_without_exponent_or_negative_zero(
    amount: Decimal, text: str
) -> None:
    assert format_amount(amount) == text


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_any_finite_amount_reads_back_equal(amount: Decimal) -> None:
    text = format_amount(amount)
    assert "E" not in text.upper()
    assert not (Decimal(text).is_zero() and text.startswith("-"))
    assert Decimal(text) == amount


def test_non_finite_amount_is_refused() -> None:
    with pytest.raises(SieWriteError):
        format_amount(D("NaN"))


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("1930", "1930"),
        ("Företagskonto", "Företagskonto"),
        ("Kassa och bank", '"Kassa och bank"'),
        ("", '""'),
        ('Kassa "special"', '"Kassa \\"special\\""'),
        ("a{b}", '"a{b}"'),
        ("C:\\ProgramData", "C:\\ProgramData"),
    ],
)
def test_fields_are_quoted_only_when_they_must_be(value: str, field: str) -> None:
    assert quote_field(value) == field


@given(texts)
def test_any_writable_text_splits_back_to_itself(text: str) -> None:
    fields, objects = split_fields(f"#KONTO 1930 {quote_field(text)} 1")
    assert fields == ["#KONTO", "1930", text, "1"]
    assert objects is None


def test_object_lists_are_braced_with_quoted_codes() -> None:
    assert '#TRANS 3001 {1 "100"} -100.00' in lines_of(written(ledger()))
    assert "#TRANS 1930 {} 100.00" in lines_of(written(ledger()))


def test_dates_are_yyyymmdd() -> None:
    assert '#VER A 1 20240105 "Kundfaktura 1001" 20240106' in lines_of(written(ledger()))


def test_absent_fields_inside_a_record_are_empty_and_trailing_ones_left_out() -> None:
    doc = ledger()
    doc.vouchers = [
        Voucher(
            "A",
            "2",
            None,
            "x",
            (
                VoucherRow(RowKind.NORMAL, "1930", D("1"), quantity=D("2")),
                VoucherRow(RowKind.NORMAL, "3001", D("-1")),
            ),
            signature="AE",
        )
    ]
    lines = lines_of(written(doc))
    assert '#VER A 2 "" x "" AE' in lines
    assert '#TRANS 1930 {} 1 "" "" 2' in lines
    assert "#TRANS 3001 {} -1" in lines


# -- text that SIE cannot carry ------------------------------------------------------------


def test_character_outside_cp437_is_written_as_question_mark_and_reported() -> None:
    doc = ledger()
    doc.accounts["3001"] = Account("3001", "Försäljning €", AccountType.INCOME)
    buf = io.BytesIO()
    issues = write_document(doc, buf, today=TODAY)
    assert '#KONTO 3001 "Försäljning ?"' in lines_of(buf.getvalue())
    assert [i.code for i in issues] == ["write.not_cp437"]
    assert issues[0].line == lines_of(buf.getvalue()).index('#KONTO 3001 "Försäljning ?"') + 1


def test_strict_mode_refuses_a_character_outside_cp437() -> None:
    doc = ledger()
    doc.header.company_name = "Bolaget ✓ AB"
    with pytest.raises(SieWriteError, match="CP437"):
        write_document(doc, io.BytesIO(), errors="strict")


def test_line_breaks_in_text_become_spaces_and_are_reported() -> None:
    doc = ledger()
    doc.vouchers = [v.__class__(**{**_fields(v), "text": "rad 1\r\nrad 2"}) for v in doc.vouchers]
    buf = io.BytesIO()
    issues = write_document(doc, buf, today=TODAY)
    assert '#VER A 1 20240105 "rad 1  rad 2" 20240106' in lines_of(buf.getvalue())
    assert [i.code for i in issues] == ["write.control_char"]


def test_quoted_text_ending_in_backslash_gets_a_space_and_is_reported() -> None:
    doc = ledger()
    doc.header.company_id = "C:\\Program Files\\"
    issues = write_document(doc, buf := io.BytesIO(), today=TODAY)
    assert '#FNR "C:\\Program Files\\ "' in lines_of(buf.getvalue())
    assert [i.code for i in issues] == ["write.trailing_backslash"]


def _fields(voucher: Voucher) -> dict[str, object]:
    return {name: getattr(voucher, name) for name in Voucher.__slots__}  # type: ignore[attr-defined]


# -- voucher rows ---------------------------------------------------------------------------


def test_added_row_is_followed_by_its_identical_trans_twin_and_removed_row_is_not() -> None:
    doc = ledger()
    doc.vouchers = [
        Voucher(
            "A",
            "1",
            dt.date(2024, 1, 5),
            "Rättad",
            (
                VoucherRow(RowKind.NORMAL, "1930", D("100.00")),
                VoucherRow(RowKind.REMOVED, "3001", D("-100.00"), text="fel konto"),
                VoucherRow(RowKind.ADDED, "3002", D("-100.00"), text="rätt konto"),
            ),
        )
    ]
    lines = lines_of(written(doc))
    start = lines.index("#VER A 1 20240105 Rättad")
    assert lines[start + 1 : start + 7] == [
        "{",
        "#TRANS 1930 {} 100.00",
        '#BTRANS 3001 {} -100.00 "" "fel konto"',
        '#RTRANS 3002 {} -100.00 "" "rätt konto"',
        '#TRANS 3002 {} -100.00 "" "rätt konto"',
        "}",
    ]


# -- what each type holds, and in which order -----------------------------------------------

_EXPECTED_LABELS: dict[str, set[str]] = {
    "1": {"#IB", "#UB", "#RES"},
    "2": {"#IB", "#UB", "#RES", "#PSALDO"},
    "3": {"#IB", "#UB", "#RES", "#PSALDO", "#DIM", "#OBJEKT", "#OUB"},
    "4E": {"#IB", "#UB", "#RES", "#PSALDO", "#DIM", "#OBJEKT", "#OUB", "#VER", "#TRANS"},
    "4I": {"#DIM", "#OBJEKT", "#VER", "#TRANS"},
}
_CONTENT = {"#IB", "#UB", "#RES", "#PSALDO", "#DIM", "#OBJEKT", "#OUB", "#VER", "#TRANS"}


@pytest.mark.parametrize("sie_type", ["1", "2", "3", "4E", "4I"])
def test_each_type_holds_only_what_the_spec_gives_it(sie_type: SieType) -> None:
    data = written(ledger(), sie_type=sie_type)
    labels = labels_of(data)
    assert set(labels) & _CONTENT == _EXPECTED_LABELS[sie_type]
    assert f"#SIETYP {sie_type[0]}" in lines_of(data)
    assert {"#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#FNAMN", "#KONTO"} <= set(labels)


def test_type_2_leaves_out_period_balances_per_object() -> None:
    psaldo = [line for line in lines_of(written(ledger(), sie_type="2")) if "#PSALDO" in line]
    assert psaldo == ["#PSALDO 0 202401 3001 {} -100.00"]


def test_records_follow_the_spec_order() -> None:
    order = [
        "#FLAGGA",
        "#PROGRAM",
        "#FORMAT",
        "#GEN",
        "#SIETYP",
        "#ORGNR",
        "#ADRESS",
        "#FNAMN",
        "#RAR",
        "#KONTO",
        "#DIM",
        "#OBJEKT",
        "#IB",
        "#OUB",
        "#PSALDO",
        "#VER",
    ]
    labels = labels_of(written(ledger()))
    firsts = [labels.index(label) for label in order]
    assert firsts == sorted(firsts)
    assert labels[labels.index("#RAR") : labels.index("#RAR") + 2] == ["#RAR", "#RAR"]
    assert "#RAR 0 20240101 20241231" in lines_of(written(ledger()))


def test_missing_identification_is_filled_in() -> None:
    lines = lines_of(written(Document(header=Header(company_name="X AB"))))
    assert lines[:5] == [
        "#FLAGGA 0",
        "#PROGRAM bokslut 0.1.0",
        "#FORMAT PC8",
        "#GEN 20250214",
        "#SIETYP 4",
    ]


# -- streaming ------------------------------------------------------------------------------


class _CountingStream(io.BytesIO):
    writes = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes += 1
        return super().write(data)


def _many_vouchers(count: int) -> Iterator[Voucher]:
    for n in range(1, count + 1):
        yield Voucher(
            "A",
            str(n),
            dt.date(2024, 1, 1),
            "x",
            (VoucherRow(RowKind.NORMAL, "1930", D(n)), VoucherRow(RowKind.NORMAL, "3001", D(-n))),
        )


def test_streaming_writer_writes_as_it_goes() -> None:
    stream = _CountingStream()
    writer = SieWriter(stream, today=TODAY)
    writer.write_header(Header(company_name="X"))
    writer.write_items(_many_vouchers(5000))
    written_before_close = len(stream.getvalue())
    writer.close()
    # 5000 vouchers are 25000 lines: most must have reached the stream before close().
    assert written_before_close > len(stream.getvalue()) * 0.8
    assert stream.writes > 5
    assert writer.lines_written == 6 + 5 * 5000  # header records, then #VER { #TRANS #TRANS }
    assert not stream.closed


def test_path_target_is_opened_and_closed_by_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "ut.se"
    with SieWriter(path, today=TODAY) as writer:
        writer.write_header(Header(company_name="X"))
        writer.write_items(_many_vouchers(3))
    assert path.read_bytes().count(b"#TRANS") == 6


def test_balance_after_a_voucher_is_refused() -> None:
    writer = SieWriter(io.BytesIO())
    writer.write_header(Header())
    writer.write_item(next(_many_vouchers(1)))
    with pytest.raises(SieWriteError, match="before the first voucher"):
        writer.write_item(Balance("UB", 0, "1930", D(1)))


def test_item_before_the_header_is_refused() -> None:
    with pytest.raises(SieWriteError, match="write_header"):
        SieWriter(io.BytesIO()).write_item(Balance("UB", 0, "1930", D(1)))


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SIE type"):
        SieWriter(io.BytesIO(), sie_type="5")  # type: ignore[arg-type]


# -- KSUMMA ---------------------------------------------------------------------------------


def test_checksum_markers_open_after_flagga_and_close_the_file() -> None:
    lines = lines_of(written(ledger(), checksum=True))
    assert lines[:2] == ["#FLAGGA 0", "#KSUMMA"]
    assert lines[-1].startswith("#KSUMMA ")
    assert sum(1 for line in lines if line.startswith("#KSUMMA")) == 2


def test_checksum_is_crc32_of_labels_and_field_contents() -> None:
    doc = Document(header=Header(company_name="X"))
    doc.accounts["1915"] = Account("1915", 'Kassa "special"')
    lines = lines_of(written(doc, checksum=True))
    summed = ["#PROGRAMbokslut0.1.0", "#FORMATPC8", "#GEN20250214", "#SIETYP4", "#FNAMNX"]
    summed.append('#KONTO1915Kassa "special"')
    assert lines[-1] == f"#KSUMMA {zlib.crc32(''.join(summed).encode('cp437'))}"


def test_written_checksum_verifies_and_a_changed_byte_is_caught() -> None:
    data = written(ledger(), checksum=True)
    doc, _ = read_document(io.BytesIO(data))
    assert doc.accounts["1930"].name == "Företagskonto"
    tampered = data.replace(b"1100.00", b"1100.10")
    with pytest.raises(SieFormatError):
        read_document(io.BytesIO(tampered))


def test_a_failed_export_has_no_closing_checksum(tmp_path: Path) -> None:
    path = tmp_path / "avbruten.se"

    def export() -> None:
        with SieWriter(path, checksum=True) as writer:
            writer.write_header(Header(company_name="X"))
            raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        export()
    lines = lines_of(path.read_bytes())
    assert lines[1] == "#KSUMMA"
    assert not lines[-1].startswith("#KSUMMA")
