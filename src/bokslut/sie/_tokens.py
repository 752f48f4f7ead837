"""Splitting SIE records into fields, and quoting text so it splits back the same.

Syntax (spec §5–§7, as real files write it): fields are separated by runs of spaces or tabs;
a field may be quoted (``"Företagskonto"``), the only escape is ``\\"`` for a quote (any other
backslash is literal); an object list is written in braces (``{1 "100" 6 "P12"}``, ``{}``).

Speed matters (a year's vouchers can be millions of rows), so the common shapes take
string-method paths that run in C, and a regular expression handles the rest:

* no quote and no brace: ``str.split``;
* quotes without ``\\"``: ``str.split('"')`` gives quoted contents at odd positions;
* ``\\"`` anywhere, or a brace that might sit inside quotes: the general regex tokenizer.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["flat_tokens", "quote_field", "split_fields", "tokenize"]

# A quoted field (escape \" only; an unterminated quote runs to the end of the line),
# a brace, or a bare field.
_TOKEN_RE: Final = re.compile(r'"((?:\\"|[^"])*)(?:"|$)|([{}])|([^\s"{}]+)')
_NEEDS_QUOTES_RE: Final = re.compile(r'[\s"{}\\]')


def _split_plain(text: str) -> list[str]:
    """Fields of ``text`` that has no braces and no ``\\"`` escape."""
    parts = text.split('"')
    count = len(parts)
    if count == 1:
        return text.split()
    # One or two quoted fields are the common shapes ('... "text"', '... "" "" 0'):
    # unrolled, they cost a few C calls instead of a Python loop.
    if count == 3:
        fields = parts[0].split()
        fields.append(parts[1])
        if parts[2]:
            fields.extend(parts[2].split())
        return fields
    fields = []
    quoted = False
    for part in parts:
        if quoted:
            fields.append(part)
        elif part:
            fields.extend(part.split())
        quoted = not quoted
    return fields


def tokenize(line: str) -> tuple[list[str], list[str] | None]:
    """General tokenizer: ``(fields, object tokens)`` of one record, quotes resolved.

    The object list (first pair of braces) is returned separately as its flat token list
    (``["1", "100", "6", "P12"]``), ``None`` when the record has no braces. A missing closing
    brace ends the list at the end of the line.
    """
    fields: list[str] = []
    objects: list[str] | None = None
    target = fields
    for match in _TOKEN_RE.finditer(line):
        quoted, brace, bare = match.groups()
        if brace is not None:
            if brace == "{" and objects is None:
                objects = []
                target = objects
            else:
                target = fields
        elif bare is not None:
            target.append(bare)
        else:
            target.append(quoted.replace('\\"', '"') if "\\" in quoted else quoted)
    return fields, objects


def split_fields(line: str) -> tuple[list[str], list[str] | None]:
    """Split one record into ``(fields, object tokens)``; see :func:`tokenize`.

    Same result as :func:`tokenize`, faster for the shapes real files use.
    """
    if "\\" in line:
        return tokenize(line)
    if "{" not in line:
        if "}" in line:
            return tokenize(line)
        return _split_plain(line), None
    head, _, rest = line.partition("{")
    inner, closed, tail = rest.partition("}")
    if '"' in head or not closed or "{" in tail or "}" in tail:
        # A brace inside a quoted text, or an odd shape: let the regex decide.
        return tokenize(line)
    fields = head.split()
    if '"' in tail:
        fields += _split_plain(tail)
    else:
        fields += tail.split()
    if not inner or inner.isspace():
        return fields, []
    if '"' in inner:
        if inner.count('"') % 2:
            return tokenize(line)
        return fields, _split_plain(inner)
    return fields, inner.split()


def flat_tokens(line: str) -> list[str]:
    """All field contents of a record in order, object list included, braces dropped.

    This is what ``#KSUMMA`` sums (see :mod:`bokslut.sie.checksum`).
    """
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(line):
        quoted, _brace, bare = match.groups()
        if bare is not None:
            tokens.append(bare)
        elif quoted is not None:
            tokens.append(quoted.replace('\\"', '"'))
    return tokens


def quote_field(text: str, *, always: bool = True) -> str:
    """Write ``text`` as one SIE field that :func:`split_fields` reads back unchanged.

    With ``always`` (the default) the field is quoted; otherwise only when it must be (empty,
    whitespace, quotes, braces or a backslash in it). Quotes are escaped ``\\"``. Line breaks
    cannot live inside a record and become spaces.

    SIE has no escape for the backslash itself, so a quoted text that *ends* in a backslash
    would read back as an escaped quote; such a trailing backslash is followed by a space to
    keep the record readable (the only case where the text is altered).

    >>> quote_field('Kassa "special"')
    '"Kassa \\\\"special\\\\""'
    >>> quote_field("PC8", always=False)
    'PC8'
    """
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    if not always and text and not _NEEDS_QUOTES_RE.search(text):
        return text
    if text.endswith("\\"):
        text += " "
    return '"' + text.replace('"', '\\"') + '"'
