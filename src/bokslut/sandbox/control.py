"""The control API (``/control/…``): not Fortnox's surface, but how tests, the demo and the
benchmarks change a running sandbox — bookkeeping goes on, tokens die, faults happen."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from bokslut.sandbox import resources as r
from bokslut.sandbox.api import Reply, json_reply, parse_body
from bokslut.sandbox.errors import ApiError, Codes
from bokslut.sandbox.jsonio import JsonValue, dumps
from bokslut.sandbox.posting import book_voucher
from bokslut.sandbox.store import ALL_SCOPES, Company

if TYPE_CHECKING:
    from bokslut.sandbox.server import Sandbox

__all__ = ["handle_control"]

ControlHandler = Callable[["Sandbox", re.Match[str], JsonValue, str], Reply]
_ROUTES: list[tuple[str, re.Pattern[str], ControlHandler]] = []


def _control(method: str, pattern: str) -> Callable[[ControlHandler], ControlHandler]:
    def register(handler: ControlHandler) -> ControlHandler:
        _ROUTES.append((method, re.compile(f"^{pattern}/?$"), handler))
        return handler

    return register


def _plain(status: int, value: JsonValue) -> Reply:
    # Control answers are for people and tests: no Fortnox slash escaping.
    return Reply(status, dumps(value).encode("utf-8"))


def handle_control(sandbox: Sandbox, method: str, path: str, body: bytes, base: str) -> Reply:
    """Answer ``method /control/<path>``."""
    for route_method, pattern, handler in _ROUTES:
        found = pattern.match(path)
        if found is not None and route_method == method:
            try:
                payload = parse_body(body) if body.strip() else {}
                return handler(sandbox, found, payload, base)
            except ApiError as error:
                return _plain(error.status, {"error": error.message, "code": error.code})
            except (ValueError, TypeError, KeyError) as error:
                return _plain(400, {"error": str(error)})
    return _plain(404, {"error": f"no control endpoint {method} /control/{path}"})


def _company(sandbox: Sandbox, number: str) -> Company:
    company = sandbox.companies.get(int(number))
    if company is None:
        raise ApiError(404, Codes.NOT_FOUND, f"no company {number}")
    return company


def _mapping(payload: JsonValue) -> Mapping[str, JsonValue]:
    if not isinstance(payload, Mapping):
        raise ValueError("expected a JSON object")
    return payload


@_control("GET", "health")
def _health(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    return _plain(200, {"ok": True})


@_control("GET", "companies")
def _companies(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    answer = []
    for company in sandbox.companies.values():
        with company.lock:
            answer.append(
                {
                    "DatabaseNumber": company.database_number,
                    "CompanyName": company.name,
                    "FinancialYears": [
                        {
                            "Id": y.id,
                            "FromDate": y.start,
                            "ToDate": y.end,
                            "Vouchers": len(y.vouchers),
                        }
                        for y in company.years_by_date()
                    ],
                    "Licences": sorted(company.licences),
                    "LockedPeriod": company.locked_until,
                }
            )
    return _plain(200, {"Companies": answer})


@_control("POST", r"companies/(?P<db>\d+)/vouchers")
def _add_voucher(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    company = _company(sandbox, m["db"])
    data = _mapping(payload)
    year_id = data.get("financialyear")
    with company.lock:
        year, stored = book_voucher(
            company,
            data,
            year_id=int(year_id) if year_id is not None else None,
            now=sandbox.clock.now(),
            respect_lock=bool(data.get("respect_lock", False)),
        )
        return json_reply(
            201, {"Voucher": r.voucher_json(base, company, year, stored, detail=True)}
        )


@_control(
    "DELETE",
    r"companies/(?P<db>\d+)/years/(?P<year>\d+)/vouchers/(?P<series>[^/]+)/(?P<number>\d+)",
)
def _remove_voucher(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    # Fortnox's API cannot delete a voucher and never reports one gone; this is the test's
    # way to make one disappear (a reversal's effect without the reversing voucher).
    company = _company(sandbox, m["db"])
    with company.lock:
        year = company.years.get(int(m["year"]))
        if year is None:
            raise ApiError(404, Codes.NO_FINANCIAL_YEAR, f"no financial year {m['year']}")
        stored = year.remove_voucher(m["series"], int(m["number"]))
        if stored is None:
            raise ApiError(404, Codes.NOT_FOUND, f"no voucher {m['series']}{m['number']}")
        year.modified = sandbox.clock.now()
        return _plain(
            200, {"Removed": {"VoucherSeries": m["series"], "VoucherNumber": stored.number}}
        )


@_control("PATCH", r"companies/(?P<db>\d+)/accounts/(?P<number>[^/]+)")
def _change_account(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    company = _company(sandbox, m["db"])
    data = _mapping(payload)
    with company.lock:
        state = company.accounts.get(m["number"])
        if state is None:
            raise ApiError(404, Codes.ACCOUNT_NOT_FOUND, f"no account {m['number']}")
        if "Description" in data:
            state.account = replace(state.account, name=str(data["Description"]))
        if "Active" in data:
            state.active = bool(data["Active"])
        if "VATCode" in data:
            state.vat_code = str(data["VATCode"])
        state.modified = sandbox.clock.now()
        return _plain(200, {"Number": state.account.number, "Description": state.account.name,
                            "Active": state.active})  # fmt: skip


@_control("PUT", r"companies/(?P<db>\d+)/lockedperiod")
def _lock_period(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    company = _company(sandbox, m["db"])
    end = _mapping(payload).get("EndDate")
    with company.lock:
        company.locked_until = date.fromisoformat(str(end)) if end else None
        return _plain(200, {"LockedPeriod": {"EndDate": company.locked_until or ""}})


@_control("PUT", r"companies/(?P<db>\d+)/licences")
def _licences(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    company = _company(sandbox, m["db"])
    scopes = set(_mapping(payload)["scopes"])
    unknown = scopes - ALL_SCOPES
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    with company.lock:
        company.licences = scopes
    return _plain(200, {"Licences": sorted(scopes)})


@_control("POST", "tokens/expire")
def _expire(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    data = _mapping(payload)
    tenant = data.get("tenant")
    count = sandbox.oauth.expire(
        token=data.get("token"), tenant=int(tenant) if tenant is not None else None
    )
    return _plain(200, {"expired": count})


@_control("POST", "tokens/revoke")
def _revoke(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    tenant = _mapping(payload).get("tenant")
    count = sandbox.oauth.revoke_all(tenant=int(tenant) if tenant is not None else None)
    return _plain(200, {"revoked_grants": count})


@_control("GET", "faults")
def _faults(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    return _plain(200, sandbox.faults.config.to_json())


@_control("PATCH", "faults")
def _set_faults(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    return _plain(200, sandbox.faults.update(_mapping(payload)).to_json())


@_control("DELETE", "faults")
def _clear_faults(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    sandbox.faults.reset()
    return _plain(200, sandbox.faults.config.to_json())


@_control("GET", "stats")
def _stats(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    return _plain(200, sandbox.stats.snapshot())


@_control("DELETE", "stats")
def _clear_stats(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    sandbox.stats.reset()
    return _plain(200, sandbox.stats.snapshot())


@_control("POST", "ratelimit/reset")
def _reset_limit(sandbox: Sandbox, m: re.Match[str], payload: JsonValue, base: str) -> Reply:
    sandbox.limiter.reset()
    return _plain(200, {"ok": True})
