"""#KSUMMA verification on the real files that carry it, and encoding detection."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest

from bokslut.sie import SieFormatError, SieReader, detect_encoding, ksumma_update, read_document

from .conftest import corpus_dir

CHECKSUMMED = [
    "jsisie/Bokslut_Norstedts_SIE_4E.se",
    "jsisie/Norstedts_Bokslut_SIE_1.se",
    "jsisie/Norstedts_Bokslut_SIE_4I.si",
    "jsisie/Norstedts_Revision_SIE_1.SE",
    "jsisie/Sie1.se",
]


def test_spec_example_is_summed_without_separators_quotes_or_escapes() -> None:
    assert ksumma_update(0, "#KONTO", ["1915", 'Kassa "special"']) == zlib.crc32(
        b'#KONTO1915Kassa "special"'
    )


@pytest.mark.corpus
@pytest.mark.parametrize("name", CHECKSUMMED)
def test_files_with_ksumma_pass_verification(name: str) -> None:
    path = corpus_dir() / name
    assert b"#KSUMMA" in path.read_bytes()
    read_document(path)  # raises on a mismatch


@pytest.mark.corpus
@pytest.mark.parametrize("name", CHECKSUMMED)
def test_a_corrupted_copy_fails_verification(name: str, tmp_path: Path) -> None:
    data = (corpus_dir() / name).read_bytes()
    index = data.index(b"#KONTO")
    position = data.index(b" ", index + 8) + 1  # first character of the account name
    corrupted = data[:position] + (b"X" if data[position : position + 1] != b"X" else b"Y")
    copy = tmp_path / Path(name).name
    copy.write_bytes(corrupted + data[position + 1 :])
    with pytest.raises(SieFormatError) as info:
        read_document(copy)
    assert info.value.issues[-1].code == "checksum_mismatch"
    assert info.value.issues[-1].line is not None


def test_cp437_latin_and_utf8_are_told_apart() -> None:
    text = "#FNAMN Övningsbolaget AB\n#KONTO 3010 Försäljning\n"
    assert detect_encoding(text.encode("cp437")) == "cp437"
    assert detect_encoding(text.encode("iso-8859-15")) == "iso-8859-15"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"#FLAGGA 0\n") == "ascii"


@pytest.mark.parametrize("codec", ["cp437", "iso-8859-15", "utf-8"])
def test_files_claiming_pc8_are_decoded_right_and_a_wrong_claim_is_reported(codec: str) -> None:
    text = '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#PROGRAM X 1\n#FNAMN "Övningsbolaget AB"\n'
    reader = SieReader(io.BytesIO(text.encode(codec)), import_file=True)
    list(reader)
    assert reader.header.company_name == "Övningsbolaget AB"
    assert reader.encoding == codec
    wrong = [i for i in reader.issues if i.code == "encoding_not_pc8"]
    assert len(wrong) == (0 if codec == "cp437" else 1)
    if wrong:
        assert wrong[0].line == 2
        assert codec in wrong[0].message_en


def test_non_ascii_beyond_the_first_chunk_is_still_detected() -> None:
    filler = "".join(f"#KONTO {1000 + i % 8000} Konto\n" for i in range(70_000))
    text = "#FLAGGA 0\n#FORMAT PC8\n#PROGRAM X 1\n" + filler + "#FNAMN Åkeri\n"
    reader = SieReader(io.BytesIO(text.encode("iso-8859-15")), import_file=True)
    list(reader)
    assert reader.header.company_name == "Åkeri"
    assert reader.encoding == "iso-8859-15"


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("sie4j/BLBLOV_SIE4.SE", "cp437"),
        ("sie4j/BLBLOV_SIE4_ISO_8859_15.SE", "iso-8859-15"),
        ("sie4j/BLBLOV_SIE4_UTF_8_1.SE", "utf-8"),
    ],
)
def test_corpus_encodings_are_detected(name: str, codec: str) -> None:
    reader = SieReader(corpus_dir() / name)
    list(reader)
    assert reader.encoding == codec
    assert reader.header.company_name is not None
    assert "Ö" in reader.header.company_name or "å" in "".join(
        a.name for a in reader.accounts.values()
    )
