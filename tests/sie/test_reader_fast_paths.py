"""The reader's fast paths read every line exactly as its general path does.

The fast paths only take lines that start at the first column (``#TRANS ``, ``#VER ``,
``{``, ``}``); indenting a record sends it through the general path, which strips it and
must give the same items, line numbers and issues. So a file and its tab-indented copy are
read identically, whatever odd shapes its voucher lines have.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bokslut.sie import SieFormatError, SieReader
from bokslut.sie.generator import write_generated_sie
from bokslut.sie.model import Issue, Item, RowKind, Voucher, VoucherRow

HEAD = """#FLAGGA 0
#PROGRAM "Fortnox" 3.0
#FORMAT PC8
#GEN 20240105
#SIETYP 4
#FNAMN "Fastväg AB"
#ORGNR 556012-5790
#RAR 0 20240101 20241231
#KONTO 1930 "Bank"
#KONTO 3001 "Försäljning"
#KONTO 2611 "Utgående moms"
#DIM 1 "Kostnadsställe"
#OBJEKT 1 "20" "Väst"
"""

_ACCOUNT = st.sampled_from(["1930", "3001", "2611", "19X0", '""', '"1930"', "1930{", ""])
_OBJECTS = st.sampled_from(
    [
        "{}",
        "{ }",
        '{1 "20"}',
        '{1 "20" 6 "P1"}',
        "{1 20}",
        '{1 "2 0"}',
        '{1 "20}',
        "{x 1}",
        "{1}",
        "",
    ]
)
_AMOUNT = st.sampled_from(
    [
        "100.00",
        "-100.00",
        "-0.00",
        "0",
        "1e3",
        "+5",
        "1_000",
        "NaN",
        "-Infinity",
        "12,50",
        "abc",
        "",
    ]
)
_DATE = st.sampled_from(["", "20240105", "20241399", "2024-01-05", '""', '"20240105"', "19990101"])
_TEXT = st.sampled_from(["", '""', '"Kort"', '"Moms 25%"', '"a {b}"', '"x\\"y"', "bare", '"open'])
_EXTRA = st.sampled_from(["", " 2", ' "" 3.5', " 1 Sign", "  ", "\t"])
_LABEL = st.sampled_from(["#TRANS", "#TRANS", "#TRANS", "#RTRANS", "#BTRANS"])
_SEP = st.sampled_from([" ", " ", "  ", "\t"])


@st.composite
def _row(draw: st.DrawFn) -> str:
    sep = draw(_SEP)
    parts = [draw(_LABEL), draw(_ACCOUNT), draw(_OBJECTS), draw(_AMOUNT), draw(_DATE)]
    parts.append(draw(_TEXT))
    return sep.join(p for p in parts if p) + draw(_EXTRA)


_VER_HEAD = st.sampled_from(
    [
        '#VER A 1 20240105 "Kortköp"',
        '#VER A 2 20240105 "Kortköp" 20240106',
        '#VER A 3 20240105 "Kortköp" 20240106 "Anna"',
        '#VER "A" "4" 20240105 "Citat"',
        "#VER A 5 20240105",
        "#VER  6 20240105 Text",
        "#VER 1 20240105 Text",
        "#VER 1 20240105 Textrad",
        "#VER 7 20240105 abcdefgh",
        '#VER A 12 18991231 "Gammal"',
        '#VER A 7 20241340 "Fel datum"',
        '#VER A 8 "" "Utan datum"',
        '#VER A 9 2024-01-05 "ISO"',
        '#VER A 10 20240105 "med \\" citat"',
        '#VER A 11 20240105 "öppen',
        '#VER B 1 20240105 "" ""',
    ]
)


@st.composite
def _voucher(draw: st.DrawFn) -> str:
    lines = [draw(_VER_HEAD)]
    if draw(st.integers(0, 9)):
        lines.append("{")
    lines += draw(st.lists(_row(), max_size=5))
    if draw(st.integers(0, 9)):
        lines.append("}")
    return "\n".join(lines)


def _read(text: str, **options: object) -> tuple[list[tuple[object, ...]], list[Issue]]:
    reader = SieReader(io.BytesIO(text.encode("cp437", "replace")), **options)  # type: ignore[arg-type]
    items: list[tuple[object, ...]] = []
    try:
        for item in reader:
            items.append(_with_lines(item))
    except SieFormatError as error:
        items.append(("raised", tuple(str(i) for i in error.issues)))
    return items, reader.issues


def _with_lines(item: Item) -> tuple[object, ...]:
    """The item with its line numbers and amounts as written (equality ignores both)."""
    if isinstance(item, Voucher):
        return (item, item.line, tuple((row.line, str(row.amount)) for row in item.rows))
    return (item, item.line)


def _indented(text: str) -> str:
    return "\n".join("\t" + line if line else line for line in text.split("\n"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_voucher(), min_size=1, max_size=6), st.booleans(), st.booleans())
def test_fast_paths_read_odd_voucher_lines_like_the_general_path(
    vouchers: list[str], crlf: bool, strict: bool
) -> None:
    text = HEAD + "\n".join(vouchers) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    fast = _read(text, strict=strict)
    general = _read(_indented(text), strict=strict)
    assert fast == general


def test_common_shapes_take_the_fast_paths_and_read_right() -> None:
    text = HEAD + (
        '#VER A 1 20240105 "Kortköp" 20240106\n{\n'
        "#TRANS 1930 {} -125.00\n"
        '#TRANS 3001 {1 "20"} 100.00 20240105 "Moms 25%"\n'
        '#TRANS 2611 {} 25.00 20240105 ""\n'
        "#TRANS 2611 {} -0.00\n"
        "}\n"
    )
    items, issues = _read(text)
    assert [i.code for i in issues] == []
    voucher, line, row_lines = items[0]
    assert (line, [n for n, _ in row_lines]) == (14, [16, 17, 18, 19])
    day = date(2024, 1, 5)
    assert voucher == Voucher(
        "A",
        "1",
        day,
        "Kortköp",
        (
            VoucherRow(RowKind.NORMAL, "1930", Decimal("-125.00")),
            VoucherRow(RowKind.NORMAL, "3001", Decimal("100.00"), ((1, "20"),), day, "Moms 25%"),
            VoucherRow(RowKind.NORMAL, "2611", Decimal("25.00"), (), day),
            VoucherRow(RowKind.NORMAL, "2611", Decimal("0.00")),
        ),
        date(2024, 1, 6),
    )
    assert str(voucher.rows[3].amount) == "0.00"  # "-0.00" read as zero without a sign


def test_invalid_object_list_on_the_fast_path_is_reported_once_per_row() -> None:
    text = HEAD + '#VER A 1 20240105 "x"\n{\n#TRANS 1930 {1} 5\n#TRANS 3001 {1} -5\n}\n'
    _, issues = _read(text)
    assert [(i.code, i.line) for i in issues if i.code == "object_list_invalid"] == [
        ("object_list_invalid", 16),
        ("object_list_invalid", 17),
    ]


def test_generated_ledger_reads_the_same_through_either_path(tmp_path: Path) -> None:
    path = tmp_path / "g.se"
    made = write_generated_sie(path, seed=7, transactions=3_000, checksum=False)
    text = path.read_bytes().decode("cp437")
    fast = _read(text)
    assert fast == _read(_indented(text))
    vouchers = [entry[0] for entry in fast[0] if isinstance(entry[0], Voucher)]
    # Every #TRANS line is a normal row or the twin of an added (#RTRANS) one.
    trans = sum(row.kind is not RowKind.REMOVED for v in vouchers for row in v.rows)
    assert (len(vouchers), trans) == (made.vouchers, made.transactions)
    assert fast[1] == []


@pytest.mark.parametrize("size", [1, 2, 3])
def test_a_voucher_split_across_read_chunks_is_read_whole(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bokslut.sie import reader as reader_module

    monkeypatch.setattr(reader_module, "CHUNK_SIZE", size)
    text = HEAD + '#VER A 1 20240105 "x"\r\n{\r\n#TRANS 1930 {} 5\r\n#TRANS 3001 {} -5\r\n}\r\n'
    small = _read(text)
    monkeypatch.setattr(reader_module, "CHUNK_SIZE", 1 << 20)
    assert small == _read(text)
    assert len(small[0][0][0].rows) == 2  # type: ignore[union-attr]
