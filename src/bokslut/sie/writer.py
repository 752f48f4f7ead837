"""SIE 1–4 writer: model objects in, spec-conformant CP437 bytes with CRLF line ends out.

Two entry points share one engine:

* :func:`write_document` writes a whole :class:`~bokslut.sie.model.Document`;
* :class:`SieWriter` streams: header and chart first, then balances and vouchers one at a
  time, so an exporter can write a million rows from a database without holding them.

Decisions (see ``docs/sie.md`` for the format):

* Only what the chosen type holds is written (1: chart and year balances; 2: + period
  balances without objects; 3: + dimensions, objects, object balances; 4E: + vouchers;
  4I: chart, dimensions and vouchers, no balances). Anything else is skipped silently:
  choosing a type is choosing its content.
* Characters CP437 cannot hold are written as ``?`` and control characters (which would
  break the line structure) as a space. Each such field is reported as a warning
  :class:`~bokslut.sie.model.Issue` (code ``write.not_cp437`` / ``write.control_char``),
  returned by :func:`write_document` and :meth:`SieWriter.close`. Pass
  ``errors="strict"`` to raise :class:`SieWriteError` instead.
* Fields are quoted only when they must be (empty, or holding blanks, quotes or braces);
  object codes are always quoted, as in the spec's examples. ``"`` is escaped as ``\\"``.
  A quoted field cannot end in a backslash (the reader would take ``\\"`` as an escaped
  quote), so such a field is written unquoted when it has no blanks and otherwise
  reported as ``write.trailing_backslash`` with a space appended.
* An empty field and an absent one are the same on the wire: ``None`` in the middle of a
  record is written as ``""``, ``None`` at its end is left out.
* Amounts keep their own scale (``Decimal("10.5")`` → ``10.5``), never use an exponent
  and never read ``-0``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from types import TracebackType
from typing import Any, BinaryIO, Final, Literal, Self, TypeAlias, TypeVar, overload

from bokslut import __version__
from bokslut.sie.checksum import ksumma_update
from bokslut.sie.model import (
    Account,
    Balance,
    Dimension,
    Document,
    Header,
    Issue,
    Item,
    ObjectBalance,
    ObjectRef,
    RowKind,
    Severity,
    SieObject,
    Voucher,
    VoucherRow,
)

__all__ = [
    "PROGRAM_NAME",
    "SieType",
    "SieWriteError",
    "SieWriter",
    "complete_header",
    "format_amount",
    "format_date",
    "quote_field",
    "select_for_type",
    "write_document",
]

SieType: TypeAlias = Literal["1", "2", "3", "4E", "4I"]
ErrorMode: TypeAlias = Literal["replace", "strict"]
Target: TypeAlias = BinaryIO | os.PathLike[str] | str

#: The name this writer puts in ``#PROGRAM`` when the header names no program.
PROGRAM_NAME: Final = "bokslut"

_SIETYP: Final[dict[str, int]] = {"1": 1, "2": 2, "3": 3, "4E": 4, "4I": 4}
_HAS_YEAR_BALANCES: Final = frozenset({"1", "2", "3", "4E"})
_HAS_PERIOD_BALANCES: Final = frozenset({"2", "3", "4E"})
_HAS_OBJECTS: Final = frozenset({"3", "4E", "4I"})
_HAS_VOUCHERS: Final = frozenset({"4E", "4I"})

_NEEDS_QUOTES: Final = re.compile(r'[\s"{}]')
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
_FLUSH_LINES: Final = 2048
_ROW_LABELS: Final[dict[RowKind, str]] = {
    RowKind.NORMAL: "#TRANS",
    RowKind.ADDED: "#RTRANS",
    RowKind.REMOVED: "#BTRANS",
}

_T = TypeVar("_T")

#: A record field: plain text (quoted if needed), or an object list.
_Field: TypeAlias = str | tuple[ObjectRef, ...] | None


class _Quoted(str):
    """A field written in quotes even when it needs none."""

    __slots__ = ()


class SieWriteError(ValueError):
    """The writer was used out of order, or given something SIE cannot carry."""


def format_amount(value: Decimal) -> str:
    """An amount or quantity as SIE wants it: fixed point, own scale, never ``-0``.

    >>> format_amount(Decimal("-0.00")), format_amount(Decimal("1E+3"))
    ('0.00', '1000')
    """
    if not value.is_finite():
        raise SieWriteError(f"not a finite amount: {value}")
    if value.is_zero():
        value = abs(value)
    return format(value, "f")


def format_date(value: date) -> str:
    """A date as ``YYYYMMDD``."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def quote_field(value: str) -> str:
    """``value`` as one SIE field: bare when it can be, else quoted with ``\\"`` escapes."""
    if value and _NEEDS_QUOTES.search(value) is None:
        return value
    return '"' + value.replace('"', '\\"') + '"'


def complete_header(header: Header, sie_type: SieType, *, today: date | None = None) -> Header:
    """The header as the writer will write it: mandatory identification filled in.

    ``#FLAGGA`` defaults to 0, ``#PROGRAM`` to this program, ``#GEN`` to ``today``;
    ``#FORMAT`` is always PC8 (the writer writes CP437) and ``#SIETYP`` follows
    ``sie_type``. Everything else is kept as given.
    """
    _check_type(sie_type)
    program, version = header.program, header.program_version
    if program is None:
        program, version = PROGRAM_NAME, __version__
    return dataclasses.replace(
        header,
        flag=0 if header.flag is None else header.flag,
        program=program,
        program_version=version,
        format="PC8",
        generated=header.generated or today or date.today(),
        sie_type=_SIETYP[sie_type],
    )


def select_for_type(doc: Document, sie_type: SieType) -> Document:
    """The part of ``doc`` that a file of ``sie_type`` holds (see the module notes)."""
    _check_type(sie_type)
    objects_too = sie_type in _HAS_OBJECTS
    return Document(
        header=doc.header,
        accounts=dict(doc.accounts),
        dimensions=dict(doc.dimensions) if objects_too else {},
        objects=dict(doc.objects) if objects_too else {},
        balances=[b for b in doc.balances if _type_holds(sie_type, b)],
        object_balances=[b for b in doc.object_balances if _type_holds(sie_type, b)],
        period_balances=[b for b in doc.period_balances if _type_holds(sie_type, b)],
        vouchers=[v for v in doc.vouchers if _type_holds(sie_type, v)],
    )


def write_document(
    doc: Document,
    target: Target,
    *,
    sie_type: SieType = "4E",
    checksum: bool = False,
    errors: ErrorMode = "replace",
    today: date | None = None,
) -> list[Issue]:
    """Write ``doc`` as a SIE file of ``sie_type`` to a binary stream or a path.

    Records follow the spec's grouping (identification, chart, dimensions and objects,
    balances, vouchers); balances are written list by list (``balances``, then
    ``object_balances``, then ``period_balances``), each in its own order, so that reading
    the file back gives an equal document. Returns the warnings about text that had to be
    changed to fit CP437 (empty when nothing was).
    """
    with SieWriter(
        target, sie_type=sie_type, checksum=checksum, errors=errors, today=today
    ) as writer:
        writer.write_header(
            doc.header,
            accounts=doc.accounts.values(),
            dimensions=doc.dimensions.values(),
            objects=doc.objects.values(),
        )
        writer.write_items(doc.balances)
        writer.write_items(doc.object_balances)
        writer.write_items(doc.period_balances)
        writer.write_items(doc.vouchers)
    return writer.issues


class SieWriter:
    """Streaming SIE writer.

    Use as a context manager, or call :meth:`close` yourself::

        with SieWriter(path, sie_type="4E") as w:
            w.write_header(header, accounts=accounts, dimensions=dims, objects=objects)
            w.write_items(balances)
            w.write_items(vouchers)  # any iterable; nothing is held in memory

    Items must come in the spec's order: all balances before the first voucher. A path
    target is opened (and closed) by the writer; a stream target is flushed, not closed.
    """

    def __init__(
        self,
        target: Target,
        *,
        sie_type: SieType = "4E",
        checksum: bool = False,
        errors: ErrorMode = "replace",
        today: date | None = None,
    ) -> None:
        _check_type(sie_type)
        if errors not in ("replace", "strict"):
            raise ValueError(f"errors must be 'replace' or 'strict', not {errors!r}")
        self.sie_type: Final[SieType] = sie_type
        self.checksum: Final = checksum
        self._errors: Final = errors
        self._today = today
        if isinstance(target, (str, os.PathLike)):
            self._stream: BinaryIO = open(target, "wb")  # noqa: SIM115 -- closed in close()
            self._owns_stream = True
        else:
            self._stream = target
            self._owns_stream = False
        self._pending: list[str] = []
        self._lines = 0
        self._crc = 0
        self._state: Literal["new", "balances", "vouchers", "closed"] = "new"
        self._issues: list[Issue] = []

    # -- public API ---------------------------------------------------------------------

    @property
    def issues(self) -> list[Issue]:
        """Warnings so far about text changed to fit the format."""
        return list(self._issues)

    @property
    def lines_written(self) -> int:
        """Number of lines (records and braces) written so far."""
        return self._lines

    def write_header(
        self,
        header: Header,
        *,
        accounts: Iterable[Account] | Mapping[str, Account] = (),
        dimensions: Iterable[Dimension] | Mapping[int, Dimension] = (),
        objects: Iterable[SieObject] | Mapping[ObjectRef, SieObject] = (),
    ) -> None:
        """Write the identification records, the chart, dimensions and objects."""
        if self._state != "new":
            raise SieWriteError("the header is written once, before any item")
        h = complete_header(header, self.sie_type, today=self._today)
        # #FLAGGA and the opening marker come before the summed range, so bypass _record.
        self._line(f"#FLAGGA {h.flag}")
        if self.checksum:
            self._line("#KSUMMA")
        self._record("#PROGRAM", self._text(h.program), self._text(h.program_version))
        self._record("#FORMAT", h.format)
        self._record("#GEN", _date(h.generated), self._text(h.generated_by))
        self._record("#SIETYP", str(h.sie_type))
        self._optional("#PROSA", h.prosa)
        self._optional("#FTYP", h.company_type)
        self._optional("#FNR", h.company_id)
        if h.org_number is not None:
            self._record(
                "#ORGNR",
                self._text(h.org_number),
                self._text(h.org_multiple),
                self._text(h.org_activity),
            )
        self._optional("#BKOD", h.industry_code)
        if h.address is not None:
            a = h.address
            self._record(
                "#ADRESS",
                self._text(a.contact),
                self._text(a.street),
                self._text(a.postal),
                self._text(a.phone),
            )
        self._optional("#FNAMN", h.company_name)
        for index in sorted(h.years, reverse=True):
            year = h.years[index]
            self._record("#RAR", str(year.index), format_date(year.start), format_date(year.end))
        if h.tax_year is not None:
            self._record("#TAXAR", str(h.tax_year))
        if h.period_end is not None:
            self._record("#OMFATTN", format_date(h.period_end))
        self._optional("#KPTYP", h.chart_type)
        self._optional("#VALUTA", h.currency)
        for account in _values(accounts):
            self._account(account)
        if self.sie_type in _HAS_OBJECTS:
            for dim in _values(dimensions):
                if dim.parent is None:
                    self._record("#DIM", str(dim.number), self._text(dim.name))
                else:
                    self._record(
                        "#UNDERDIM", str(dim.number), self._text(dim.name), str(dim.parent)
                    )
            for obj in _values(objects):
                self._record(
                    "#OBJEKT", str(obj.dimension), self._quoted(obj.code), self._text(obj.name)
                )
        self._state = "balances"

    def write_item(self, item: Item) -> None:
        """Write one balance or voucher; items the file's type does not hold are skipped."""
        if self._state == "new":
            raise SieWriteError("write_header() must come before the first item")
        if self._state == "closed":
            raise SieWriteError("the writer is closed")
        if isinstance(item, Voucher):
            self._state = "vouchers"
            if self.sie_type in _HAS_VOUCHERS:
                self._voucher(item)
            return
        if self._state == "vouchers":
            raise SieWriteError("balances must come before the first voucher (spec order)")
        if not _type_holds(self.sie_type, item):
            return
        if isinstance(item, Balance):
            self._record(
                "#" + item.kind,
                str(item.year),
                self._text(item.account),
                format_amount(item.amount),
                _amount(item.quantity),
            )
        elif isinstance(item, ObjectBalance):
            self._record(
                "#" + item.kind,
                str(item.year),
                self._text(item.account),
                self._objects((item.object,)),
                format_amount(item.amount),
                _amount(item.quantity),
            )
        else:
            self._record(
                "#" + item.kind,
                str(item.year),
                self._text(item.period),
                self._text(item.account),
                self._objects(item.objects),
                format_amount(item.amount),
                _amount(item.quantity),
            )

    def write_items(self, items: Iterable[Item]) -> None:
        """Write every item of ``items`` in order (the iterable is consumed lazily)."""
        for item in items:
            self.write_item(item)

    def close(self) -> list[Issue]:
        """Finish the file (closing ``#KSUMMA`` if asked for) and return the warnings."""
        if self._state == "closed":
            return self.issues
        if self._state == "new":
            raise SieWriteError("nothing written: write_header() was never called")
        if self.checksum:
            self._line(f"#KSUMMA {self._crc}")
        self._flush()
        self._state = "closed"
        if self._owns_stream:
            self._stream.close()
        else:
            self._stream.flush()
        return self.issues

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
            return
        # A failed export is left without its closing #KSUMMA, so a checksum-aware reader
        # refuses it as truncated rather than importing half a ledger.
        self._state = "closed"
        self._flush()
        if self._owns_stream:
            self._stream.close()

    # -- records --------------------------------------------------------------------------

    def _account(self, account: Account) -> None:
        number = self._text(account.number)
        self._record("#KONTO", number, self._text(account.name))
        if account.type is not None:
            self._record("#KTYP", number, account.type.value)
        if account.unit is not None:
            self._record("#ENHET", number, self._text(account.unit))
        for code in account.sru:
            self._record("#SRU", number, self._text(code))

    def _voucher(self, voucher: Voucher) -> None:
        self._record(
            "#VER",
            self._text(voucher.series),
            self._text(voucher.number),
            _date(voucher.date),
            self._text(voucher.text),
            _date(voucher.registered),
            self._text(voucher.signature),
        )
        self._line("{")
        for row in voucher.rows:
            fields = self._row_fields(row)
            self._record(_ROW_LABELS[row.kind], *fields)
            if row.kind is RowKind.ADDED:
                # Readers that predate #RTRANS only see this twin (spec 4B §11).
                self._record("#TRANS", *fields)
        self._line("}")

    def _row_fields(self, row: VoucherRow) -> tuple[_Field, ...]:
        return (
            self._text(row.account),
            self._objects(row.objects),
            format_amount(row.amount),
            _date(row.date),
            self._text(row.text),
            _amount(row.quantity),
            self._text(row.signature),
        )

    def _optional(self, label: str, value: str | None) -> None:
        if value is not None:
            self._record(label, self._text(value))

    def _record(self, label: str, *fields: _Field) -> None:
        """Format one record; ``None`` fields at the end are dropped, inner ones are ``""``."""
        end = len(fields)
        while end and fields[end - 1] is None:
            end -= 1
        parts = [label]
        for value in fields[:end]:
            if value is None:
                parts.append('""')
            elif isinstance(value, tuple):
                parts.append(_format_objects(value))
            elif type(value) is _Quoted:
                parts.append(_quote_always(value))
            else:
                parts.append(quote_field(value))
        self._line(" ".join(parts))
        if self.checksum:
            self._crc = ksumma_update(self._crc, label, _crc_fields(fields[:end]))

    def _objects(self, refs: Sequence[ObjectRef]) -> tuple[ObjectRef, ...]:
        if all(_plain(code) for _, code in refs):
            return tuple(refs)
        return tuple((dim, self._quoted(code)) for dim, code in refs)

    def _quoted(self, value: str) -> _Quoted:
        """A field to be quoted even when it needs no quotes (object codes)."""
        return _Quoted(self._text(value, quoted=True))

    # -- text hygiene ---------------------------------------------------------------------

    @overload
    def _text(self, value: str, *, quoted: bool = False) -> str: ...
    @overload
    def _text(self, value: None, *, quoted: bool = False) -> None: ...
    @overload
    def _text(self, value: str | None, *, quoted: bool = False) -> str | None: ...

    def _text(self, value: str | None, *, quoted: bool = False) -> str | None:
        if value is None:
            return None
        if not _plain(value):
            value = self._clean(value)
        if value.endswith("\\") and (quoted or _NEEDS_QUOTES.search(value) is not None):
            self._warn(
                "write.trailing_backslash",
                f"ett fält slutar med bakstreck och fick ett mellanslag: {value!r}",
                f"a quoted field ends in a backslash; a space was appended: {value!r}",
            )
            value += " "
        return value

    def _clean(self, value: str) -> str:
        if _CONTROL.search(value) is not None:
            self._warn(
                "write.control_char",
                f"styrtecken ersattes med mellanslag i {value!r}",
                f"control characters were replaced by spaces in {value!r}",
            )
            value = _CONTROL.sub(" ", value)
        try:
            value.encode("cp437")
        except UnicodeEncodeError:
            fixed = "".join(c if _in_cp437(c) else "?" for c in value)
            self._warn(
                "write.not_cp437",
                f"tecken som inte finns i CP437 skrevs som '?': {value!r}",
                f"characters not in CP437 were written as '?': {value!r}",
            )
            value = fixed
        return value

    def _warn(self, code: str, message_sv: str, message_en: str) -> None:
        if self._errors == "strict":
            raise SieWriteError(message_en)
        self._issues.append(Issue(Severity.WARNING, code, self._lines + 1, message_sv, message_en))

    # -- output ---------------------------------------------------------------------------

    def _line(self, text: str) -> None:
        self._pending.append(text)
        self._lines += 1
        if len(self._pending) >= _FLUSH_LINES:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._pending.append("")
            self._stream.write("\r\n".join(self._pending).encode("cp437"))
            self._pending.clear()


def _check_type(sie_type: str) -> None:
    if sie_type not in _SIETYP:
        raise ValueError(f"unknown SIE type {sie_type!r}; expected one of {sorted(_SIETYP)}")


def _type_holds(sie_type: SieType, item: Item) -> bool:
    if isinstance(item, Voucher):
        return sie_type in _HAS_VOUCHERS
    if isinstance(item, Balance):
        return sie_type in _HAS_YEAR_BALANCES
    if isinstance(item, ObjectBalance):
        return sie_type in ("3", "4E")
    if sie_type == "2":
        # Period balances per object are what makes a file type 3.
        return not item.objects
    return sie_type in _HAS_PERIOD_BALANCES


def _values(items: Iterable[_T] | Mapping[Any, _T]) -> Iterable[_T]:
    return items.values() if isinstance(items, Mapping) else items


def _plain(value: str) -> bool:
    """Printable ASCII: needs no cleaning (the common case, checked cheaply)."""
    return value.isascii() and value.isprintable()


def _quote_always(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'


def _date(value: date | None) -> str | None:
    return None if value is None else format_date(value)


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format_amount(value)


def _format_objects(refs: tuple[ObjectRef, ...]) -> str:
    return "{" + " ".join(f"{dim} {_quote_always(code)}" for dim, code in refs) + "}"


def _crc_fields(fields: Sequence[_Field]) -> list[str]:
    """The field contents spec §10 sums: unquoted, object lists flattened, braces dropped."""
    parts: list[str] = []
    for value in fields:
        if value is None:
            continue
        if isinstance(value, tuple):
            for dim, code in value:
                parts += (str(dim), code)
        else:
            parts.append(value)
    return parts


def _in_cp437(char: str) -> bool:
    try:
        char.encode("cp437")
    except UnicodeEncodeError:
        return False
    return True
