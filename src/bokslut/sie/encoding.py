"""Encoding detection for SIE files, which claim CP437 but often are not.

The spec says IBM PC 8-bit (code page 437, ``#FORMAT PC8``). In the wild, files arrive as
UTF-8 or ISO-8859-1/15 while still claiming PC8. The rule:

1. a UTF-8 byte-order mark means UTF-8;
2. bytes that decode as strict UTF-8 and contain non-ASCII are UTF-8 (CP437 and Latin text
   practically never form valid multi-byte UTF-8 sequences by accident);
3. otherwise CP437 and ISO-8859-15 are scored by what their decodings look like: Swedish
   letters (åäöÅÄÖé) count for a codec, box-drawing signs, symbols and control codes count
   against it; ties go to CP437, the spec's choice.

The decision is taken from the first chunk holding a non-ASCII byte, so a reader can decode a
stream chunk by chunk without holding the whole file.
"""

from __future__ import annotations

import codecs
from collections import Counter
from typing import Final

__all__ = ["StreamDecoder", "detect_encoding"]

UTF8_BOM: Final = codecs.BOM_UTF8
#: How many bytes from the first non-ASCII byte on are looked at to decide.
WINDOW: Final = 64 * 1024

_SWEDISH = frozenset("åäöÅÄÖéÉüÜ")


def _weights(codec: str) -> list[int]:
    """Score of each byte value when decoded with ``codec`` (ASCII bytes score 0)."""
    table = [0] * 256
    for value in range(128, 256):
        char = bytes([value]).decode(codec)
        if char in _SWEDISH:
            table[value] = 3
        elif char.isalpha():
            table[value] = 1
        else:
            table[value] = -2
    return table


_CP437_WEIGHTS: Final = _weights("cp437")
_LATIN_WEIGHTS: Final = _weights("iso-8859-15")


def _is_utf8(sample: bytes) -> bool:
    """Whether ``sample`` is valid UTF-8, allowing a multi-byte sequence cut at its end."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes) -> str:
    """Name the codec of a SIE file from its first bytes.

    Returns ``"utf-8-sig"`` (BOM), ``"ascii"`` (nothing to decide yet), ``"utf-8"``,
    ``"cp437"`` or ``"iso-8859-15"``.

    >>> detect_encoding("Övningsbolaget".encode("cp437"))
    'cp437'
    """
    if sample.startswith(UTF8_BOM):
        return "utf-8-sig"
    if sample.isascii():
        return "ascii"
    first = next(i for i, b in enumerate(sample) if b >= 128)
    window = sample[first : first + WINDOW]
    if _is_utf8(window):
        return "utf-8"
    counts = Counter(b for b in window if b >= 128)
    cp437 = sum(_CP437_WEIGHTS[b] * n for b, n in counts.items())
    latin = sum(_LATIN_WEIGHTS[b] * n for b, n in counts.items())
    return "cp437" if cp437 >= latin else "iso-8859-15"


class StreamDecoder:
    """Decode a byte stream chunk by chunk, choosing the codec on the first non-ASCII chunk.

    ``encoding`` is ``None`` until a decision is taken (pure ASCII so far); after the last
    chunk it is the codec used (``"ascii"`` for a file without any non-ASCII byte).
    ``replaced`` tells whether undecodable bytes had to be replaced (only possible when the
    file started as valid UTF-8 and broke later).
    """

    def __init__(self) -> None:
        self.encoding: str | None = None
        self.replaced = False
        self._decoder: codecs.IncrementalDecoder | None = None

    def decode(self, chunk: bytes, final: bool = False) -> str:
        """Decode the next ``chunk``; pass ``final=True`` with the last one (may be empty)."""
        if self._decoder is None:
            if chunk.isascii() and not chunk.startswith(UTF8_BOM):
                if final and self.encoding is None:
                    self.encoding = "ascii"
                return chunk.decode("ascii")
            codec = detect_encoding(chunk)
            self.encoding = "utf-8" if codec == "utf-8-sig" else codec
            self._decoder = codecs.getincrementaldecoder(codec)()
        try:
            return self._decoder.decode(chunk, final)
        except UnicodeDecodeError:
            # Valid UTF-8 at the start but broken later: keep going, say so.
            state = self._decoder.getstate()
            self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            self._decoder.setstate(state)
            self.replaced = True
            return self._decoder.decode(chunk, final)
