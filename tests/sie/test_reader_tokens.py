"""The lexer: quoting and escaping as real files do it, and quote_field round trips."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bokslut.money import parse_amount
from bokslut.sie import quote_field
from bokslut.sie._tokens import flat_tokens, split_fields, tokenize

_TEXT = st.text(alphabet=st.sampled_from(list('ab åäöÅÄÖé"\\{}\t#-.0123456789x')), max_size=30)


@given(_TEXT)
def test_quoted_text_reads_back_unchanged(text: str) -> None:
    line = f"#VER A 1 20240101 {quote_field(text)} 20240102"
    fields, objects = split_fields(line)
    expected = text + " " if text.endswith("\\") else text
    assert fields == ["#VER", "A", "1", "20240101", expected, "20240102"]
    assert objects is None


@given(st.lists(_TEXT, min_size=1, max_size=6), st.lists(_TEXT, max_size=4))
def test_fast_split_agrees_with_the_general_tokenizer(texts: list[str], objs: list[str]) -> None:
    inner = " ".join(f"{i} {quote_field(t)}" for i, t in enumerate(objs))
    line = "#TRANS 1930 {" + inner + "} " + " ".join(quote_field(t) for t in texts)
    assert split_fields(line) == tokenize(line)
    fields, objects = split_fields(line)
    assert objects is not None
    assert len(objects) == 2 * len(objs)
    assert len(fields) == 2 + len(texts)


@given(_TEXT)
def test_bare_fields_are_quoted_only_when_they_must_be(text: str) -> None:
    written = quote_field(text, always=False)
    quoted = written.startswith('"')
    expected = text + " " if quoted and text.endswith("\\") else text
    assert split_fields(f"#FNAMN {written}")[0][1:] == [expected]
    assert quoted == (not text or any(c in text for c in ' \t"{}\\'))


def test_escaped_quote_counts_as_one_quote() -> None:
    line = '#PROGRAM "Kassasystem" "1.0 - \\"Oblique Ozelot\\" - alpha"'
    assert split_fields(line) == (
        ["#PROGRAM", "Kassasystem", '1.0 - "Oblique Ozelot" - alpha'],
        None,
    )


def test_other_backslashes_are_literal() -> None:
    fields, _ = split_fields('#TRANS 1229  {} -133 20090731 "1820\\A012 Cykel" ')
    assert fields[-1] == "1820\\A012 Cykel"


def test_tabs_and_runs_of_blanks_separate_fields() -> None:
    assert split_fields('#KONTO\t1010\t"Balanserade utgifter"')[0] == [
        "#KONTO",
        "1010",
        "Balanserade utgifter",
    ]
    assert split_fields("\t#TRANS\t1930 {}     -18919    20100524 BE")[0] == [
        "#TRANS",
        "1930",
        "-18919",
        "20100524",
        "BE",
    ]


def test_object_lists_with_quoted_and_spaced_codes() -> None:
    assert split_fields('#TRANS 9999  { "1" "1100" "6" "1118"} 5367 20100122 "" ')[1] == [
        "1",
        "1100",
        "6",
        "1118",
    ]
    assert split_fields('#PSALDO 0 201101 1510 {"1" "Nord" "7" "4"} 9031.00')[1] == [
        "1",
        "Nord",
        "7",
        "4",
    ]


def test_brace_inside_quoted_text_is_text() -> None:
    assert split_fields('#VER A 1 20200101 "rabatt {10%}"') == (
        ["#VER", "A", "1", "20200101", "rabatt {10%}"],
        None,
    )


def test_empty_quoted_fields_are_kept_in_place() -> None:
    assert split_fields('#TRANS 2440 {} -11441.2 "" "" 0') == (
        ["#TRANS", "2440", "-11441.2", "", "", "0"],
        [],
    )


def test_unterminated_quote_runs_to_the_end_of_the_line() -> None:
    assert split_fields('#FNAMN "Övningsbolaget AB') == (["#FNAMN", "Övningsbolaget AB"], None)


def test_flat_tokens_is_what_the_checksum_sums() -> None:
    assert flat_tokens('#KONTO 1915 "Kassa \\"special\\""') == ["#KONTO", "1915", 'Kassa "special"']
    assert flat_tokens('#TRANS 1930 {1 "100"} 10') == ["#TRANS", "1930", "1", "100", "10"]


def test_line_breaks_in_text_become_spaces() -> None:
    assert quote_field("rad ett\r\nrad två") == '"rad ett rad två"'


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12
    )
)
def test_amounts_written_with_two_decimals_parse_exactly(value: Decimal) -> None:
    text = f"{value:.2f}"
    parsed = parse_amount(text)
    assert parsed == value
    assert not (parsed.is_zero() and parsed.is_signed())
