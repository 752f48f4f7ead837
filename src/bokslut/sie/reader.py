"""Streaming reader for SIE 1, 2, 3, 4E and 4I files.

:class:`SieReader` reads a file in large binary chunks, decodes them with the detected
encoding, and yields balances and vouchers in file order while keeping only the current
voucher in memory. Chart records (#KONTO, #KTYP, #SRU, #ENHET, #DIM, #UNDERDIM, #OBJEKT)
and identification records go to :attr:`SieReader.accounts`, ``dimensions``, ``objects``
and ``header``. Problems become :class:`~bokslut.sie.model.Issue` objects with line numbers;
``strict=True`` raises :class:`~bokslut.sie.errors.SieFormatError` on the first error, and
input that is not SIE at all (a web page, a cut-off file, a wrong checksum) always raises.

:func:`read_document` reads everything into a :class:`~bokslut.sie.model.Document`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO, Final, Literal

from bokslut.sie._tokens import _split_plain, split_fields
from bokslut.sie.checksum import ksumma_line
from bokslut.sie.encoding import StreamDecoder
from bokslut.sie.errors import SieFormatError, make_issue
from bokslut.sie.model import (
    Account,
    AccountType,
    Address,
    Balance,
    Dimension,
    Document,
    FinancialYear,
    Header,
    Issue,
    Item,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    RowKind,
    Severity,
    SieObject,
    Voucher,
    VoucherRow,
)
from bokslut.sie.validation import Validator

__all__ = ["KNOWN_LABELS", "SieReader", "accelerated", "read_document", "use_accelerator"]

#: Bytes read per chunk: large enough that per-chunk overhead vanishes, small enough that
#: memory stays flat however large the file.
CHUNK_SIZE: Final = 1 << 20

#: Every label of SIE 1–4 (spec 4B/4C). Others are skipped with a warning.
KNOWN_LABELS: Final = frozenset(
    {
        "#FLAGGA",
        "#PROGRAM",
        "#FORMAT",
        "#GEN",
        "#SIETYP",
        "#PROSA",
        "#FTYP",
        "#FNR",
        "#ORGNR",
        "#BKOD",
        "#ADRESS",
        "#FNAMN",
        "#RAR",
        "#TAXAR",
        "#OMFATTN",
        "#KPTYP",
        "#VALUTA",
        "#KONTO",
        "#KTYP",
        "#ENHET",
        "#SRU",
        "#DIM",
        "#UNDERDIM",
        "#OBJEKT",
        "#IB",
        "#UB",
        "#OIB",
        "#OUB",
        "#RES",
        "#PSALDO",
        "#PBUDGET",
        "#VER",
        "#TRANS",
        "#RTRANS",
        "#BTRANS",
        "#KSUMMA",
    }
)

#: Object lists remembered by the row fast path before the cache starts over.
_CACHE_LIMIT: Final = 4096
#: "Not a shape the row fast path reads" (an empty field list).
_NO_FIELDS: Final[list[str]] = []

_NORMAL: Final = RowKind.NORMAL
_ADDED: Final = RowKind.ADDED
_REMOVED: Final = RowKind.REMOVED
_ROW_KINDS: Final = {"#TRANS": _NORMAL, "#RTRANS": _ADDED, "#BTRANS": _REMOVED}
_ACCOUNT_TYPES: Final = {t.value: t for t in AccountType}
#: Validation issues that repeat what the reader already said about the same line.
_SUPERSEDED_BY: Final = {
    "voucher_date_missing": frozenset({"date_invalid", "voucher_date_missing"}),
    "voucher_series_missing": frozenset({"voucher_series_missing"}),
}

Source = str | os.PathLike[str] | BinaryIO


# --- Fast construction of the frozen model records --------------------------------------
# A frozen dataclass's __init__ sets each field through object.__setattr__, which costs
# about a microsecond per voucher row: as much as all the parsing. These builders have the
# same slot layout, fill the slots with plain stores and then take on the model class, so
# the objects are indistinguishable from ones built by the constructor (a test checks it).
# If the model's fields ever change, the layout check fails and the constructors are used.


class _RowBuilder:
    __slots__ = VoucherRow.__slots__

    def __init__(
        self,
        kind: RowKind,
        account: str,
        amount: Decimal,
        objects: tuple[ObjectRef, ...],
        date: date | None,
        text: str | None,
        quantity: Decimal | None,
        signature: str | None,
        line: int | None,
    ) -> None:
        self.kind = kind
        self.account = account
        self.amount = amount
        self.objects = objects
        self.date = date
        self.text = text
        self.quantity = quantity
        self.signature = signature
        self.line = line
        self.__class__ = VoucherRow  # type: ignore[assignment]


class _VoucherBuilder:
    __slots__ = Voucher.__slots__

    def __init__(
        self,
        series: str,
        number: str,
        date: date | None,
        text: str,
        rows: tuple[VoucherRow, ...],
        registered: date | None,
        signature: str | None,
        line: int | None,
    ) -> None:
        self.series = series
        self.number = number
        self.date = date
        self.text = text
        self.rows = rows
        self.registered = registered
        self.signature = signature
        self.line = line
        self.__class__ = Voucher  # type: ignore[assignment]


_ROW_FIELDS: Final = (
    "kind",
    "account",
    "amount",
    "objects",
    "date",
    "text",
    "quantity",
    "signature",
    "line",
)
_VOUCHER_FIELDS: Final = (
    "series",
    "number",
    "date",
    "text",
    "rows",
    "registered",
    "signature",
    "line",
)
_make_row: Callable[..., VoucherRow] = (
    _RowBuilder if VoucherRow.__slots__ == _ROW_FIELDS else VoucherRow  # type: ignore[assignment]
)
_make_voucher: Callable[..., Voucher] = (
    _VoucherBuilder  # type: ignore[assignment]
    if Voucher.__slots__ == _VOUCHER_FIELDS
    else Voucher
)


# --- Optional C accelerator ----------------------------------------------------------------
# bokslut.sie._speedups (built from _speedups.c when a compiler is at hand) reads whole
# vouchers of the common shape in C and hands back finished Voucher objects; it leaves
# every other line to the Python code below, so the items, issues and line numbers are the
# same with or without it. BOKSLUT_SIE_PURE=1 turns it off (as does use_accelerator).

_ScanLines = Callable[
    [list[str], bool, int, dict[str, date], dict[str, tuple[ObjectRef, ...]], int],
    list[str | Voucher],
]


def _load_accelerator() -> _ScanLines | None:
    if VoucherRow.__slots__ != _ROW_FIELDS or Voucher.__slots__ != _VOUCHER_FIELDS:
        return None  # the model changed shape: the C side would fill the wrong slots
    try:
        from bokslut.sie import _speedups
    except ImportError:
        return None
    _speedups.configure(VoucherRow, _ROW_FIELDS, Voucher, _VOUCHER_FIELDS, _NORMAL, Decimal)
    return _speedups.scan_lines


_BUILT_ACCELERATOR: Final = _load_accelerator()
_scan_lines: _ScanLines | None = (
    None if os.environ.get("BOKSLUT_SIE_PURE") == "1" else _BUILT_ACCELERATOR
)


def accelerated() -> bool:
    """Whether readers created from now on use the compiled accelerator."""
    return _scan_lines is not None


def use_accelerator(enabled: bool) -> bool:
    """Turn the compiled accelerator on or off for readers started from now on.

    Returns whether it is on afterwards: asking for it when it was not built (no compiler
    at install time) leaves the pure-Python path in use and returns False.
    """
    global _scan_lines
    _scan_lines = _BUILT_ACCELERATOR if enabled else None
    return _scan_lines is not None


def _source_name(source: Source) -> str | None:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


_VoucherHead = tuple[str, str, date | None, str, date | None, str | None, int]


class SieReader:
    """Read a SIE file as a stream of balances and vouchers.

    ``source`` is a path or a binary file object (which is not closed). Iterate once to read;
    ``header``, ``accounts``, ``dimensions``, ``objects`` fill in as their records are read
    and are complete when iteration ends. ``issues`` holds every error and warning so far,
    each with its line number. ``encoding`` is the codec actually used.

    With ``validate`` (default) the semantic checks of :mod:`bokslut.sie.validation` run on
    the fly and their issues join ``issues``. ``import_file`` says whether the file is a
    SIE 4I import file (balances not allowed, series and numbers may be empty). By default
    the content decides, with the file name as a hint: a ``.si`` name suggests 4I, but a file
    that states balances (#IB, #UB, #RES, #OIB, #OUB, #PSALDO, #PBUDGET) before its first
    voucher is an export whatever its name, and is read as one with an
    ``export_named_as_4i`` warning. ``import_file`` holds the decision once iteration ends.
    """

    def __init__(
        self,
        source: Source,
        *,
        strict: bool = False,
        validate: bool = True,
        import_file: bool | None = None,
    ) -> None:
        self.header = Header()
        self.accounts: dict[str, Account] = {}
        self.dimensions: dict[int, Dimension] = {}
        self.objects: dict[ObjectRef, SieObject] = {}
        self.issues: list[Issue] = []
        self.encoding = "ascii"
        #: Line of each identification record (``"#FNAMN"``, ``"#RAR 0"``, …) for messages.
        self.header_lines: dict[str, int] = {}
        self.strict = strict
        name = _source_name(source)
        #: Whether the kind still depends on the content: only a .si name's guess of 4I can
        #: be overturned (by balances); an explicit ``import_file`` is the caller's word.
        self._kind_open = False
        if import_file is None:
            import_file = name is not None and name.lower().endswith(".si")
            self._kind_open = import_file
        self.import_file = import_file
        self._source = source
        self._started = False
        self._validator = Validator(self.header, import_file=import_file) if validate else None
        self._date_cache: dict[str, date] = {}
        self._objects_cache: dict[tuple[str, ...], tuple[ObjectRef, ...]] = {}
        #: Object-list text → refs for the row fast path: real ledgers repeat a few lists
        #: on many rows, and the tuples are immutable, so sharing them is safe.
        self._refs_cache: dict[str, tuple[ObjectRef, ...]] = {}
        self._reader_codes: set[tuple[str, int | None]] = set()
        self._unknown_labels: set[str] = set()
        self._reported_once: set[tuple[str, str]] = set()
        self._handlers: dict[str, Callable[[list[str], list[str] | None, int], Item | None]] = {
            "#FLAGGA": self._flagga,
            "#PROGRAM": self._program,
            "#FORMAT": self._format,
            "#GEN": self._gen,
            "#SIETYP": self._sietyp,
            "#PROSA": self._text_attr("prosa"),
            "#FTYP": self._text_attr("company_type"),
            "#FNR": self._text_attr("company_id"),
            "#ORGNR": self._orgnr,
            "#BKOD": self._text_attr("industry_code"),
            "#ADRESS": self._adress,
            "#FNAMN": self._text_attr("company_name"),
            "#RAR": self._rar,
            "#TAXAR": self._taxar,
            "#OMFATTN": self._omfattn,
            "#KPTYP": self._text_attr("chart_type"),
            "#VALUTA": self._text_attr("currency"),
            "#KONTO": self._konto,
            "#KTYP": self._ktyp,
            "#ENHET": self._enhet,
            "#SRU": self._sru,
            "#DIM": self._dim,
            "#UNDERDIM": self._underdim,
            "#OBJEKT": self._objekt,
            "#IB": self._balance,
            "#UB": self._balance,
            "#RES": self._balance,
            "#OIB": self._object_balance,
            "#OUB": self._object_balance,
            "#PSALDO": self._period_balance,
            "#PBUDGET": self._period_balance,
        }

    # --- issues -----------------------------------------------------------------------

    def _issue(
        self, code: str, line: int | None, *, severity: Severity | None = None, **params: object
    ) -> None:
        issue = make_issue(code, line, severity=severity, **params)
        self.issues.append(issue)
        self._reader_codes.add((code, line))
        if self.strict and issue.severity is Severity.ERROR:
            raise SieFormatError(self.issues)

    def _once(
        self, code: str, line: int, *, label: str, period: str = "", account: str = ""
    ) -> None:
        """Report a file-wide habit once (on its first line), not on every record."""
        if (code, label) not in self._reported_once:
            self._reported_once.add((code, label))
            self._issue(code, line, label=label, first=line, period=period, account=account)

    def _fatal(self, code: str, line: int | None, **params: object) -> SieFormatError:
        self.issues.append(make_issue(code, line, severity=Severity.ERROR, **params))
        return SieFormatError(self.issues)

    def _read_as_export(self, label: str, line: int) -> None:
        """Turn a file named as 4I into an export: it states balances (at ``line``).

        The spec forbids balances in 4I, and an export names them before its vouchers, so
        a balance met before any voucher settles what the name only suggested. It is
        settled before the balance is validated, so the validator checks the file as 4E
        (IB + movements = UB) instead of dismissing its balances as misplaced.
        """
        self.import_file = False
        if self._validator is not None:
            self._validator.import_file = False
        self._issue("export_named_as_4i", line, label=label)

    def _take_validator_issues(self, start: int) -> None:
        """Move validation issues found since ``start`` into ``issues`` (without repeats)."""
        assert self._validator is not None
        for issue in self._validator.issues[start:]:
            superseded = _SUPERSEDED_BY.get(issue.code)
            if superseded and any((c, issue.line) in self._reader_codes for c in superseded):
                continue
            self.issues.append(issue)
            if self.strict and issue.severity is Severity.ERROR:
                raise SieFormatError(self.issues)

    # --- iteration ----------------------------------------------------------------------

    def __iter__(self) -> Iterator[Item]:
        """Read the file, yielding balances and vouchers in file order (once only)."""
        if self._started:
            raise RuntimeError("a SieReader can be iterated only once")
        self._started = True
        return self._run()

    def _run(self) -> Iterator[Item]:
        source = self._source
        if isinstance(source, str | os.PathLike):
            with Path(source).open("rb") as stream:
                yield from self._parse(stream)
        else:
            yield from self._parse(source)

    def _parse(self, stream: BinaryIO) -> Iterator[Item]:
        decoder = StreamDecoder()
        validator = self._validator
        feed = validator.feed if validator is not None else None
        feed_voucher = validator.feed_voucher if validator is not None else None
        handlers = self._handlers
        make_row = self._row
        new_row = _make_row
        decimal = Decimal
        date_cache = self._date_cache
        issue = self._issue
        pending = ""
        lineno = 0
        seen_content = False
        head: _VoucherHead | None = None
        rows: list[VoucherRow] | None = None
        rtrans: VoucherRow | None = None  # last #RTRANS, whose #TRANS twin may follow
        ksumma: int | None = None  # running CRC while inside #KSUMMA markers
        ksumma_opened = 0
        # Records with a known label: tells SIE from other text at the end. The row fast
        # paths skip the count: their rows sit in a voucher whose #VER was counted.
        records = 0
        refs_cache = self._refs_cache
        new_voucher = _make_voucher
        scan_lines = _scan_lines
        kind_open = self._kind_open

        while True:
            chunk = stream.read(CHUNK_SIZE)
            final = not chunk
            text = decoder.decode(chunk, final)
            if pending:
                text = pending + text
            if "\r" in text:
                # CRLF: lines are stripped anyway; this lets the fast paths compare whole
                # lines ("{", "}") without stripping each.
                text = text.replace("\r\n", "\n")
            lines = text.split("\n")
            pending = "" if final else lines.pop()
            if scan_lines is not None and ksumma is None:
                # Typed as str lines for the loop below, which tells the vouchers apart.
                lines = scan_lines(  # type: ignore[assignment]
                    lines,
                    head is None and rtrans is None,
                    lineno + 1,
                    date_cache,
                    refs_cache,
                    _CACHE_LIMIT,
                )
            for line in lines:
                if line.__class__ is not str:
                    # A whole voucher read by the accelerator: #VER, {, its rows and }.
                    voucher: Voucher = line  # type: ignore[assignment]
                    lineno = voucher.line + len(voucher.rows) + 2  # type: ignore[operator]
                    records += 1
                    seen_content = True
                    if kind_open:  # vouchers before any balance: the name's 4I stands
                        kind_open = self._kind_open = False
                    if feed_voucher is not None:
                        assert validator is not None
                        mark = len(validator.issues)
                        feed_voucher(voucher)
                        if len(validator.issues) != mark:
                            self._take_validator_issues(mark)
                    yield voucher
                    continue
                lineno += 1
                # Fast paths for the four lines a voucher is made of, in the shapes real
                # files write. Each one either reads its line completely (and continues)
                # or leaves it, untouched and unreported, to the general path below.
                if line[:7] == "#TRANS ":
                    if rows is not None and rtrans is None and ksumma is None:
                        fields = line.split()
                        if len(fields) == 4 and fields[2] == "{}" and fields[1].isdigit():
                            # "#TRANS 1930 {} 11679.53", the commonest row of all. A digit
                            # account and a number leave no room for quotes or other braces.
                            raw = fields[3]
                            try:
                                amount = decimal(raw)
                            except InvalidOperation:
                                amount = None
                            if amount is not None and amount.is_finite():
                                if not amount and raw[0] == "-":
                                    amount = abs(amount)
                                rows.append(
                                    new_row(
                                        _NORMAL,
                                        fields[1],
                                        amount,
                                        (),
                                        None,
                                        None,
                                        None,
                                        None,
                                        lineno,
                                    )
                                )
                                continue
                        before, _, rest = line.partition("{")
                        account = before[7:].strip()
                        inner, closed, tail = rest.partition("}")
                        if (
                            closed
                            and account.isdigit()
                            and "{" not in tail
                            and "}" not in tail
                            and "\\" not in rest  # \" escapes: the general tokenizer's job
                        ):
                            if not inner or inner.isspace():
                                refs: tuple[ObjectRef, ...] | None = ()
                            else:
                                refs = refs_cache.get(inner)
                                if refs is None:
                                    refs = self._plain_objects(inner)
                            if '"' in tail:
                                parts = tail.split('"')
                                # 'amount date "text"' (Fortnox, BL): one quoted field last.
                                if len(parts) == 3 and (not parts[2] or parts[2].isspace()):
                                    row_text = parts[1] or None
                                    tail_fields = parts[0].split()
                                    if len(tail_fields) != 2:
                                        tail_fields = _NO_FIELDS
                                else:
                                    tail_fields = _NO_FIELDS
                            else:
                                row_text = None
                                tail_fields = tail.split()
                                if len(tail_fields) > 2:
                                    tail_fields = _NO_FIELDS
                            if refs is not None and tail_fields:
                                raw = tail_fields[0]
                                try:
                                    amount = decimal(raw)
                                except InvalidOperation:
                                    amount = None
                                if amount is not None and amount.is_finite():
                                    if not amount and raw[0] == "-":
                                        amount = abs(amount)
                                    when = None
                                    if len(tail_fields) == 2:
                                        raw = tail_fields[1]
                                        when = date_cache.get(raw) or self._date(
                                            raw, "#TRANS", lineno
                                        )
                                    rows.append(
                                        new_row(
                                            _NORMAL,
                                            account,
                                            amount,
                                            refs,
                                            when,
                                            row_text,
                                            None,
                                            None,
                                            lineno,
                                        )
                                    )
                                    continue
                elif line == "}":
                    if head is not None and rtrans is None and ksumma is None:
                        series, number, when, head_text, registered, signature, at = head
                        voucher = new_voucher(
                            series,
                            number,
                            when,
                            head_text,
                            tuple(rows) if rows else (),
                            registered,
                            signature,
                            at,
                        )
                        head = rows = None
                        if feed_voucher is not None:
                            assert validator is not None
                            mark = len(validator.issues)
                            feed_voucher(voucher)
                            if len(validator.issues) != mark:
                                self._take_validator_issues(mark)
                        yield voucher
                        continue
                elif line == "{":
                    if head is not None and rows is None and ksumma is None:
                        rows = []
                        continue
                elif line[:5] == "#VER " and (
                    head is None
                    and ksumma is None
                    and "\\" not in line
                    and "{" not in line
                    and "}" not in line
                ):
                    parts = line.split('"')
                    if len(parts) == 3:  # one quoted field, the text: as _split_plain
                        fields = parts[0].split()
                        fields.append(parts[1])
                        if parts[2]:
                            fields += parts[2].split()
                    elif len(parts) == 1:
                        fields = line.split()
                    else:
                        fields = _NO_FIELDS
                    if fields:
                        n = len(fields)
                        raw = fields[3] if n > 3 else ""
                        if len(raw) == 8 and raw.isdigit() and raw[:2] in ("19", "20"):
                            # _ver's common case: the date where it belongs.
                            when = date_cache.get(raw) or self._date(raw, "#VER", lineno)
                            registered = None
                            if n > 5 and fields[5]:
                                raw = fields[5]
                                registered = date_cache.get(raw) or self._date(raw, "#VER", lineno)
                            head = (
                                fields[1],
                                fields[2],
                                when,
                                fields[4] if n > 4 else "",
                                registered,
                                (fields[6] or None) if n > 6 else None,
                                lineno,
                            )
                        else:
                            head = self._ver(fields, lineno)
                        records += 1
                        seen_content = True
                        if kind_open:
                            kind_open = self._kind_open = False
                        continue
                s = line.strip()
                if not s:
                    continue
                if s[0] != "#":
                    if s == "{" or s == "}":
                        if ksumma is not None:
                            ksumma = ksumma_line(ksumma, s)
                        if s == "{":
                            if head is None or rows is not None:
                                issue("brace_unexpected", lineno, brace="{")
                            else:
                                rows = []
                            continue
                        if head is None:
                            issue("brace_unexpected", lineno, brace="}")
                            continue
                        if rtrans is not None:
                            issue("rtrans_twin_missing", rtrans.line)
                            rtrans = None
                        voucher = self._voucher(head, rows)
                        head = rows = None
                        if feed_voucher is not None:
                            assert validator is not None
                            mark = len(validator.issues)
                            feed_voucher(voucher)
                            if len(validator.issues) != mark:
                                self._take_validator_issues(mark)
                        yield voucher
                        continue
                    if not seen_content:
                        raise self._fatal(
                            "not_sie", lineno, detail=f"rad {lineno} börjar med {s[:30]!r}"
                        )
                    issue("line_unparsed", lineno, text=s[:60])
                    continue
                seen_content = True
                if '"' in s or "{" in s or "}" in s:
                    fields, objs = split_fields(s)
                else:
                    fields = s.split()
                    objs = None
                label = fields[0]
                if ksumma is not None and label != "#KSUMMA":
                    ksumma = ksumma_line(ksumma, s)

                kind = _ROW_KINDS.get(label)
                if kind is not None:
                    records += 1
                    if head is None:
                        issue("row_outside_voucher", lineno, label=label)
                        continue
                    if rows is None:
                        # Rows without the opening brace: read them, but say so.
                        issue("brace_unexpected", lineno, brace="{ saknas/missing")
                        rows = []
                    # The common row inlined (this loop body runs once per row of the
                    # year); anything unusual goes through _row, which reports problems.
                    n = len(fields)
                    row = None
                    if 2 < n < 6 and objs is not None and fields[1]:
                        text = fields[2]
                        try:
                            amount = decimal(text)
                        except InvalidOperation:
                            amount = None
                        if amount is not None and amount.is_finite():
                            if not amount and text[0] == "-":
                                amount = abs(amount)
                            when = None
                            if n > 3:
                                text = fields[3]
                                if text:
                                    when = date_cache.get(text) or self._date(text, label, lineno)
                            row = new_row(
                                kind,
                                fields[1],
                                amount,
                                self._objects(objs, label, lineno) if objs else (),
                                when,
                                (fields[4] or None) if n > 4 else None,
                                None,
                                None,
                                lineno,
                            )
                    if row is None:
                        row = make_row(kind, fields, objs, lineno)
                    if rtrans is not None:
                        twin = rtrans
                        rtrans = None
                        if (
                            kind is _NORMAL
                            and row is not None
                            and row.account == twin.account
                            and row.amount == twin.amount
                            and row.objects == twin.objects
                        ):
                            continue  # the #TRANS copy of an #RTRANS, for older readers
                        issue("rtrans_twin_missing", twin.line)
                    if row is not None:
                        rows.append(row)
                        if kind is _ADDED:
                            rtrans = row
                    continue

                if head is not None and label in KNOWN_LABELS:
                    # A record inside an unclosed voucher: the voucher ended here.
                    if rows is not None or label != "#VER":
                        issue("voucher_unclosed", head[6])
                    if rtrans is not None:
                        issue("rtrans_twin_missing", rtrans.line)
                        rtrans = None
                    voucher = self._voucher(head, rows)
                    head = rows = None
                    if feed is not None:
                        assert validator is not None
                        mark = len(validator.issues)
                        feed(voucher)
                        self._take_validator_issues(mark)
                    yield voucher

                if label == "#VER":
                    records += 1
                    head = self._ver(fields, lineno)
                    if kind_open:
                        kind_open = self._kind_open = False
                    continue
                handler = handlers.get(label)
                if handler is not None:
                    records += 1
                    item = handler(fields, objs, lineno)
                    if item is not None:
                        if kind_open:
                            # A balance before any voucher: the file is an export.
                            kind_open = self._kind_open = False
                            self._read_as_export(label, lineno)
                        if feed is not None:
                            assert validator is not None
                            mark = len(validator.issues)
                            feed(item)
                            if len(validator.issues) != mark:
                                self._take_validator_issues(mark)
                        yield item
                    continue
                if label == "#KSUMMA":
                    records += 1
                    if len(fields) == 1:
                        ksumma = 0
                        ksumma_opened = lineno
                    elif ksumma is None:
                        issue("checksum_unopened", lineno)
                    else:
                        stated = fields[1]
                        if stated != str(ksumma):
                            raise self._fatal(
                                "checksum_mismatch", lineno, stated=stated, computed=ksumma
                            )
                        ksumma = None
                    continue
                if label not in self._unknown_labels:
                    self._unknown_labels.add(label)
                    issue("unknown_label", lineno, label=label)
            if final:
                break

        self.encoding = decoder.encoding or "ascii"
        if decoder.replaced:
            issue("encoding_mixed", None, encoding=self.encoding)
        if head is not None:
            issue("voucher_unclosed", head[6])
            voucher = self._voucher(head, rows)
            if feed is not None:
                assert validator is not None
                mark = len(validator.issues)
                feed(voucher)
                self._take_validator_issues(mark)
            yield voucher
        if ksumma is not None:
            raise self._fatal(
                "truncated",
                lineno,
                detail=f"#KSUMMA på rad {ksumma_opened} avslutas aldrig / is never closed",
            )
        if not records:
            detail = "filen är tom / the file is empty" if not lineno else "inga SIE-poster"
            raise self._fatal("not_sie", None, detail=detail)
        self._check_encoding()
        if validator is not None:
            mark = len(validator.issues)
            validator.finish(
                self.accounts, self.dimensions, self.objects, header_lines=self.header_lines
            )
            self._take_validator_issues(mark)

    def _check_encoding(self) -> None:
        claimed = self.header.format
        line = self.header_lines.get("#FORMAT")
        if claimed is None:
            if self.encoding != "ascii":
                self._issue("format_missing", None, encoding=self.encoding)
        elif claimed.upper() != "PC8":
            self._issue("format_unknown", line, claimed=claimed, encoding=self.encoding)
        elif self.encoding not in ("cp437", "ascii"):
            self._issue("encoding_not_pc8", line, claimed=claimed, encoding=self.encoding)

    # --- field helpers ------------------------------------------------------------------

    def _date(self, text: str, label: str, line: int) -> date | None:
        """A ``YYYYMMDD`` field as a date; ``None`` with an issue when it is not one."""
        cached = self._date_cache.get(text)
        if cached is not None:
            return cached
        if len(text) == 8 and text.isdigit():
            try:
                value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                pass
            else:
                self._date_cache[text] = value
                return value
        elif len(text) == 10 and text[4] == "-" and text[7] == "-":
            digits = text[:4] + text[5:7] + text[8:]
            if digits.isdigit():
                try:
                    value = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
                except ValueError:
                    pass
                else:
                    self._issue("date_format", line, label=label, value=text, parsed=digits)
                    return value
        self._issue("date_invalid", line, label=label, value=text)
        return None

    def _amount(self, text: str, label: str, line: int) -> Decimal | None:
        """An amount field as an exact Decimal (``-0.00`` becomes ``0.00``)."""
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self._issue("amount_invalid", line, label=label, value=text)
            return None
        if text[0] == "-" and not value:
            return abs(value)
        return value

    def _plain_objects(self, inner: str) -> tuple[ObjectRef, ...] | None:
        """Refs of an object list's text (between the braces) for the row fast path.

        None for anything that is not a clean list of dimension/object pairs, so that the
        general path reads the row and reports the problem on its line.
        """
        if '"' in inner:
            if inner.count('"') % 2:
                return None
            tokens = _split_plain(inner)
        else:
            tokens = inner.split()
        if len(tokens) % 2:
            return None
        refs: list[ObjectRef] = []
        for i in range(0, len(tokens), 2):
            dim = tokens[i].strip()
            if not dim.isdigit():
                return None
            refs.append((int(dim), tokens[i + 1]))
        result = tuple(refs)
        cache = self._refs_cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[inner] = result
        return result

    def _optional_amount(
        self, fields: list[str], index: int, label: str, line: int
    ) -> Decimal | None:
        if len(fields) <= index or not fields[index]:
            return None
        return self._amount(fields[index], label, line)

    def _objects(self, tokens: list[str], label: str, line: int) -> tuple[ObjectRef, ...]:
        """Object-list tokens ``["1", "100", "6", "P12"]`` as ``((1, "100"), (6, "P12"))``."""
        key = tuple(tokens)
        cached = self._objects_cache.get(key)
        if cached is not None:
            return cached
        refs: list[ObjectRef] = []
        valid = len(tokens) % 2 == 0
        for i in range(0, len(tokens) - 1, 2):
            dim = tokens[i].strip()
            if not dim.isdigit():
                valid = False
                continue
            refs.append((int(dim), tokens[i + 1]))
        if not valid:
            self._issue("object_list_invalid", line, label=label, value=" ".join(tokens))
        result = tuple(refs)
        if valid:
            self._objects_cache[key] = result
        return result

    # --- vouchers -----------------------------------------------------------------------

    def _row(
        self, kind: RowKind, fields: list[str], objs: list[str] | None, line: int
    ) -> VoucherRow | None:
        """``#TRANS account {objects} amount [date] ["text"] [quantity] [sign]``."""
        label = fields[0]
        if objs is None:
            # Some writers leave out the empty object list; the amount then comes second.
            objs = []
        n = len(fields)
        if n < 3:
            field = "konto/account" if n < 2 else "belopp/amount"
            self._issue("field_missing", line, label=label, field=field)
            return None
        account = fields[1]
        if not account:
            self._issue("account_missing", line, label=label)
            return None
        text = fields[2]
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self._issue("amount_invalid", line, label=label, value=text)
            return None
        if text[0] == "-" and not amount:
            amount = abs(amount)
        when = None
        if n > 3:
            text = fields[3]
            if text:
                when = self._date_cache.get(text) or self._date(text, label, line)
        quantity = None
        if n > 5 and fields[5]:
            quantity = self._amount(fields[5], label, line)
        return _make_row(
            kind,
            account,
            amount,
            self._objects(objs, label, line) if objs else (),
            when,
            (fields[4] or None) if n > 4 else None,
            quantity,
            (fields[6] or None) if n > 6 else None,
            line,
        )

    def _ver(self, fields: list[str], line: int) -> _VoucherHead:
        """``#VER series number date "text" [regdate] [sign]``."""
        n = len(fields)
        series = fields[1] if n > 1 else ""
        number = fields[2] if n > 2 else ""
        raw_date = fields[3] if n > 3 else ""
        rest = 4
        if (
            n > 3
            and not _looks_like_date(raw_date)
            and _looks_like_date(number)
            and series.isdigit()
        ):
            # "#VER  1 20170101 ..." from a writer that dropped an empty series: every field
            # has moved one step left.
            self._issue("voucher_series_missing", line, severity=Severity.ERROR)
            series, number, raw_date, rest = "", series, number, 3
        when = None
        if raw_date:
            when = self._date(raw_date, "#VER", line)
        else:
            self._issue("voucher_date_missing", line)
        text = fields[rest] if n > rest else ""
        registered = None
        if n > rest + 1 and fields[rest + 1]:
            registered = self._date(fields[rest + 1], "#VER", line)
        signature = (fields[rest + 2] or None) if n > rest + 2 else None
        return (series, number, when, text, registered, signature, line)

    @staticmethod
    def _voucher(head: _VoucherHead, rows: list[VoucherRow] | None) -> Voucher:
        series, number, when, text, registered, signature, line = head
        return _make_voucher(
            series, number, when, text, tuple(rows) if rows else (), registered, signature, line
        )

    # --- identification records ---------------------------------------------------------

    def _mark(self, key: str, line: int) -> None:
        self.header_lines.setdefault(key, line)

    def _text_attr(self, attr: str) -> Callable[[list[str], list[str] | None, int], None]:
        """Handler for a record whose one field sets a text attribute of the header."""

        def handle(fields: list[str], objs: list[str] | None, line: int) -> None:
            self._mark(fields[0], line)
            setattr(self.header, attr, fields[1] if len(fields) > 1 else "")

        return handle

    def _int_field(self, fields: list[str], label: str, line: int) -> int | None:
        if len(fields) < 2 or not fields[1]:
            self._issue("field_missing", line, label=label, field="värde/value")
            return None
        try:
            return int(fields[1])
        except ValueError:
            self._issue("field_invalid", line, label=label, value=fields[1], field="tal/number")
            return None

    def _flagga(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#FLAGGA", line)
        self.header.flag = self._int_field(fields, "#FLAGGA", line)

    def _sietyp(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#SIETYP", line)
        self.header.sie_type = self._int_field(fields, "#SIETYP", line)

    def _program(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#PROGRAM", line)
        self.header.program = fields[1] if len(fields) > 1 else None
        self.header.program_version = fields[2] if len(fields) > 2 else None

    def _format(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#FORMAT", line)
        self.header.format = fields[1] if len(fields) > 1 else ""

    def _gen(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#GEN", line)
        if len(fields) > 1 and fields[1]:
            self.header.generated = self._date(fields[1], "#GEN", line)
        else:
            self._issue("field_missing", line, label="#GEN", field="datum/date")
        self.header.generated_by = (fields[2] or None) if len(fields) > 2 else None

    def _orgnr(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#ORGNR", line)
        self.header.org_number = fields[1] if len(fields) > 1 else None
        self.header.org_multiple = fields[2] if len(fields) > 2 else None
        self.header.org_activity = fields[3] if len(fields) > 3 else None

    def _adress(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#ADRESS", line)
        parts = fields[1:5]
        if len(parts) < 4:
            self._issue("address_incomplete", line, count=len(parts))
        parts += [""] * (4 - len(parts))
        self.header.address = Address(*parts)

    def _rar(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        if len(fields) < 4:
            # "#RAR 0" with no dates (BL's 4I files) carries nothing to lose.
            self._issue(
                "field_missing",
                line,
                label="#RAR",
                field="start/slut (start/end)",
                severity=Severity.WARNING if len(fields) <= 2 else None,
            )
            return
        try:
            index = int(fields[1])
        except ValueError:
            self._issue("field_invalid", line, label="#RAR", value=fields[1], field="årsnr/year")
            return
        self._mark(f"#RAR {index}", line)
        start = self._date(fields[2], "#RAR", line)
        end = self._date(fields[3], "#RAR", line)
        if start is None or end is None:
            return
        if end < start:
            self._issue(
                "year_invalid",
                line,
                index=index,
                detail=f"slutdatum {end} före startdatum {start}",
                detail_en=f"end date {end} before start date {start}",
            )
            return
        self.header.years[index] = FinancialYear(index, start, end)

    def _taxar(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#TAXAR", line)
        value = " ".join(fields[1:])
        if len(fields) == 2 and len(fields[1]) == 4 and fields[1].isdigit():
            self.header.tax_year = int(fields[1])
            return
        # "2018 ÅRL": a year followed by something else is kept, but flagged.
        if len(fields) > 2 and len(fields[1]) == 4 and fields[1].isdigit():
            self.header.tax_year = int(fields[1])
        self._issue("taxar_invalid", line, value=value)

    def _omfattn(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        self._mark("#OMFATTN", line)
        if len(fields) > 1 and fields[1]:
            self.header.period_end = self._date(fields[1], "#OMFATTN", line)

    # --- chart ----------------------------------------------------------------------------

    def _account(self, number: str, line: int) -> Account:
        """The account ``number``, created (as not declared) when only attributes name it."""
        account = self.accounts.get(number)
        if account is None:
            account = Account(number, "", declared=False, line=line)
            self.accounts[number] = account
        return account

    def _chart_fields(self, fields: list[str], line: int, count: int) -> bool:
        label = fields[0]
        if len(fields) < 2 or not fields[1]:
            self._issue("account_missing", line, label=label)
            return False
        if len(fields) < count:
            # An attribute without its value (Visma's "#KTYP DIFF"): nothing to lose.
            self._issue(
                "field_missing", line, label=label, field="värde/value", severity=Severity.WARNING
            )
            return False
        return True

    def _konto(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        if not self._chart_fields(fields, line, 2):
            return
        number = fields[1]
        name = fields[2] if len(fields) > 2 else ""
        account = self.accounts.get(number)
        if account is None:
            self.accounts[number] = Account(number, name, line=line)
        else:
            account.name = name
            account.declared = True
            account.line = line

    def _ktyp(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        if not self._chart_fields(fields, line, 3):
            return
        kind = _ACCOUNT_TYPES.get(fields[2].upper())
        if kind is None:
            self._issue("field_invalid", line, label="#KTYP", value=fields[2], field="T/S/K/I")
            return
        self._account(fields[1], line).type = kind

    def _enhet(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        if not self._chart_fields(fields, line, 3):
            return
        self._account(fields[1], line).unit = fields[2]

    def _sru(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        if not self._chart_fields(fields, line, 2):
            return
        code = fields[2].strip() if len(fields) > 2 else ""
        if not code.isdigit():
            self._issue("sru_invalid", line, account=fields[1], value=code)
            return
        account = self._account(fields[1], line)
        account.sru = (*account.sru, code)

    def _dim(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        number = self._dimension_number(fields, line)
        if number is not None:
            name = fields[2] if len(fields) > 2 else ""
            self.dimensions[number] = Dimension(number, name, line=line)

    def _underdim(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        number = self._dimension_number(fields, line)
        if number is None:
            return
        name = fields[2] if len(fields) > 2 else ""
        parent_text = fields[3] if len(fields) > 3 else ""
        if not parent_text.isdigit():
            self._issue("field_invalid", line, label="#UNDERDIM", value=parent_text, field="dim")
            return
        self.dimensions[number] = Dimension(number, name, int(parent_text), line=line)

    def _dimension_number(self, fields: list[str], line: int) -> int | None:
        if len(fields) < 2 or not fields[1].isdigit():
            value = fields[1] if len(fields) > 1 else ""
            self._issue("field_invalid", line, label=fields[0], value=value, field="dim")
            return None
        return int(fields[1])

    def _objekt(self, fields: list[str], objs: list[str] | None, line: int) -> None:
        number = self._dimension_number(fields, line)
        if number is None:
            return
        if len(fields) < 3:
            self._issue("field_missing", line, label="#OBJEKT", field="objekt/object")
            return
        name = fields[3] if len(fields) > 3 else ""
        self.objects[(number, fields[2])] = SieObject(number, fields[2], name, line=line)

    # --- balances -------------------------------------------------------------------------

    def _year(self, fields: list[str], label: str, line: int) -> int | None:
        text = fields[1] if len(fields) > 1 else ""
        try:
            return int(text)
        except ValueError:
            self._issue("field_invalid", line, label=label, value=text, field="årsnr/year")
            return None

    def _balance(self, fields: list[str], objs: list[str] | None, line: int) -> Balance | None:
        """``#IB|#UB|#RES year account amount [quantity]``."""
        label = fields[0]
        if len(fields) < 4:
            if len(fields) == 3 and not fields[2]:
                self._issue("account_missing", line, label=label)
            else:
                self._issue("field_missing", line, label=label, field="belopp/amount")
            return None
        year = self._year(fields, label, line)
        if not fields[2]:
            self._issue("account_missing", line, label=label)
            return None
        amount = self._amount(fields[3], label, line) if fields[3] else None
        if amount is None:
            if not fields[3]:
                self._issue("amount_invalid", line, label=label, value=fields[3])
            return None
        if year is None:
            return None
        kind: Literal["IB", "UB", "RES"] = (
            "IB" if label == "#IB" else "UB" if label == "#UB" else "RES"
        )
        quantity = self._optional_amount(fields, 4, label, line)
        return Balance(kind, year, fields[2], amount, quantity, line)

    def _object_balance(
        self, fields: list[str], objs: list[str] | None, line: int
    ) -> ObjectBalance | None:
        """``#OIB|#OUB year account {dim object} amount [quantity]``."""
        label = fields[0]
        if len(fields) < 4 or not objs or len(objs) != 2:
            self._issue("object_list_invalid", line, label=label, value=" ".join(objs or []))
            return None
        year = self._year(fields, label, line)
        if not fields[2]:
            self._issue("account_missing", line, label=label)
            return None
        amount = self._amount(fields[3], label, line)
        refs = self._objects(objs, label, line)
        if year is None or amount is None or not refs:
            return None
        kind: Literal["OIB", "OUB"] = "OIB" if label == "#OIB" else "OUB"
        quantity = self._optional_amount(fields, 4, label, line)
        return ObjectBalance(kind, year, fields[2], refs[0], amount, quantity, line)

    def _period_balance(
        self, fields: list[str], objs: list[str] | None, line: int
    ) -> PeriodBalance | None:
        """``#PSALDO|#PBUDGET year period account {objects} amount [quantity]``."""
        label = fields[0]
        if len(fields) < 5:
            self._issue("field_missing", line, label=label, field="belopp/amount")
            return None
        if objs is None:
            self._once("object_list_missing", line, label=label)
        year = self._year(fields, label, line)
        period = fields[2]
        account = fields[3]
        if not _is_period(period) and _is_period(account):
            period, account = account, period
            self._once("fields_swapped", line, label=label, period=period, account=account)
        if not _is_period(period):
            self._issue("field_invalid", line, label=label, value=period, field="period")
            return None
        if not account:
            self._issue("account_missing", line, label=label)
            return None
        amount = self._amount(fields[4], label, line)
        if year is None or amount is None:
            return None
        refs = self._objects(objs, label, line) if objs else ()
        kind: Literal["PSALDO", "PBUDGET"] = "PSALDO" if label == "#PSALDO" else "PBUDGET"
        quantity = self._optional_amount(fields, 5, label, line)
        return PeriodBalance(kind, year, period, account, refs, amount, quantity, line)


def _is_period(text: str) -> bool:
    return len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12


def _looks_like_date(text: str) -> bool:
    return len(text) == 8 and text.isdigit() and text[:2] in ("19", "20")


def read_document(
    source: Source,
    *,
    strict: bool = False,
    validate: bool = True,
    import_file: bool | None = None,
) -> tuple[Document, list[Issue]]:
    """Read a whole SIE file into memory: the document and every issue found.

    Meant for small files, tests and round trips; use :class:`SieReader` to stream.
    Raises :class:`SieFormatError` for input that is not SIE, a truncated file or a wrong
    checksum, and in ``strict`` mode on the first error.
    """
    reader = SieReader(source, strict=strict, validate=validate, import_file=import_file)
    document = Document()
    balances = document.balances
    object_balances = document.object_balances
    period_balances = document.period_balances
    vouchers = document.vouchers
    for item in reader:
        if isinstance(item, Voucher):
            vouchers.append(item)
        elif isinstance(item, Balance):
            balances.append(item)
        elif isinstance(item, PeriodBalance):
            period_balances.append(item)
        else:
            object_balances.append(item)
    document.header = reader.header
    document.accounts = reader.accounts
    document.dimensions = reader.dimensions
    document.objects = reader.objects
    return document, reader.issues
