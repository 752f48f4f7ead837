"""The compiled accelerator (``bokslut.sie._speedups``) changes nothing but speed.

Every file is read twice, with the accelerator and on the pure-Python path, and the two
readings must agree on items, their line numbers (which equality ignores), amounts as
written, and issues. The odd lines are aimed at the edges of what the C side accepts:
escapes, tabs and other whitespace, object lists, amounts, dates, texts, vouchers cut by a
chunk boundary. Without a built accelerator the tests skip (and fail under CI=true, where
a compiler is always present).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bokslut.sie import SieFormatError, SieReader
from bokslut.sie import reader as sie_reader
from bokslut.sie.generator import write_generated_sie
from bokslut.sie.model import Issue, Item, Voucher

from .conftest import well_formed_files

ROOT = Path(__file__).resolve().parents[2]


def _require_accelerator() -> None:
    if sie_reader.use_accelerator(True):
        return
    reason = "bokslut.sie._speedups is not built (pip install -e . with a C compiler)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def accelerator() -> Iterator[None]:
    """Each test starts with the accelerator on and leaves the switch as it found it."""
    was_on = sie_reader.accelerated()
    _require_accelerator()
    yield
    sie_reader.use_accelerator(was_on)


Reading = tuple[list[tuple[object, ...]], list[Issue], str]


def _with_lines(item: Item) -> tuple[object, ...]:
    """The item with its line numbers and amounts as written (equality ignores both)."""
    if isinstance(item, Voucher):
        rows = tuple((row.line, str(row.amount), row.text, row.date) for row in item.rows)
        return (item, item.line, item.text, rows)
    return (item, item.line)


def _read_once(data: bytes, *, name: str | None = None, **options: object) -> Reading:
    stream = io.BytesIO(data)
    if name is not None:
        stream.name = name  # type: ignore[attr-defined]
    reader = SieReader(stream, **options)  # type: ignore[arg-type]
    items: list[tuple[object, ...]] = []
    try:
        for item in reader:
            items.append(_with_lines(item))
    except SieFormatError as error:
        items.append(("raised", tuple(str(i) for i in error.issues)))
    return items, reader.issues, reader.encoding


def _read_both(data: bytes, **options: object) -> tuple[Reading, Reading]:
    assert sie_reader.use_accelerator(True)
    fast = _read_once(data, **options)
    sie_reader.use_accelerator(False)
    try:
        pure = _read_once(data, **options)
    finally:
        sie_reader.use_accelerator(True)
    return fast, pure


HEAD = """#FLAGGA 0
#PROGRAM "Fortnox" 3.0
#FORMAT PC8
#GEN 20240105
#SIETYP 4
#FNAMN "Snabbspår AB"
#ORGNR 556012-5790
#RAR 0 20240101 20241231
#KONTO 1930 "Bank"
#KONTO 3001 "Försäljning"
#KONTO 2611 "Utgående moms"
#DIM 1 "Kostnadsställe"
#OBJEKT 1 "20" "Väst"
"""

# Each part of a voucher line has shapes the accelerator must read (first list) and shapes
# it must leave to the Python path (second list). A line takes an odd part now and then,
# so that most vouchers are read in C and the odd ones sit between them.
_PARTS: dict[str, tuple[list[str], list[str]]] = {
    "sep": ([" ", " ", "  ", "\t", " \t"], ["\xa0", "\x0b", "\x1c", "\r"]),
    "series": (["A", "B", '"A"', '""', "1", '"A B"', "Ä", "A\\B"], ['"A\\"', '"A']),
    "number": (["1", "2", "10", '"3"', '""', "x7", "²"], ["", "20240105"]),
    "date": (
        ["20240105", "20240106", "20241231", '"20240107"'],
        ["20240230", "2024-01-05", "18991231", "", '""', "٢٠٢٤٠١٠٥", "2024010", "20240105x"],
    ),
    "text": (
        [
            '"Kortköp"',
            '""',
            '"med \\" citat"',
            '"a\\b"',
            '"två  mellanslag"',
            '"tab\there"',
            '"nbsp\xa0här"',
            "bar",
            '"a" "b"',
            '"x"y',
        ],
        ['"slut \\"', '"öppen', '"{kl}"', '"a}"'],
    ),
    "account": (["1930", "3001", "2611", "0001930"], ["19X0", "１９３０", "", '"1930"', "1930{"]),
    "objects": (
        [
            "{}",
            "{ }",
            "{\t}",
            '{1 "20"}',
            '{1 "20" 6 "P1"}',
            "{1 20}",
            '{ 1  "20" }',
            '{1 "2 0"}',
            "{01 20}",
            "{1 ö}",
            '{1 "a\xa0b"}',
            '{1 ""}',
        ],
        [
            '{1 "20}',
            "{x 1}",
            "{1}",
            '{"1" "20"}',
            '{1"20"}',
            '{1 "a""b"}',
            "{1 a\\b}",
            "{1 a\xa0b}",
            "{1234567890 5}",
            "{{}",
            "",
            "{1 20 }x",
            '{1 "a\\"b"}',
            "{1 a\tb}",
        ],
    ),
    "amount": (
        [
            "100.00",
            "-100.00",
            "-0.00",
            "0",
            "-0",
            "0.000",
            "-0.0",
            "12",
            "-7.5",
            "99999999999999999999999999999999.99",
            "-000.10",
        ],
        ["1e3", "+5", "1_000", "NaN", "-Infinity", "12,50", ".5", "5.", "abc", "", "１２"],
    ),
    "row_date": (["", "", "20240105", "20240106"], ["20240230", '""', "2024-01-05", "1999"]),
    "row_text": (
        ["", '"Moms 25%"', '""', '"ö å ä"', '"  "', '"nbsp\xa0"'],
        ['"x\\"y"', '"öppen', "bare", '"a"b', '"a" "b"'],
    ),
    "extra": (["", "", "  ", "\t"], [" 2", ' "" 3.5', " 1 Sign", "\xa0", "\r", " x"]),
    "label": (["#TRANS"], ["#RTRANS", "#BTRANS", "#TRANS\t", "#TRANSX", " #TRANS"]),
}


@st.composite
def _part(draw: st.DrawFn, name: str, odd: bool) -> str:
    good, bad = _PARTS[name]
    return draw(st.sampled_from(bad if odd else good))


@st.composite
def _line(draw: st.DrawFn, names: list[str], odd_chance: int) -> list[str]:
    """The parts of one line; with chance 1/odd_chance one of them is odd."""
    odd_one = draw(st.sampled_from(names)) if draw(st.integers(1, odd_chance)) == 1 else ""
    return [draw(_part(name, name == odd_one)) for name in names]


@st.composite
def _ver(draw: st.DrawFn) -> str:
    sep, series, number, when, text, extra = draw(
        _line(["sep", "series", "number", "date", "text", "extra"], 6)
    )
    tail = draw(st.lists(st.sampled_from(["20240106", '""', '"Anna"', "Sign"]), max_size=3))
    fields = [series, number, when, text, *tail]
    return "#VER " + draw(st.sampled_from([" ", sep])).join(fields) + extra


@st.composite
def _row(draw: st.DrawFn) -> str:
    names = ["sep", "label", "account", "objects", "amount", "row_date", "row_text", "extra"]
    sep, label, account, objects, amount, when, text, extra = draw(_line(names, 8))
    if text and not when:
        when = "20240105"  # a text needs its date to be one of the fast shapes
    parts = [label, account, objects, amount, when, text]
    return draw(st.sampled_from([" ", sep])).join(p for p in parts if p) + extra


@st.composite
def _voucher(draw: st.DrawFn) -> str:
    lines = [draw(_ver())]
    lines.append(draw(st.sampled_from(["{"] * 12 + [" {", "{ ", "", "#TRANS 1930 {} 1"])))
    lines += draw(st.lists(_row(), max_size=5))
    lines.append(draw(st.sampled_from(["}"] * 12 + ["} ", "\t}", "", "#KSUMMA", "{"])))
    return "\n".join(lines)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_voucher(), min_size=1, max_size=8),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.sampled_from([64, 512, 1 << 20]),
)
def test_odd_voucher_lines_read_the_same_with_and_without_the_accelerator(
    vouchers: list[str], crlf: bool, strict: bool, validate: bool, chunk: int
) -> None:
    text = HEAD + "\n".join(vouchers) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("cp437", "replace")
    original = sie_reader.CHUNK_SIZE
    sie_reader.CHUNK_SIZE = chunk  # type: ignore[misc]  # small chunks cut vouchers apart
    try:
        fast, pure = _read_both(data, strict=strict, validate=validate)
    finally:
        sie_reader.CHUNK_SIZE = original  # type: ignore[misc]
    assert fast == pure


def _normal_vouchers(reading: Reading) -> int:
    return sum(1 for entry in reading[0] if isinstance(entry[0], Voucher))


def test_common_shapes_are_read_by_the_accelerator() -> None:
    """The shapes real files use really take the C path (counted), and read right."""
    text = HEAD + (
        '#VER A 1 20240105 "Kortköp" 20240106\n{\n'
        "#TRANS 1930 {} -125.00\n"
        '#TRANS 3001 {1 "20"} 100.00 20240105 "Moms 25%"\n'
        '#TRANS 2611 {} 25.00 20240105 ""\n'
        "#TRANS 2611 {} -0.00\n"
        "}\n"
        '#VER A 2 20240105 "Café \\"Torget\\"" 20240106 "Anna"\n{\n'
        "#TRANS 1930\t{1 20 6 P1}\t10\n"
        "#TRANS 3001 {} -10\n"
        "}\n"
        "#VER A 3 20240105\n{\n}\n"
    )
    lines = text.split("\n")
    scan = sie_reader._BUILT_ACCELERATOR
    assert scan is not None
    scanned = scan(lines, True, 1, {}, {}, 16)
    vouchers = [entry for entry in scanned if isinstance(entry, Voucher)]
    assert len(vouchers) == 3
    assert len(scanned) == len(lines) - (7 + 5 + 3) + 3
    assert vouchers[1].text == 'Café "Torget"'
    assert vouchers[1].signature == "Anna"
    assert vouchers[1].rows[0].objects == ((1, "20"), (6, "P1"))
    assert str(vouchers[0].rows[3].amount) == "0.00"
    assert [row.line for row in vouchers[0].rows] == [16, 17, 18, 19]
    fast, pure = _read_both(text.encode("cp437"))
    assert fast == pure
    assert _normal_vouchers(fast) == 3
    assert [(i.code, i.line) for i in fast[1]] == [("voucher_empty", 26), ("object_undeclared", 23)]


def test_a_voucher_the_accelerator_leaves_is_read_and_reported_by_the_python_path() -> None:
    text = HEAD + (
        '#VER A 1 20240105 "ok"\n{\n#TRANS 1930 {} 5\n#TRANS 3001 {} -5\n}\n'
        '#VER A 2 20241340 "fel datum"\n{\n#TRANS 1930 {} 5\n#TRANS 3001 {} -5\n}\n'
        '#VER A 3 20240105 "fel belopp"\n{\n#TRANS 1930 {} 5,00\n#TRANS 3001 {} -5\n}\n'
        '#VER A 4 20240105 "ok"\n{\n#TRANS 1930 {} 5\n#TRANS 3001 {} -5\n}\n'
    )
    lines = text.split("\n")
    scan = sie_reader._BUILT_ACCELERATOR
    assert scan is not None
    scanned = scan(lines, True, 1, {}, {}, 16)
    assert sum(isinstance(entry, Voucher) for entry in scanned) == 2
    fast, pure = _read_both(text.encode("cp437"))
    assert fast == pure
    codes = sorted((issue.code, issue.line) for issue in fast[1])
    assert ("date_invalid", 19) in codes
    assert ("amount_invalid", 26) in codes


def test_generated_ledger_reads_the_same_with_and_without_the_accelerator(
    tmp_path: Path,
) -> None:
    path = tmp_path / "g.se"
    made = write_generated_sie(path, seed=11, transactions=5_000, years=2)
    data = path.read_bytes()
    for validate in (True, False):
        fast, pure = _read_both(data, validate=validate)
        assert fast == pure
        assert _normal_vouchers(fast) == made.vouchers


@pytest.mark.corpus
def test_every_corpus_file_reads_the_same_with_and_without_the_accelerator(
    corpus: Path,
) -> None:
    files = sorted(p for p in corpus.glob("*/*") if p.is_file() and p.name != "README.md")
    assert len(files) > len(well_formed_files()) > 0  # the broken ones are read too
    for path in files:
        fast, pure = _read_both(path.read_bytes(), name=path.name)
        assert fast == pure, path.name


_RSS_SCRIPT = """
import resource, sys
from bokslut.sie.reader import SieReader, accelerated
assert accelerated()
def read():
    reader = SieReader(sys.argv[1])
    rows = sum(len(item.rows) for item in reader if hasattr(item, "rows"))
    return rows, len(reader.issues)
first = read()
peak_after_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for _ in range(3):
    assert read() == first
peak_after_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(first[0], peak_after_first, peak_after_all)
"""


@pytest.mark.slow
def test_reading_a_file_again_does_not_grow_the_peak_memory(tmp_path: Path) -> None:
    """No leak in the C side: three more readings of the same file leave the peak RSS
    where the first one put it (a leak of even a few bytes per row would add megabytes)."""
    path = tmp_path / "g.se"
    made = write_generated_sie(path, seed=5, transactions=200_000, years=1, checksum=False)
    done = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rows, first_kib, last_kib = map(int, done.stdout.split())
    assert rows >= made.transactions
    assert last_kib - first_kib < 2048, (first_kib, last_kib)


@pytest.mark.slow
def test_the_accelerator_is_clean_under_the_debug_allocator(tmp_path: Path) -> None:
    """PYTHONMALLOC=debug catches writes past a block, frees of foreign memory and use of
    freed memory in the C code; dev mode adds the interpreter's own checks."""
    path = tmp_path / "g.se"
    write_generated_sie(path, seed=3, transactions=3_000, years=1)
    script = (
        "import sys\n"
        "from bokslut.sie.reader import read_document, accelerated\n"
        "assert accelerated()\n"
        "document, issues = read_document(sys.argv[1])\n"
        "print(len(document.vouchers))\n"
    )
    env = {**os.environ, "PYTHONMALLOC": "debug", "PYTHONDEVMODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 0


@pytest.mark.slow
def test_sie_tests_pass_on_the_pure_python_path() -> None:
    """The whole of tests/sie again with the accelerator off (BOKSLUT_SIE_PURE=1), so both
    paths stay green in CI."""
    env = {**os.environ, "BOKSLUT_SIE_PURE": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/sie",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "--ignore",
            "tests/sie/test_speedups.py",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout
