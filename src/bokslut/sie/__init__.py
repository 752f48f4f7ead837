"""SIE 1–4 (4E and 4I) reader and writer. Pure Python: imports no Django."""

from bokslut.sie._tokens import quote_field
from bokslut.sie.checksum import ksumma_update
from bokslut.sie.encoding import detect_encoding
from bokslut.sie.errors import SieFormatError
from bokslut.sie.reader import SieReader, read_document
from bokslut.sie.validation import Validator, validate

__all__ = [
    "SieFormatError",
    "SieReader",
    "Validator",
    "detect_encoding",
    "ksumma_update",
    "quote_field",
    "read_document",
    "validate",
]
