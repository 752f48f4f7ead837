"""The API's response and request shapes.

Amounts are :data:`Amount`: exact decimal strings with two decimals, never JSON numbers
(a float-parsing client would round öre away). Dates are ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from bokslut.integrations.areas import Area

__all__ = [
    "ERRORS",
    "AccountOut",
    "Amount",
    "AreaCountOut",
    "ClientOut",
    "ConnectionOut",
    "ErrorOut",
    "Exact",
    "SyncRunDetailOut",
    "SyncRunOut",
    "SyncStartIn",
    "SyncTaskOut",
    "TokenOut",
    "TrialBalanceOut",
    "TrialBalanceRowOut",
    "VoucherDetailOut",
    "VoucherOut",
    "VoucherPageOut",
    "VoucherRowOut",
    "YearOut",
]

AMOUNT_PATTERN = r"^-?\d+\.\d{2}$"

#: Money in kronor as an exact string: ``"-1234.50"``.
Amount = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "description": "belopp i kronor, exakt, två decimaler (debet positivt)",
            "examples": ["-1234.50"],
        }
    ),
]


#: A quantity (or other exact number) as a decimal string: ``"1.5"``.
Exact = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "description": "exakt decimaltal", "examples": ["1.5"]}),
]


class ErrorOut(Schema):
    """An error answer; ``detail`` says why (in Swedish where the app wrote it)."""

    detail: Any


#: The error answers every route may give: unreadable request, no valid token, not found (or
#: not the caller's), invalid parameters.
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ClientOut(Schema):
    """A client company the token's user may see."""

    id: int
    name: str
    org_number: str
    connection_status: str = Field(description="Fortnox-kopplingens status")


class ConnectionOut(Schema):
    """A client's Fortnox connection; tokens and secrets are never part of it."""

    client_id: int
    status: str
    status_label: str
    kind: str | None
    company_name: str
    org_number: str
    org_number_mismatch: bool
    org_number_confirmed: bool
    can_sync: bool
    scopes: list[str]
    licences: list[str]
    connected_at: dt.datetime | None
    last_error: str
    last_error_at: dt.datetime | None


class SyncStartIn(Schema):
    """What to sync: some areas (default: the client's), and whether to compare in full."""

    areas: list[Area] | None = None
    full: bool = False


class SyncTaskOut(Schema):
    """A queued sync: poll ``/clients/{id}/sync-tasks/{task_id}``, then the run."""

    task_id: str
    client_id: int
    status: str = Field(description="READY, RUNNING, SUCCESSFUL or FAILED")
    run_id: int | None = Field(None, description="the SyncRun, once the worker recorded it")
    error: str = ""
    enqueued_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class AreaProgressOut(Schema):
    """One area of a run: its state and how many of its steps are done."""

    area: str
    state: str = Field(description="pending, running, done, failed or skipped")
    done: int = 0
    total: int = 0


class ProgressOut(Schema):
    """Where a sync is: the engine's latest step, and every area's state."""

    area: str | None = None
    done: int | None = None
    total: int | None = None
    areas: list[AreaProgressOut] = Field(
        default_factory=list, description="per area of the run, in the engine's order"
    )


class AreaCountOut(Schema):
    """What a run did to one area's records."""

    area: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


class SyncRunOut(Schema):
    """One sync of a client, as listed."""

    id: int
    status: str
    trigger: str
    full: bool
    queued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    request_total: int
    error: str
    progress: ProgressOut


class SyncRunDetailOut(SyncRunOut):
    """One sync with what it did per area, per year and per endpoint."""

    areas: list[str]
    counts: list[AreaCountOut]
    paths: dict[str, str] = Field(description="per year start: sie, json, delta or unchanged")
    requests: dict[str, dict[str, float]]
    bytes_total: int
    warnings: list[str]


class YearOut(Schema):
    """A financial year (räkenskapsår); ``id`` is what ``?year=`` takes."""

    id: int
    start: dt.date
    end: dt.date


class AccountOut(Schema):
    """An account of one year's chart."""

    number: str
    name: str
    type: str
    sru: str
    active: bool


class TrialBalanceRowOut(Schema):
    """One account in the saldobalans."""

    account: str
    name: str
    opening: Amount
    movement: Amount
    closing: Amount
    stated_closing: Amount | None
    agrees: bool


class TrialBalanceOut(Schema):
    """The saldobalans of one year."""

    year: YearOut
    rows: list[TrialBalanceRowOut]


class VoucherOut(Schema):
    """A voucher (verifikation) as listed."""

    id: int
    series: str
    number: str
    date: dt.date | None
    text: str
    registered: dt.date | None


class VoucherPageOut(Schema):
    """A page of vouchers; pass ``next_offset`` as ``offset`` for the next one."""

    year: YearOut
    items: list[VoucherOut]
    next_offset: int | None


class VoucherRowOut(Schema):
    """A voucher row; ``struck`` rows (#BTRANS, Fortnox Removed) do not count."""

    position: int
    kind: str
    struck: bool
    account: str
    amount: Amount
    text: str
    date: dt.date | None
    quantity: Exact | None
    objects: str = Field(description='object list as compact JSON: [[1,"100"]]')


class VoucherDetailOut(VoucherOut):
    """A voucher with all its rows, struck ones included."""

    year: YearOut
    signature: str
    rows: list[VoucherRowOut]


class TokenOut(Schema):
    """One of the user's API tokens; the secret itself is never shown again."""

    id: int
    name: str
    prefix: str
    created: dt.datetime
    last_used: dt.datetime | None
    active: bool
