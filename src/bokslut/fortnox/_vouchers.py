"""Posting a voucher exactly once.

A voucher POST is not idempotent: if an attempt fails after it may have reached
Fortnox (a timeout, a broken connection, a 5xx), sending it again could book it twice,
and vouchers cannot be deleted through the API. So before every new attempt the
series' ``NextVoucherNumber`` is compared with its value before the first one; if it
moved, the new vouchers are read and compared with the draft (date, description,
rows). Only when none matches is the POST sent again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from bokslut.fortnox import _coerce as c
from bokslut.fortnox._errors import FortnoxError, FortnoxUnavailable, VoucherOutcomeUnknown
from bokslut.fortnox._ledger import Voucher, VoucherSeries
from bokslut.fortnox._pages import iter_list
from bokslut.fortnox._session import OutcomeUnknown, Session

__all__ = ["VoucherDraft", "VoucherDraftRow", "post_voucher"]


@dataclass(frozen=True, slots=True)
class VoucherDraftRow:
    """A row to book: one of ``debit``/``credit`` is normally zero."""

    account: int
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    description: str | None = None
    cost_center: str | None = None
    project: str | None = None
    transaction_information: str | None = None


@dataclass(frozen=True, slots=True)
class VoucherDraft:
    """A voucher to create with ``POST /3/vouchers``."""

    series: str
    transaction_date: dt.date
    description: str
    rows: Sequence[VoucherDraftRow]

    def to_json(self) -> bytes:
        """The request body; amounts are written as exact JSON numbers, never via float."""
        rows: list[dict[str, Any]] = []
        for row in self.rows:
            item: dict[str, Any] = {
                "Account": row.account,
                "Debit": row.debit,
                "Credit": row.credit,
            }
            for name, value in (
                ("Description", row.description),
                ("CostCenter", row.cost_center),
                ("Project", row.project),
                ("TransactionInformation", row.transaction_information),
            ):
                if value is not None:
                    item[name] = value
            rows.append(item)
        body = {
            "Voucher": {
                "Description": self.description,
                "TransactionDate": self.transaction_date.isoformat(),
                "VoucherSeries": self.series,
                "VoucherRows": rows,
            }
        }
        return _dumps_exact(body).encode("utf-8")

    def matches(self, voucher: Voucher) -> bool:
        """Whether ``voucher`` is this draft as booked (same date, text and rows)."""
        if voucher.series != self.series or voucher.transaction_date != self.transaction_date:
            return False
        if voucher.description.strip() != self.description.strip():
            return False
        booked = sorted((r.account, r.debit, r.credit) for r in voucher.active_rows)
        wanted = sorted(
            (r.account, c.amount_or_zero(r.debit), c.amount_or_zero(r.credit)) for r in self.rows
        )
        return booked == wanted


def _dumps_exact(value: Any) -> str:
    # json cannot write a Decimal as a number; each Decimal is swapped for a unique
    # placeholder string, and the placeholder (quotes included) for its exact digits.
    literals: dict[str, str] = {}

    def swap(item: Any) -> Any:
        if isinstance(item, Decimal):
            marker = f"\x00dec{len(literals)}\x00"
            literals[json.dumps(marker)] = format(item, "f")
            return marker
        if isinstance(item, dict):
            return {key: swap(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [swap(inner) for inner in item]
        return item

    text = json.dumps(swap(value), ensure_ascii=False)
    for marker, literal in literals.items():
        text = text.replace(marker, literal)
    return text


def _next_number(session: Session, series: str, financial_year: int) -> int | None:
    for data in iter_list(
        session,
        "voucherseries",
        key="VoucherSeriesCollection",
        endpoint="GET /3/voucherseries",
        params={"financialyear": financial_year},
    ):
        found = VoucherSeries.from_json(data)
        if found.code == series:
            return found.next_voucher_number
    return None


def _find_landed(
    session: Session, draft: VoucherDraft, financial_year: int, first: int, after: int
) -> Voucher | None:
    for number in range(first, after):
        data = c.obj(
            session.request_json(
                "GET",
                f"vouchers/{quote(draft.series, safe='')}/{number}",
                endpoint="GET /3/vouchers/{series}/{number}",
                params={"financialyear": financial_year},
            )
        )
        voucher = Voucher.from_json(c.obj(data.get("Voucher")))
        if draft.matches(voucher):
            return voucher
    return None


def post_voucher(
    session: Session, draft: VoucherDraft, *, financial_year: int, attempts: int
) -> Voucher:
    """Create ``draft`` once; see the module docstring for how a duplicate is avoided."""
    body = draft.to_json()
    try:
        before = _next_number(session, draft.series, financial_year)
    except FortnoxError as exc:
        raise VoucherOutcomeUnknown(f"series check failed before posting: {exc.message}") from exc
    for attempt in range(1, attempts + 1):
        try:
            data = c.obj(
                session.request_json(
                    "POST",
                    "vouchers",
                    endpoint="POST /3/vouchers",
                    params={"financialyear": financial_year},
                    body=body,
                    idempotent=False,
                )
            )
            return Voucher.from_json(c.obj(data.get("Voucher")))
        except OutcomeUnknown as exc:
            last_error: FortnoxError = exc
        try:
            now = _next_number(session, draft.series, financial_year)
            if before is None or now is None:
                raise VoucherOutcomeUnknown("the series has no NextVoucherNumber to compare")
            landed = _find_landed(session, draft, financial_year, before, now)
        except VoucherOutcomeUnknown:
            raise
        except FortnoxError as exc:
            raise VoucherOutcomeUnknown(
                f"could not check whether attempt {attempt} was booked: {exc.message}"
            ) from exc
        if landed is not None:
            return landed
        before = now
    # Every failed attempt was checked and found not booked: a definite failure.
    raise FortnoxUnavailable(
        f"voucher not booked after {attempts} attempts: {last_error.message}",
        status_code=last_error.status_code,
    )
