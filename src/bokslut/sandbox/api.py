"""The Fortnox REST surface (``/3/…``) over the in-memory companies, independent of HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar
from urllib.parse import unquote

from bokslut.sandbox import resources as r
from bokslut.sandbox.clock import Clock
from bokslut.sandbox.errors import ApiError, Codes
from bokslut.sandbox.jsonio import JsonValue, dumps, loads
from bokslut.sandbox.listing import (
    int_param,
    paginate,
    parse_date,
    parse_timestamp,
    sort_items,
)
from bokslut.sandbox.posting import book_voucher
from bokslut.sandbox.sie_export import SIE_TYPES, export_sie
from bokslut.sandbox.store import Company, Record, StoredVoucher, YearData

__all__ = ["ROUTES", "FortnoxApi", "Reply", "Request", "Route", "json_reply"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Request:
    """What a REST handler needs from an HTTP request."""

    method: str
    path: str
    query: Mapping[str, str]
    body: bytes
    base: str  # scheme://host:port, for @url


@dataclass(slots=True)
class Reply:
    """An HTTP answer: status, body bytes and content type."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(status: int, value: JsonValue) -> Reply:
    """A JSON answer; slashes escaped as in Fortnox's bodies (``https:\\/\\/…``)."""
    return Reply(status, dumps(value).replace("/", "\\/").encode("utf-8"))


#: Path parameters of a matched route, percent-decoded (a series may be "#" or "Å").
PathParams = Mapping[str, str]
Handler = Callable[["FortnoxApi", Company, Request, PathParams], Reply]


@dataclass(frozen=True, slots=True)
class Route:
    """A REST endpoint: method, path pattern under /3/, required scope and name for stats."""

    method: str
    pattern: re.Pattern[str]
    scope: str
    name: str
    handler: Handler


ROUTES: list[Route] = []


def route(method: str, pattern: str, scope: str, name: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``/3/<pattern>``."""

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, re.compile(f"^{pattern}/?$"), scope, name, handler))
        return handler

    return register


class FortnoxApi:
    """Answers REST requests for one company at a time; callers choose the company."""

    def __init__(self, clock: Clock, *, page_size_cap: Callable[[], int | None]) -> None:
        self.clock = clock
        self.page_size_cap = page_size_cap

    def today(self) -> date:
        """The sandbox's today."""
        return self.clock.now().date()

    def match(self, method: str, path: str) -> tuple[Route, re.Match[str]]:
        """The route for ``method path`` (path relative to /3/), or a 404/405 error."""
        allowed = False
        for candidate in ROUTES:
            found = candidate.pattern.match(path)
            if found is None:
                continue
            if candidate.method == method:
                return candidate, found
            allowed = True
        if allowed:
            raise ApiError(405, Codes.INVALID_PARAMETER, f"Metoden {method} stöds inte här")
        raise ApiError(404, Codes.NOT_FOUND, "Resursen hittades inte")

    # --- helpers ---------------------------------------------------------------------------

    def year_of(self, company: Company, query: Mapping[str, str]) -> YearData:
        """The year a request means: ``financialyear``, ``financialyeardate`` or today's."""
        year_id = int_param(query, "financialyear")
        if year_id is not None:
            year = company.years.get(year_id)
            if year is None:
                raise ApiError(400, Codes.NO_FINANCIAL_YEAR, f"Räkenskapsår {year_id} finns inte")
            return year
        raw = query.get("financialyeardate")
        if raw:
            found = company.year_for_date(parse_date("financialyeardate", raw))
            if found is None:
                raise ApiError(400, Codes.NO_FINANCIAL_YEAR, f"Inget räkenskapsår för {raw}")
            return found
        current = company.current_year(self.today())
        if current is None:
            raise ApiError(400, Codes.NO_FINANCIAL_YEAR, "Företaget saknar räkenskapsår")
        return current

    def listing(
        self,
        wrapper: str,
        items: Sequence[T],
        request: Request,
        render: Callable[[T], JsonValue],
        *,
        modified: Callable[[T], datetime] | None = None,
        day: Callable[[T], date | None] | None = None,
    ) -> Reply:
        """A list answer: filters, sorting, pagination and MetaInformation."""
        query = request.query
        selected: Sequence[T] = items
        if modified is not None and query.get("lastmodified"):
            since = parse_timestamp("lastmodified", query["lastmodified"])
            selected = [item for item in selected if modified(item) >= since]
        if day is not None and (query.get("fromdate") or query.get("todate")):
            low = parse_date("fromdate", query["fromdate"]) if query.get("fromdate") else None
            high = parse_date("todate", query["todate"]) if query.get("todate") else None
            kept = []
            for item in selected:
                when = day(item)
                if when is None or (low and when < low) or (high and when > high):
                    continue
                kept.append(item)
            selected = kept
        cap = self.page_size_cap()
        if query.get("sortby"):
            rendered = sort_items([render(item) for item in selected], query)
            page = paginate(rendered, query, lambda item: item, cap=cap)
        else:
            page = paginate(selected, query, render, cap=cap)
        return json_reply(200, {"MetaInformation": page.meta(), wrapper: page.items})

    def handle(
        self, company: Company, route_: Route, found: re.Match[str], request: Request
    ) -> Reply:
        """Run ``route_`` for ``company`` under its lock."""
        params = {key: unquote(value) for key, value in found.groupdict().items()}
        with company.lock:
            return route_.handler(self, company, request, params)


def _not_found(what: str) -> ApiError:
    return ApiError(404, Codes.NOT_FOUND, f"{what} hittades inte")


# --- company, years, accounts -------------------------------------------------------------


@route("GET", "companyinformation", "companyinformation", "companyinformation")
def _company_information(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    return json_reply(200, {"CompanyInformation": r.company_information_json(c)})


@route("GET", "financialyears", "bookkeeping", "financialyears")
def _financial_years(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    years = sorted(c.years.values(), key=lambda y: y.id)
    if q.query.get("date"):
        day = parse_date("date", q.query["date"])
        years = [y for y in years if y.contains(day)]
    return api.listing("FinancialYears", years, q, lambda y: r.financial_year_json(q.base, y))


@route("GET", r"financialyears/(?P<id>\d+)", "bookkeeping", "financialyear")
def _financial_year(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    year = c.years.get(int(m["id"]))
    if year is None:
        raise _not_found("Räkenskapsåret")
    return json_reply(200, {"FinancialYear": r.financial_year_json(q.base, year)})


@route("GET", "accounts", "bookkeeping", "accounts")
def _accounts(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    year = api.year_of(c, q.query)
    states = [c.accounts[n] for n in sorted(c.accounts, key=lambda n: (len(n), n))]
    return api.listing(
        "Accounts",
        states,
        q,
        lambda s: r.account_json(q.base, s, year),
        modified=lambda s: s.modified,
    )


@route("GET", r"accounts/(?P<number>[^/]+)", "bookkeeping", "account")
def _account(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    year = api.year_of(c, q.query)
    state = c.accounts.get(m["number"])
    if state is None:
        raise ApiError(404, Codes.ACCOUNT_NOT_FOUND, f"Kontot {m['number']} hittades inte")
    return json_reply(200, {"Account": r.account_json(q.base, state, year, detail=True)})


# --- vouchers ------------------------------------------------------------------------------


def _voucher_list(api: FortnoxApi, c: Company, q: Request, series: str | None) -> Reply:
    year = api.year_of(c, q.query)
    series = series or q.query.get("voucherseries") or None
    vouchers = year.ordered_vouchers()
    if series:
        vouchers = [v for v in vouchers if v.voucher.series == series]

    def transaction_date(stored: StoredVoucher) -> date | None:
        return stored.voucher.date or year.start

    return api.listing(
        "Vouchers",
        vouchers,
        q,
        lambda v: r.voucher_json(q.base, c, year, v),
        modified=lambda v: v.modified,
        day=transaction_date,
    )


@route("GET", "vouchers", "bookkeeping", "vouchers")
def _vouchers(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    return _voucher_list(api, c, q, None)


@route("GET", r"vouchers/sublist/(?P<series>[^/]+)", "bookkeeping", "vouchers")
def _voucher_sublist(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    return _voucher_list(api, c, q, m["series"])


@route("GET", r"vouchers/(?P<series>[^/]+)/(?P<number>\d+)", "bookkeeping", "voucher")
def _voucher(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    year = api.year_of(c, q.query)
    stored = year.vouchers.get((m["series"], int(m["number"])))
    if stored is None:
        raise _not_found(f"Verifikation {m['series']}{m['number']}")
    return json_reply(200, {"Voucher": r.voucher_json(q.base, c, year, stored, detail=True)})


def parse_body(body: bytes) -> JsonValue:
    """A request body as JSON with Decimal numbers, or Fortnox's body errors."""
    if not body.strip():
        raise ApiError(400, Codes.EMPTY_BODY, "Tom eller felaktig body")
    try:
        return loads(body)
    except ValueError:
        raise ApiError(400, Codes.JSON_SYNTAX, "Felaktig JSON-syntax") from None


@route("POST", "vouchers", "bookkeeping", "post-voucher")
def _post_voucher(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    year_id = int_param(q.query, "financialyear")
    year, stored = book_voucher(c, parse_body(q.body), year_id=year_id, now=api.clock.now())
    return json_reply(201, {"Voucher": r.voucher_json(q.base, c, year, stored, detail=True)})


def _series_codes(year: YearData) -> list[str]:
    return sorted({"A", *(series for series, _ in year.vouchers), *year.series_descriptions})


@route("GET", "voucherseries", "bookkeeping", "voucherseries")
def _voucher_series(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    year = api.year_of(c, q.query)
    return api.listing(
        "VoucherSeriesCollection",
        _series_codes(year),
        q,
        lambda code: r.voucher_series_json(q.base, year, code),
    )


@route("GET", r"voucherseries/(?P<code>[^/]+)", "bookkeeping", "voucherseries-single")
def _voucher_series_one(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    year = api.year_of(c, q.query)
    if m["code"] not in _series_codes(year):
        raise _not_found(f"Verifikationsserie {m['code']}")
    return json_reply(200, {"VoucherSeries": r.voucher_series_json(q.base, year, m["code"])})


@route("GET", r"sie/(?P<type>\d)", "bookkeeping", "sie")
def _sie(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    sie_type = int(m["type"])
    if sie_type not in SIE_TYPES:
        raise ApiError(400, Codes.INVALID_PARAMETER, f"Ogiltig SIE-typ: {sie_type}")
    year = api.year_of(c, q.query)
    data = export_sie(c, year, sie_type, api.today())
    return Reply(
        200,
        data,
        "application/octet-stream",
        {"Content-Disposition": f'attachment; filename="SIE{sie_type}_{year.id}.se"'},
    )


@route("GET", "settings/lockedperiod", "settings", "lockedperiod")
def _locked_period(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    end = c.locked_until.isoformat() if c.locked_until else ""
    return json_reply(200, {"LockedPeriod": {"EndDate": end}})


# --- cost centres and projects ---------------------------------------------------------------


@route("GET", "costcenters", "costcenter", "costcenters")
def _cost_centres(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    return api.listing(
        "CostCenters",
        c.cost_centres(),
        q,
        lambda o: r.cost_centre_json(q.base, o),
        modified=lambda o: c.object_modified.get((o.dimension, o.code), datetime(2000, 1, 1)),
    )


@route("GET", r"costcenters/(?P<code>[^/]+)", "costcenter", "costcenter")
def _cost_centre(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    obj = c.objects.get((1, m["code"]))
    if obj is None:
        raise _not_found(f"Kostnadsställe {m['code']}")
    return json_reply(200, {"CostCenter": r.cost_centre_json(q.base, obj)})


@route("GET", "projects", "project", "projects")
def _projects(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    return api.listing(
        "Projects",
        c.projects(),
        q,
        lambda o: r.project_json(q.base, o),
        modified=lambda o: c.object_modified.get((o.dimension, o.code), datetime(2000, 1, 1)),
    )


@route("GET", r"projects/(?P<code>[^/]+)", "project", "project")
def _project(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
    obj = c.objects.get((6, m["code"]))
    if obj is None:
        raise _not_found(f"Projekt {m['code']}")
    return json_reply(200, {"Project": r.project_json(q.base, obj)})


# --- JSON-only registers ---------------------------------------------------------------------


def _amount(value: JsonValue) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def _invoice_filter(name: str, today: date) -> Callable[[Record], bool]:
    def unpaid(rec: Record) -> bool:
        d = rec.data
        return bool(d.get("Booked")) and not d.get("Cancelled") and _amount(d.get("Balance")) != 0

    filters: dict[str, Callable[[Record], bool]] = {
        "unpaid": unpaid,
        "unpaidoverdue": lambda rec: (
            unpaid(rec) and str(rec.data.get("DueDate", "9999-12-31")) < today.isoformat()
        ),
        "unbooked": lambda rec: not rec.data.get("Booked") and not rec.data.get("Cancelled"),
        "cancelled": lambda rec: bool(rec.data.get("Cancelled")),
        "fullypaid": lambda rec: (
            bool(rec.data.get("Booked"))
            and not rec.data.get("Cancelled")
            and _amount(rec.data.get("Balance")) == 0
        ),
    }
    if name not in filters:
        raise ApiError(400, Codes.INVALID_PARAMETER, f"Ogiltigt filter: {name}")
    return filters[name]


def _record_day(name: str) -> Callable[[Record], date | None]:
    def day(rec: Record) -> date | None:
        raw = rec.data.get(name)
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            return None

    return day


def _register(
    plural: str, singular: str, attribute: str, path: str, scope: str, dated: str | None
) -> None:
    def sort_key(key: str) -> tuple[int, str]:
        return (int(key), "") if key.isdigit() else (1 << 62, key)

    def list_handler(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
        register: dict[str, Record] = getattr(c, attribute)
        keys = sorted(register, key=sort_key)
        wanted = q.query.get("filter")
        if wanted:
            if attribute in ("invoices", "supplier_invoices"):
                keep = _invoice_filter(wanted, api.today())
            elif wanted in ("active", "inactive"):
                flag = wanted == "active"

                def keep(rec: Record) -> bool:
                    return bool(rec.data.get("Active", True)) == flag
            else:
                raise ApiError(400, Codes.INVALID_PARAMETER, f"Ogiltigt filter: {wanted}")
            keys = [k for k in keys if keep(register[k])]
        day = _record_day(dated) if dated else None
        return api.listing(
            plural,
            keys,
            q,
            lambda k: r.record_json(q.base, attribute, k, register[k], detail=False),
            modified=lambda k: register[k].modified,
            day=(lambda k: day(register[k])) if day else None,
        )

    def single_handler(api: FortnoxApi, c: Company, q: Request, m: PathParams) -> Reply:
        register: dict[str, Record] = getattr(c, attribute)
        record = register.get(m["key"])
        if record is None:
            raise _not_found(f"{singular} {m['key']}")
        return json_reply(
            200, {singular: r.record_json(q.base, attribute, m["key"], record, detail=True)}
        )

    route("GET", path, scope, path)(list_handler)
    route("GET", rf"{path}/(?P<key>[^/]+)", scope, path + "-single")(single_handler)


_register("Customers", "Customer", "customers", "customers", "customer", None)
_register("Suppliers", "Supplier", "suppliers", "suppliers", "supplier", None)
_register("Invoices", "Invoice", "invoices", "invoices", "invoice", "InvoiceDate")
_register(
    "SupplierInvoices", "SupplierInvoice", "supplier_invoices", "supplierinvoices",
    "supplierinvoice", "InvoiceDate",
)  # fmt: skip
# Fortnox wraps a single asset in "Assets" too.
_register("Assets", "Assets", "assets", "assets", "assets", "AcquisitionDate")
