"""``#KSUMMA``: the SIE checksum (spec §10), for verifying and for writing files.

A file that carries a checksum has a bare ``#KSUMMA`` near the top (the opening marker) and
``#KSUMMA <value>`` as its last record. The value is the standard CRC-32 (``zlib.crc32``)
over the CP437 bytes of every record between the two markers, taking only the label and the
field *contents*: no separators, no quotes around fields, no braces, ``\\"`` counted as
one ``"``. ``#KONTO 1915 "Kassa \\"special\\""`` is summed as ``#KONTO1915Kassa "special"``.

Writers: start with ``crc = 0`` after writing the opening ``#KSUMMA``, call
:func:`ksumma_update` for every record written after it (with the fields' unquoted contents,
object-list tokens in place), then write ``#KSUMMA {crc}``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

from bokslut.sie._tokens import flat_tokens

__all__ = ["ksumma_line", "ksumma_of_records", "ksumma_update"]

#: Characters outside CP437 cannot have been in a spec-conformant file; replacing them keeps
#: the function total (the sum will then simply not match).
_ENCODE_ERRORS = "replace"


def ksumma_update(crc: int, label: str, fields: Sequence[str]) -> int:
    """Add one record to a running ``#KSUMMA`` CRC and return the new value.

    ``label`` is the record label with its ``#`` (``"#KONTO"``); ``fields`` are the contents
    of its fields in order, unquoted and unescaped, with the tokens of an object list in place
    of the braces (``#TRANS 1930 {1 "100"} 10`` → ``["1930", "1", "100", "10"]``).

    >>> ksumma_update(0, "#KONTO", ["1915", 'Kassa "special"']) == zlib.crc32(
    ...     b'#KONTO1915Kassa "special"')
    True
    """
    data = (label + "".join(fields)).encode("cp437", _ENCODE_ERRORS)
    return zlib.crc32(data, crc)


def ksumma_line(crc: int, line: str) -> int:
    """Add one raw record line (as read from a file) to a running ``#KSUMMA`` CRC."""
    tokens = flat_tokens(line)
    if not tokens:
        return crc
    return ksumma_update(crc, tokens[0], tokens[1:])


def ksumma_of_records(lines: Iterable[str]) -> int:
    """The ``#KSUMMA`` value of the record lines between the two markers."""
    crc = 0
    for line in lines:
        crc = ksumma_line(crc, line)
    return crc
