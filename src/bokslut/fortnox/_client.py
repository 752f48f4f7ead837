"""``FortnoxClient``: one tenant's Fortnox API v3, as typed Python calls."""

from __future__ import annotations

import datetime as dt
import os
import random as random_module
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar
from urllib.parse import quote

import httpx

from bokslut.fortnox import _coerce as c
from bokslut.fortnox._accounting import RequestStats
from bokslut.fortnox._auth import TokenKeeper
from bokslut.fortnox._coerce import JsonObject
from bokslut.fortnox._errors import FortnoxError, UnexpectedResponse
from bokslut.fortnox._ledger import (
    Account,
    CompanyInformation,
    FinancialYear,
    LockedPeriod,
    Voucher,
    VoucherSeries,
    VoucherSummary,
)
from bokslut.fortnox._oauth import FortnoxOAuth
from bokslut.fortnox._pages import iter_list
from bokslut.fortnox._ratelimit import InMemoryRateLimiter, RateLimiter
from bokslut.fortnox._registers import (
    Asset,
    CostCenter,
    Customer,
    Invoice,
    Project,
    Supplier,
    SupplierInvoice,
)
from bokslut.fortnox._retry import RetryPolicy
from bokslut.fortnox._session import Params, Session
from bokslut.fortnox._tokens import TokenStore
from bokslut.fortnox._vouchers import VoucherDraft, post_voucher

__all__ = ["DEFAULT_API_URL", "FortnoxClient"]

DEFAULT_API_URL = "https://api.fortnox.se/3/"

T = TypeVar("T")


class FortnoxClient:
    """A Fortnox API v3 client for one connection (one tenant).

    Collaborators are injected: the token store (and OAuth client to refresh with),
    the rate limiter (share a :class:`FileRateLimiter` between processes on one machine,
    or a :class:`RedisRateLimiter` across machines, that touch the same tenant), the
    retry policy, the HTTP transport, and the clocks and sleep.

    >>> from bokslut.fortnox import InMemoryTokenStore, TokenSet
    >>> client = FortnoxClient(token_store=InMemoryTokenStore(TokenSet("at", "rt")))
    >>> client
    FortnoxClient(api_url='https://api.fortnox.se/3/', tenant='default')
    """

    def __init__(
        self,
        *,
        token_store: TokenStore,
        oauth: FortnoxOAuth | None = None,
        tenant: str = "default",
        api_url: str = DEFAULT_API_URL,
        rate_limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout = 30.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = random_module.random,
        timer: Callable[[], float] = time.perf_counter,
        stats: RequestStats | None = None,
    ) -> None:
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.tenant = tenant
        self.stats = stats or RequestStats()
        self._http = httpx.Client(transport=transport, timeout=timeout)
        self.retry = retry or RetryPolicy()
        self._session = Session(
            http=self._http,
            api_url=self.api_url,
            tokens=TokenKeeper(token_store, oauth, clock=clock),
            limiter=rate_limiter or InMemoryRateLimiter(sleep=sleep),
            tenant=tenant,
            retry=self.retry,
            stats=self.stats,
            sleep=sleep,
            random=random,
            timer=timer,
        )

    def __repr__(self) -> str:
        return f"FortnoxClient(api_url={self.api_url!r}, tenant={self.tenant!r})"

    def __enter__(self) -> FortnoxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    # -- plumbing -------------------------------------------------------------

    def _get(self, path: str, endpoint: str, params: Params | None = None) -> JsonObject:
        return c.obj(self._session.request_json("GET", path, endpoint=endpoint, params=params))

    def _list(
        self,
        path: str,
        key: str,
        parse: Callable[[JsonObject], T],
        params: Params | None = None,
        endpoint: str | None = None,
    ) -> Iterator[T]:
        for item in iter_list(
            self._session, path, key=key, endpoint=endpoint or f"GET /3/{path}", params=params
        ):
            yield parse(item)

    @staticmethod
    def _year(financial_year: int | None) -> dict[str, str | int]:
        return {} if financial_year is None else {"financialyear": financial_year}

    # -- bookkeeping ----------------------------------------------------------

    def company_information(self) -> CompanyInformation:
        """``GET /3/companyinformation``; its ``database_number`` is the tenant id."""
        data = self._get("companyinformation", "GET /3/companyinformation")
        return CompanyInformation.from_json(c.obj(data.get("CompanyInformation")))

    def financial_years(self, *, date: dt.date | None = None) -> list[FinancialYear]:
        """All financial years (or the one containing ``date``), sorted by start date."""
        params = {} if date is None else {"date": date.isoformat()}
        years = list(
            self._list("financialyears", "FinancialYears", FinancialYear.from_json, params)
        )
        # Fortnox Ids are not in date order; callers reason in dates.
        return sorted(years, key=lambda year: (year.from_date or dt.date.min, year.id))

    def financial_year(self, year_id: int) -> FinancialYear:
        """``GET /3/financialyears/{Id}``."""
        data = self._get(f"financialyears/{year_id}", "GET /3/financialyears/{id}")
        return FinancialYear.from_json(c.obj(data.get("FinancialYear")))

    def accounts(
        self, *, financial_year: int | None = None, last_modified: str | None = None
    ) -> Iterator[Account]:
        """The chart of accounts of a year, with opening balances (no closing balance).

        With ``last_modified`` (Fortnox's ``YYYY-MM-DD HH:MM``) only accounts changed since.
        """
        params = self._year(financial_year)
        if last_modified is not None:
            params["lastmodified"] = last_modified
        return self._list("accounts", "Accounts", Account.from_json, params)

    def account(self, number: int, *, financial_year: int | None = None) -> Account:
        """One account with ``balance_carried_forward`` (UB)."""
        data = self._get(
            f"accounts/{_segment(number)}", "GET /3/accounts/{number}", self._year(financial_year)
        )
        return Account.from_json(c.obj(data.get("Account")))

    def vouchers(
        self,
        *,
        financial_year: int | None = None,
        series: str | None = None,
        from_date: dt.date | None = None,
        to_date: dt.date | None = None,
        last_modified: str | None = None,
    ) -> Iterator[VoucherSummary]:
        """Voucher heads (no rows), sorted by series then number.

        With ``series`` the documented ``/3/vouchers/sublist/{Series}`` is used.
        ``last_modified`` is Fortnox's ``YYYY-MM-DD HH:MM``.
        """
        params: dict[str, str | int] = self._year(financial_year)
        if from_date is not None:
            params["fromdate"] = from_date.isoformat()
        if to_date is not None:
            params["todate"] = to_date.isoformat()
        if last_modified is not None:
            params["lastmodified"] = last_modified
        if series is None:
            return self._list("vouchers", "Vouchers", VoucherSummary.from_json, params)
        return self._list(
            f"vouchers/sublist/{_segment(series)}",
            "Vouchers",
            VoucherSummary.from_json,
            params,
            endpoint="GET /3/vouchers/sublist/{series}",
        )

    def voucher(self, series: str, number: int, *, financial_year: int | None = None) -> Voucher:
        """One voucher with its rows (struck rows have ``removed=True``)."""
        data = self._get(
            f"vouchers/{_segment(series)}/{number}",
            "GET /3/vouchers/{series}/{number}",
            self._year(financial_year),
        )
        return Voucher.from_json(c.obj(data.get("Voucher")))

    def voucher_series(self, *, financial_year: int | None = None) -> list[VoucherSeries]:
        """The voucher series with each one's ``next_voucher_number``."""
        return list(
            self._list(
                "voucherseries",
                "VoucherSeriesCollection",
                VoucherSeries.from_json,
                self._year(financial_year),
            )
        )

    def locked_period(self) -> LockedPeriod:
        """``GET /3/settings/lockedperiod``."""
        data = self._get("settings/lockedperiod", "GET /3/settings/lockedperiod")
        return LockedPeriod.from_json(c.obj(data.get("LockedPeriod")))

    def create_voucher(self, draft: VoucherDraft, *, financial_year: int) -> Voucher:
        """Book ``draft`` exactly once, and return it with its assigned number.

        Raises :class:`VoucherOutcomeUnknown` if a failure left it impossible to tell
        whether Fortnox booked it; never posts it twice.
        """
        return post_voucher(
            self._session, draft, financial_year=financial_year, attempts=self.retry.attempts
        )

    # -- registers ------------------------------------------------------------

    def cost_centers(self) -> Iterator[CostCenter]:
        """``GET /3/costcenters``."""
        return self._list("costcenters", "CostCenters", CostCenter.from_json)

    def projects(self) -> Iterator[Project]:
        """``GET /3/projects``."""
        return self._list("projects", "Projects", Project.from_json)

    def customers(self) -> Iterator[Customer]:
        """``GET /3/customers``."""
        return self._list("customers", "Customers", Customer.from_json)

    def suppliers(self) -> Iterator[Supplier]:
        """``GET /3/suppliers``."""
        return self._list("suppliers", "Suppliers", Supplier.from_json)

    def invoices(self, *, filter: str | None = None, **params: str) -> Iterator[Invoice]:
        """``GET /3/invoices`` (``filter="unpaid"`` etc.; extra lower-case query params)."""
        query: dict[str, str | int] = dict(params)
        if filter is not None:
            query["filter"] = filter
        return self._list("invoices", "Invoices", Invoice.from_json, query)

    def supplier_invoices(
        self, *, filter: str | None = None, **params: str
    ) -> Iterator[SupplierInvoice]:
        """``GET /3/supplierinvoices`` (rows only on :meth:`supplier_invoice`)."""
        query: dict[str, str | int] = dict(params)
        if filter is not None:
            query["filter"] = filter
        return self._list("supplierinvoices", "SupplierInvoices", SupplierInvoice.from_json, query)

    def supplier_invoice(self, given_number: str | int) -> SupplierInvoice:
        """One supplier invoice with its rows."""
        data = self._get(
            f"supplierinvoices/{_segment(given_number)}", "GET /3/supplierinvoices/{number}"
        )
        return SupplierInvoice.from_json(c.obj(data.get("SupplierInvoice")))

    def assets(self) -> Iterator[Asset]:
        """``GET /3/assets`` (needs the ``assets`` scope and licence)."""
        return self._list("assets", "Assets", Asset.from_json)

    def asset(self, asset_id: int) -> Asset:
        """One asset; Fortnox wraps the single resource as ``Assets`` too."""
        data = self._get(f"assets/{_segment(asset_id)}", "GET /3/assets/{id}")
        wrapped: Any = data.get("Assets", data.get("Asset"))
        items = c.objects(wrapped)
        if not items:
            raise FortnoxError("asset answer without an asset")
        return Asset.from_json(items[0])

    # -- SIE ------------------------------------------------------------------

    def iter_sie(self, sie_type: int, *, financial_year: int) -> Iterator[bytes]:
        """The SIE export (CP437 bytes) of one financial year, as it streams in.

        Retries happen only before the first chunk; a break after it raises.
        """
        if sie_type not in {1, 2, 3, 4}:
            raise ValueError("SIE type must be 1, 2, 3 or 4")
        return self._session.stream(
            f"sie/{sie_type}",
            endpoint="GET /3/sie/{type}",
            params={"financialyear": financial_year},
        )

    def download_sie(
        self, sie_type: int, *, financial_year: int, destination: Path | str | BinaryIO
    ) -> int:
        """Stream the SIE export into a file; the number of bytes written.

        To a path, the file is written beside it and renamed into place only when
        complete, and a download that breaks off is started over (within the retry
        budget), so the path never holds a partial export.
        """
        if not isinstance(destination, Path | str):
            written = 0
            for chunk in self.iter_sie(sie_type, financial_year=financial_year):
                destination.write(chunk)
                written += len(chunk)
            return written
        target = Path(destination)
        for attempt in range(1, self.retry.attempts + 1):
            fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            try:
                with os.fdopen(fd, "wb") as handle:
                    written = 0
                    for chunk in self.iter_sie(sie_type, financial_year=financial_year):
                        handle.write(chunk)
                        written += len(chunk)
                os.replace(tmp_name, target)
                return written
            except UnexpectedResponse:
                # Only a download that broke off midway is worth starting over.
                Path(tmp_name).unlink(missing_ok=True)
                if attempt >= self.retry.attempts:
                    raise
                self._session.sleep(
                    self.retry.delay(attempt, rate_limited=False, random=self._session.random)
                )
            except BaseException:
                Path(tmp_name).unlink(missing_ok=True)
                raise
        raise AssertionError("unreachable")  # pragma: no cover


def _segment(value: object) -> str:
    """``value`` as one URL path segment: a series like "#" or "A/B" must not end the path."""
    return quote(str(value), safe="")
