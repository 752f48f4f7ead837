"""The validation report: semantic checks over a parsed SIE file.

The reader reports what can only be seen in the text (bad dates, amounts, quoting, encoding,
checksums). This module checks what the records mean: vouchers balance, numbers are unique
and without gaps, accounts and objects are declared, IB + movements = UB, dates fall in the
financial year, the identification records are present and valid.

:class:`Validator` is incremental, so it can run while a file streams by: :meth:`feed` it
every item, then call :meth:`finish` with the chart. It keeps per-account sums and compact
per-series number ranges, never the vouchers. :func:`validate` runs it over a
:class:`~bokslut.sie.model.Document`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Final

from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer as se_personnummer

from bokslut.sie.errors import make_issue
from bokslut.sie.model import (
    Account,
    AccountType,
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
)

__all__ = ["Validator", "validate"]

_ZERO: Final = Decimal(0)
_REMOVED: Final = RowKind.REMOVED
_BALANCE_SHEET: Final = frozenset({AccountType.ASSET, AccountType.LIABILITY})
_INCOME_STATEMENT: Final = frozenset({AccountType.COST, AccountType.INCOME})


def _voucher_name(voucher: Voucher) -> str:
    return f"{voucher.series} {voucher.number}".strip() or "(utan nummer)"


class _Series:
    """The numbers seen in one voucher series, as sorted disjoint ranges.

    Numbering is almost always sequential, so a million vouchers usually make one range:
    memory stays constant where a set of numbers would not.
    """

    __slots__ = ("ends", "lines", "starts", "texts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.lines: list[int | None] = []  # line of the voucher that starts each range
        self.texts: set[str] = set()  # numbers that are not plain integers

    def add(self, number: int, line: int | None) -> bool:
        """Record ``number``; False when it was already there."""
        starts, ends = self.starts, self.ends
        if ends and number == ends[-1] + 1:
            ends[-1] = number
            return True
        i = bisect_right(starts, number) - 1
        if i >= 0 and number <= ends[i]:
            return False
        joins_left = i >= 0 and ends[i] == number - 1
        joins_right = i + 1 < len(starts) and starts[i + 1] == number + 1
        if joins_left and joins_right:
            ends[i] = ends[i + 1]
            del starts[i + 1], ends[i + 1], self.lines[i + 1]
        elif joins_left:
            ends[i] = number
        elif joins_right:
            starts[i + 1] = number
            self.lines[i + 1] = line
        else:
            starts.insert(i + 1, number)
            ends.insert(i + 1, number)
            self.lines.insert(i + 1, line)
        return True


def _account_kind(number: str, account: Account | None) -> str | None:
    """ "balance" or "result" for the balance check; None for accounts it does not cover."""
    kind = account.type if account is not None else None
    if kind in _BALANCE_SHEET:
        return "balance"
    if kind in _INCOME_STATEMENT:
        return "result"
    if not number.isdigit():
        return None
    if number[0] in "12":
        return "balance"
    if number[0] in "345678":
        return "result"
    return None


class Validator:
    """Incremental semantic checks; feed items in file order, then :meth:`finish`.

    ``header`` may still be filling in while items are fed (the streaming reader passes its
    own); the financial years must be known before the vouchers they cover, as the spec
    orders records. ``import_file`` marks a SIE 4I file: balances are then unexpected, and
    empty series or numbers are normal.
    """

    def __init__(self, header: Header, *, import_file: bool = False) -> None:
        self.header = header
        self.import_file = import_file
        self.issues: list[Issue] = []
        self._series: dict[str, _Series] = {}
        #: Movements per year index, then per account.
        self._movements: dict[int, dict[str, Decimal]] = {}
        self._years_with_vouchers: set[int] = set()
        self._balances: dict[tuple[int, str], dict[str, tuple[Decimal, int | None]]] = {}
        self._balance_years: set[int] = set()
        self._used_accounts: dict[str, int | None] = {}
        self._used_objects: dict[ObjectRef, int | None] = {}
        self._balance_labels_in_4i: set[str] = set()
        self._date_facts_of: dict[date, tuple[dict[str, Decimal] | None, FinancialYear | None]] = {}
        self._years_seen = -1
        self._current_year: FinancialYear | None = None
        self._numbered_4i = False

    def _add(
        self, code: str, line: int | None, *, severity: Severity | None = None, **params: object
    ) -> None:
        self.issues.append(make_issue(code, line, severity=severity, **params))

    # --- items ----------------------------------------------------------------------------

    def feed(self, item: Item) -> None:
        """Check one balance or voucher and remember what the final checks need."""
        if isinstance(item, Voucher):
            self.feed_voucher(item)
            return
        used = self._used_accounts
        if item.account not in used:
            used[item.account] = item.line
        if self.import_file:
            label = "#" + item.kind
            if label not in self._balance_labels_in_4i:
                self._balance_labels_in_4i.add(label)
                self._add("balance_in_4i", item.line, label=label)
        if isinstance(item, Balance):
            key = (item.year, item.account)
            self._balances.setdefault(key, {})[item.kind] = (item.amount, item.line)
            self._balance_years.add(item.year)
        elif isinstance(item, ObjectBalance):
            if item.object not in self._used_objects:
                self._used_objects[item.object] = item.line
        elif isinstance(item, PeriodBalance):
            for ref in item.objects:
                if ref not in self._used_objects:
                    self._used_objects[ref] = item.line

    def feed_voucher(self, voucher: Voucher) -> None:
        """:meth:`feed` for a voucher, without the type dispatch (the streaming reader
        knows what it has)."""
        # Runs once per voucher of the year, so the common case is inlined: one pass over
        # the rows gathers the total, first uses and movements; a voucher with nothing to
        # report returns early, any other has its issues reported in the usual order.
        rows = voucher.rows
        when = voucher.date
        moves: dict[str, Decimal] | None = None
        outside: FinancialYear | None = None
        if when is not None:
            years = self.header.years
            if years:
                facts = self._date_facts_of.get(when)
                if (
                    facts is None
                    or len(years) != self._years_seen
                    or years.get(0) is not self._current_year
                ):
                    facts = self._learn_date(when)
                moves, outside = facts
        used_accounts = self._used_accounts
        used_objects = self._used_objects
        total = _ZERO
        for row in rows:
            account = row.account
            if account not in used_accounts:
                used_accounts[account] = row.line
            if row.objects:
                for ref in row.objects:
                    if ref not in used_objects:
                        used_objects[ref] = row.line
            if row.kind is not _REMOVED:
                amount = row.amount
                total += amount
                if moves is not None:
                    moves[account] = moves.get(account, _ZERO) + amount
        numbered = False
        number = voucher.number
        series = self._series.get(voucher.series)
        if series is not None and not self.import_file and number.isdecimal():
            # The next number of a known series (no issue possible): recorded here.
            value = int(number)
            ends = series.ends
            if ends and value == ends[-1] + 1:
                ends[-1] = value
                numbered = True
        if numbered and rows and not total and outside is None and when and voucher.series:
            return
        self._voucher_issues(voucher, total, numbered, outside)

    def _learn_date(self, when: date) -> tuple[dict[str, Decimal] | None, FinancialYear | None]:
        """The movements of the year ``when`` falls in (None: no year) and the current year
        it falls outside of (None: inside, or no current year); remembered per date until
        the years change (a file may declare them late or twice)."""
        years = self.header.years
        current = years.get(0)
        if len(years) != self._years_seen or current is not self._current_year:
            self._date_facts_of.clear()
            self._years_seen = len(years)
            self._current_year = current
        index = next((y.index for y in years.values() if y.start <= when <= y.end), None)
        moves = None
        if index is not None:
            self._years_with_vouchers.add(index)
            moves = self._movements.setdefault(index, {})
        beyond = current is not None and not current.start <= when <= current.end
        facts = self._date_facts_of[when] = (moves, current if beyond else None)
        return facts

    def _voucher_issues(
        self, voucher: Voucher, total: Decimal, numbered: bool, outside: FinancialYear | None
    ) -> None:
        line = voucher.line
        if not voucher.rows:
            self._add("voucher_empty", line, voucher=_voucher_name(voucher))
        if total:
            self._add("voucher_unbalanced", line, voucher=_voucher_name(voucher), difference=total)
        if not voucher.series and not self.import_file:
            self._add("voucher_series_missing", line)
        if not numbered:
            self._number(voucher)
        if voucher.date is None:
            self._add("voucher_date_missing", line)
        elif outside is not None:
            self._add(
                "date_outside_year",
                line,
                voucher=_voucher_name(voucher),
                date=voucher.date,
                start=outside.start,
                end=outside.end,
            )

    def _number(self, voucher: Voucher) -> None:
        number = voucher.number
        series = self._series.get(voucher.series)
        if number and self.import_file and not self._numbered_4i:
            self._numbered_4i = True
            self._add("voucher_number_in_4i", voucher.line, voucher=_voucher_name(voucher))
        if not number:
            if not self.import_file:
                self._add("voucher_number_missing", voucher.line, series=voucher.series or '""')
            return
        if series is None:
            series = self._series[voucher.series] = _Series()
        if number.isdecimal():  # not isdigit(): int() refuses superscript digits
            fresh = series.add(int(number), voucher.line)
        else:
            fresh = number not in series.texts
            series.texts.add(number)
        if not fresh:
            self._add("voucher_duplicate", voucher.line, voucher=_voucher_name(voucher))

    # --- final checks ---------------------------------------------------------------------

    def finish(
        self,
        accounts: Mapping[str, Account],
        dimensions: Mapping[int, Dimension],
        objects: Mapping[ObjectRef, SieObject],
        *,
        header_lines: Mapping[str, int] | None = None,
    ) -> list[Issue]:
        """Run the checks that need the whole file; return every issue found."""
        lines = header_lines or {}
        self._header(lines)
        self._gaps()
        self._accounts(accounts)
        self._objects(objects)
        self._balance_check(accounts)
        return self.issues

    def _header(self, lines: Mapping[str, int]) -> None:
        header = self.header
        if not (header.company_name or "").strip():
            self._add("company_name_missing", lines.get("#FNAMN"))
        if header.program is None:
            self._add("program_missing", None, field_sv="#PROGRAM", field_en="#PROGRAM record")
        elif not header.program_version:
            self._add(
                "program_missing", lines.get("#PROGRAM"), field_sv="version", field_en="version"
            )
        if header.sie_type is None:
            self._add("sie_type_missing", None, assumed="4I" if self.import_file else "4E")
        sie_type = header.sie_type
        if 0 not in header.years and (sie_type in (1, 2, 3) or not self.import_file):
            label = f"{sie_type or 4}" + ("" if sie_type in (1, 2, 3) else "E")
            self._add("year_missing", None, sie_type=label)
        self._org_number(lines.get("#ORGNR"))
        ordered = sorted(header.years.values(), key=lambda y: y.index)
        for earlier, later in pairwise(ordered):
            if later.index == earlier.index + 1 and earlier.end + timedelta(days=1) != later.start:
                self._add(
                    "year_gap",
                    lines.get(f"#RAR {earlier.index}"),
                    index=earlier.index,
                    end=earlier.end,
                    next_index=later.index,
                    next_start=later.start,
                )

    def _org_number(self, line: int | None) -> None:
        value = (self.header.org_number or "").strip()
        if not value:
            return
        digits = value.replace("-", "")
        if len(digits) == 10 and (se_orgnr.is_valid(digits) or se_personnummer.is_valid(digits)):
            return
        if len(digits) == 12 and digits.isdigit():
            # Century-prefixed forms: 16 + org.nr, or a sole trader's 19/20 + personnummer.
            short = digits[2:]
            if (digits[:2] == "16" and se_orgnr.is_valid(short)) or (
                digits[:2] in ("19", "20") and se_personnummer.is_valid(digits)
            ):
                normal = f"{short[:6]}-{short[6:]}"
                self._add("orgnr_format", line, value=value, normal=normal)
                return
        self._add("orgnr_invalid", line, value=value)

    def _gaps(self) -> None:
        for name, series in self._series.items():
            starts, ends, lines = series.starts, series.ends, series.lines
            label = name or '""'
            for i in range(1, len(starts)):
                self._add(
                    "series_gap", lines[i], series=label, first=ends[i - 1] + 1, last=starts[i] - 1
                )

    def _accounts(self, accounts: Mapping[str, Account]) -> None:
        checked: set[str] = set()
        for number, account in accounts.items():
            checked.add(number)
            self._account_syntax(number, account.line)
        declared_any = any(a.declared for a in accounts.values())
        for number, line in self._used_accounts.items():
            if number not in checked:
                self._account_syntax(number, line)
            known = accounts.get(number)
            if (known is None or not known.declared) and (declared_any or not self.import_file):
                self._add("account_undeclared", line, account=number)

    def _account_syntax(self, number: str, line: int | None) -> None:
        if not number.isdigit():
            self._add("account_non_numeric", line, account=number)
        elif len(number) != 4:
            self._add("account_length", line, account=number, digits=len(number))

    def _objects(self, objects: Mapping[ObjectRef, SieObject]) -> None:
        for ref, line in self._used_objects.items():
            if ref not in objects:
                self._add("object_undeclared", line, dimension=ref[0], object=ref[1])

    def _balance_check(self, accounts: Mapping[str, Account]) -> None:
        if self.import_file:
            return
        balances = self._balances
        movements = self._movements
        for year in sorted(self._years_with_vouchers & self._balance_years):
            moves = movements.get(year, {})
            numbers = {a for (y, a) in balances if y == year}
            numbers |= moves.keys()
            for number in sorted(numbers):
                kind = _account_kind(number, accounts.get(number))
                if kind is None:
                    continue
                stated = balances.get((year, number), {})
                moved = moves.get(number, _ZERO)
                if kind == "balance":
                    opening, _ = stated.get("IB", (_ZERO, None))
                    closing, line = stated.get("UB", (_ZERO, None))
                    if opening + moved != closing:
                        self._add(
                            "balance_mismatch",
                            line,
                            account=number,
                            year=year,
                            expected_sv=f"IB {opening} + rörelser {moved} = {opening + moved}",
                            expected_en=f"IB {opening} + movements {moved} = {opening + moved}",
                            stated=f"UB {closing}",
                        )
                else:
                    result, line = stated.get("RES", (_ZERO, None))
                    if moved != result:
                        self._add(
                            "balance_mismatch",
                            line,
                            account=number,
                            year=year,
                            expected_sv=f"rörelser {moved}",
                            expected_en=f"movements {moved}",
                            stated=f"RES {result}",
                        )


def validate(
    document: Document,
    *,
    import_file: bool = False,
    header_lines: Mapping[str, int] | None = None,
) -> list[Issue]:
    """The validation report of a whole document (see :class:`Validator`)."""
    validator = Validator(document.header, import_file=import_file)
    for balance in document.balances:
        validator.feed(balance)
    for object_balance in document.object_balances:
        validator.feed(object_balance)
    for period_balance in document.period_balances:
        validator.feed(period_balance)
    for voucher in document.vouchers:
        validator.feed(voucher)
    return validator.finish(
        document.accounts, document.dimensions, document.objects, header_lines=header_lines
    )
