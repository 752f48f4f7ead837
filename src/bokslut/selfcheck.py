"""End-to-end self-check: the Fortnox client reads back exactly what the sandbox was seeded with.

``python -m bokslut.selfcheck [--seed FILE.se …] [--demo] [--json]`` starts the sandbox as a
separate server process, connects to every company the way a user would (the OAuth
authorization-code flow, with the consent form submitted headlessly), fetches every resource
of every financial year through :class:`bokslut.fortnox.FortnoxClient`, downloads SIE 4 for
each year, and compares it all with the seed: the SIE document (and the JSON extras beside
it). The exit status is 0 only when everything is equal, 1 when something differs, 2 when
the check could not run.

This module sits above both :mod:`bokslut.fortnox` and :mod:`bokslut.sandbox`; neither
imports it. It is pure (no Django).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

from bokslut.fortnox import (
    DEFAULT_SCOPES,
    FortnoxClient,
    FortnoxError,
    FortnoxOAuth,
    InMemoryRateLimiter,
    InMemoryTokenStore,
    RateLimit,
    RetryPolicy,
    TokenSet,
)
from bokslut.fortnox import Account as ApiAccount
from bokslut.fortnox import FinancialYear as ApiYear
from bokslut.fortnox import Voucher as ApiVoucher
from bokslut.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from bokslut.sie.errors import SieFormatError
from bokslut.sie.model import Balance, Document, ObjectBalance, PeriodBalance, RowKind, Voucher
from bokslut.sie.reader import read_document

__all__ = [
    "DEMO_DATABASE_NUMBER",
    "FIRST_SEEDED_NUMBER",
    "CompanyReport",
    "Difference",
    "Expected",
    "SandboxProcess",
    "authorize_headlessly",
    "check_company",
    "expected_demo",
    "expected_from_file",
    "main",
    "run_selfcheck",
]

#: The numbers the sandbox gives its companies (``bokslut sandbox`` does the same).
DEMO_DATABASE_NUMBER = 1001
FIRST_SEEDED_NUMBER = 2001

#: Every scope the client can ask for, so every resource can be read.
SCOPES: tuple[str, ...] = (*DEFAULT_SCOPES, "assets")
#: The consent redirects here; nothing listens, the check reads the Location header instead.
REDIRECT_URI = "http://127.0.0.1:9/callback"
#: Registers only Fortnox's JSON holds: extras key → (identifying field, client method).
REGISTERS: dict[str, str] = {
    "Customers": "CustomerNumber",
    "Suppliers": "SupplierNumber",
    "Invoices": "DocumentNumber",
    "SupplierInvoices": "GivenNumber",
    "Assets": "Id",
}
_SHOWN_DIFFERENCES = 50
_SHOWN_PER_MAPPING = 5

BalanceLike = Balance | ObjectBalance | PeriodBalance


# -- what the seed says ------------------------------------------------------------------------


@dataclass(slots=True)
class Expected:
    """One seeded company: its SIE document, its JSON extras and its tenant number."""

    label: str
    database_number: int
    document: Document
    extras: Mapping[str, Any] = field(default_factory=dict)
    #: The locked period the sandbox was told (extras ``LockedPeriod`` or the demo's).
    locked_until: dt.date | None = None

    @property
    def company_name(self) -> str:
        """The name Fortnox shows: the extras' ``CompanyInformation`` wins over ``#FNAMN``."""
        info = self.extras.get("CompanyInformation")
        if isinstance(info, Mapping) and info.get("CompanyName"):
            return str(info["CompanyName"])
        return self.document.header.company_name or f"Företag {self.database_number}"


def _json_loads(text: str) -> Any:
    # Amounts in extras are money: never let them pass through float.
    return json.loads(text, parse_float=Decimal)


def expected_from_file(path: Path, database_number: int) -> Expected:
    """What a ``--seed`` file promises: the document plus ``<same name>.json`` extras."""
    document, _ = read_document(path)
    extras_path = path.with_suffix(".json")
    extras: Mapping[str, Any] = {}
    if extras_path.is_file():
        extras = _json_loads(extras_path.read_text("utf-8"))
    locked = extras.get("LockedPeriod") if isinstance(extras, Mapping) else None
    locked_until = (
        dt.date.fromisoformat(str(locked["EndDate"]))
        if isinstance(locked, Mapping) and locked.get("EndDate")
        else None
    )
    return Expected(path.name, database_number, document, extras, locked_until)


def expected_demo(database_number: int = DEMO_DATABASE_NUMBER) -> Expected:
    """What the sandbox's demo company promises (built the same deterministic way)."""
    from bokslut.sandbox import demo_company, demo_document

    company = demo_company(database_number)
    extras: dict[str, Any] = {}
    for key, attribute in (
        ("Customers", "customers"),
        ("Suppliers", "suppliers"),
        ("Invoices", "invoices"),
        ("SupplierInvoices", "supplier_invoices"),
        ("Assets", "assets"),
    ):
        extras[key] = [record.data for record in getattr(company, attribute).values()]
    return Expected("demo", database_number, demo_document(), extras, company.locked_until)


# -- the sandbox as a separate process ---------------------------------------------------------


class SandboxProcess:
    """A sandbox server running in a child process; a context manager that stops it.

    ``rate_limit`` is the server's requests per ``rate_window`` seconds per token (Fortnox:
    25 in 5 s); ``None`` switches the limit off, for checks and benchmarks that must not
    spend minutes waiting.
    """

    def __init__(
        self,
        seeds: Sequence[Path] = (),
        *,
        demo: bool = False,
        rate_limit: int | None = 25,
        rate_window: float = 5.0,
        startup_timeout: float = 60.0,
    ) -> None:
        command = [sys.executable, "-u", "-m", "bokslut.selfcheck", "serve", "--port", "0"]
        if demo:
            command.append("--demo")
        for seed in seeds:
            command += ["--seed", str(seed)]
        command += ["--rate-limit", str(rate_limit or 0), "--rate-window", str(rate_window)]
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self.base_url = self._wait_for_url(startup_timeout)

    def _wait_for_url(self, timeout: float) -> str:
        # Read the banner on a thread so a silent or crashed child cannot hang us.
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None

        def pump() -> None:
            for line in stdout:
                lines.put(line)
            lines.put("")

        threading.Thread(target=pump, name="sandbox-stdout", daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"the sandbox did not start within {timeout:g} s") from None
            if not line:
                code = self.process.wait()
                raise RuntimeError(f"the sandbox exited with status {code} before serving")
            for word in line.split():
                if word.startswith("http://"):
                    return word.rstrip("/")

    @property
    def api_url(self) -> str:
        """The REST base, ``…/3/``."""
        return f"{self.base_url}/3/"

    @property
    def oauth_url(self) -> str:
        """The OAuth base, ``…/oauth-v1/``."""
        return f"{self.base_url}/oauth-v1/"

    @property
    def control_url(self) -> str:
        """The control API base, ``…/control/``."""
        return f"{self.base_url}/control/"

    def stop(self) -> None:
        """Terminate the child and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _serve(argv: Sequence[str]) -> int:
    """The child's side: ``bokslut sandbox`` with the server's rate limit adjustable."""
    from bokslut.sandbox import demo_company, run_in_thread
    from bokslut.sandbox.cli import FIRST_SEEDED_NUMBER as FIRST
    from bokslut.sandbox.cli import load_seed
    from bokslut.sandbox.store import Company

    parser = argparse.ArgumentParser(prog="python -m bokslut.selfcheck serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--seed", action="append", default=[], type=Path)
    parser.add_argument("--rate-limit", type=int, default=25, help="0 = no limit")
    parser.add_argument("--rate-window", type=float, default=5.0)
    args = parser.parse_args(argv)
    companies: list[Company] = []
    if args.demo or not args.seed:
        companies.append(demo_company(DEMO_DATABASE_NUMBER))
    for offset, path in enumerate(args.seed):
        try:
            companies.append(load_seed(path, FIRST + offset))
        except (OSError, ValueError, SieFormatError) as error:
            print(f"bokslut selfcheck serve: {error}", file=sys.stderr)
            return 2
    # A limit nobody reaches is how "off" is spelled: the server always counts.
    limit = args.rate_limit if args.rate_limit > 0 else 1_000_000_000
    running = run_in_thread(
        companies,
        host=args.host,
        port=args.port,
        rate_limit=limit,
        rate_window=args.rate_window,
    )
    print(f"Fortnox-sandlåda på {running.base_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0


# -- connecting like a user --------------------------------------------------------------------


class _FormParser(HTMLParser):
    """The first form of a page: its action, fields, select options and submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = "get"
        self.fields: list[tuple[str, str]] = []
        self.selects: dict[str, list[str]] = {}
        self.buttons: list[tuple[str, str]] = []
        self._select: str | None = None
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._in_form = True
            self.action = a.get("action", "")
            self.method = a.get("method", "get").lower()
        elif not self._in_form:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            checkable = kind in ("checkbox", "radio")
            if a.get("name") and (not checkable or "checked" in a):
                self.fields.append((a["name"], a.get("value", "on" if checkable else "")))
        elif tag == "select":
            self._select = a.get("name", "")
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self.selects[self._select].append(a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit" and a.get("name"):
            self.buttons.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def authorize_headlessly(
    oauth: FortnoxOAuth, tenant: int, *, http: httpx.Client | None = None
) -> TokenSet:
    """Run the authorization-code flow for ``tenant`` as a browser would, and get tokens.

    Opens the authorize URL, fills in the consent form (choosing the company, keeping the
    ticked scopes, pressing the approve button), catches the redirect's ``code`` without
    following it, checks ``state``, and exchanges the code with ``oauth``.
    """
    browser = http or httpx.Client(timeout=30.0)
    try:
        url, state = oauth.authorization_url(scopes=SCOPES)
        page = browser.get(url, follow_redirects=False)
        if page.status_code != 200:
            raise FortnoxError(f"consent page answered {page.status_code}")
        form = _FormParser()
        form.feed(page.text)
        if form.action is None or form.method != "post":
            raise FortnoxError("consent page has no POST form")
        data = list(form.fields)
        for name, options in form.selects.items():
            if str(tenant) not in options:
                raise FortnoxError(f"company {tenant} is not offered on the consent page")
            data.append((name, str(tenant)))
        approve = [b for b in form.buttons if b[1] == "approve"] or form.buttons[:1]
        data += approve
        body: dict[str, list[str]] = {}
        for name, value in data:
            body.setdefault(name, []).append(value)
        answer = browser.post(page.url.join(form.action), data=body, follow_redirects=False)
        location = answer.headers.get("location")
        if answer.status_code not in (302, 303) or not location:
            raise FortnoxError(f"consent answered {answer.status_code} without a redirect")
        params = httpx.URL(location).params
        if params.get("state") != state:
            raise FortnoxError("the redirect came back with another state")
        code = params.get("code")
        if not code:
            raise FortnoxError(f"consent refused: {params.get('error', 'no code')}")
        return oauth.exchange_code(code)
    finally:
        if http is None:
            browser.close()


# -- fetching everything -----------------------------------------------------------------------


@dataclass(slots=True)
class YearFetch:
    """Everything read for one financial year."""

    year: ApiYear
    single: ApiYear
    accounts: list[ApiAccount]
    details: dict[int, ApiAccount]
    vouchers: list[ApiVoucher]
    listed_vouchers: list[tuple[str, int]]
    series: dict[str, int | None]
    sie: bytes


@dataclass(slots=True)
class Fetched:
    """Everything read for one company."""

    company_name: str
    organization_number: str | None
    database_number: int | None
    years: list[YearFetch]
    cost_centers: dict[str, str]
    projects: dict[str, str]
    registers: dict[str, list[Mapping[str, Any]]]
    details: dict[str, list[Mapping[str, Any]]]
    locked_until: dt.date | None


def fetch_everything(client: FortnoxClient) -> Fetched:
    """Read every resource of the client's tenant, for every financial year."""
    info = client.company_information()
    years: list[YearFetch] = []
    for year in client.financial_years():
        accounts = list(client.accounts(financial_year=year.id))
        details = {a.number: client.account(a.number, financial_year=year.id) for a in accounts}
        heads = list(client.vouchers(financial_year=year.id))
        vouchers = [client.voucher(v.series, v.number, financial_year=year.id) for v in heads]
        series = {
            s.code: s.next_voucher_number for s in client.voucher_series(financial_year=year.id)
        }
        sie = io.BytesIO()
        client.download_sie(4, financial_year=year.id, destination=sie)
        years.append(
            YearFetch(
                year=year,
                single=client.financial_year(year.id),
                accounts=accounts,
                details=details,
                vouchers=vouchers,
                listed_vouchers=[(v.series, v.number) for v in heads],
                series=series,
                sie=sie.getvalue(),
            )
        )
    supplier_invoices: list[Mapping[str, Any]] = [s.raw for s in client.supplier_invoices()]
    assets: list[Mapping[str, Any]] = [a.raw for a in client.assets()]
    return Fetched(
        company_name=info.company_name,
        organization_number=info.organization_number,
        database_number=info.database_number,
        years=years,
        cost_centers={c.code: c.description for c in client.cost_centers()},
        projects={p.project_number: p.description for p in client.projects()},
        registers={
            "Customers": [dict(c.raw) for c in client.customers()],
            "Suppliers": [dict(s.raw) for s in client.suppliers()],
            "Invoices": [dict(i.raw) for i in client.invoices()],
            "SupplierInvoices": supplier_invoices,
            "Assets": assets,
        },
        details={
            "SupplierInvoices": [
                dict(client.supplier_invoice(str(s["GivenNumber"])).raw) for s in supplier_invoices
            ],
            "Assets": [dict(client.asset(int(a["Id"])).raw) for a in assets],
        },
        locked_until=client.locked_period().end_date,
    )


# -- comparing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    """One place where what the client read differs from the seed."""

    where: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.where}: expected {self.expected}, got {self.actual}"


@dataclass(slots=True)
class CompanyReport:
    """The outcome for one company: counts of what was compared, and every difference."""

    label: str
    database_number: int
    counts: Counter[str] = field(default_factory=Counter)
    differences: list[Difference] = field(default_factory=list)
    requests: int = 0
    retries: int = 0

    @property
    def ok(self) -> bool:
        """Whether everything compared equal."""
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary (the first differences only)."""
        return {
            "seed": self.label,
            "database_number": self.database_number,
            "ok": self.ok,
            "compared": dict(sorted(self.counts.items())),
            "requests": self.requests,
            "retries": self.retries,
            "difference_count": len(self.differences),
            "differences": [str(d) for d in self.differences[:_SHOWN_DIFFERENCES]],
        }


class _Comparer:
    """Collects differences under a location prefix."""

    def __init__(self, report: CompanyReport) -> None:
        self.report = report

    def equal(self, where: str, expected: object, actual: object, what: str) -> None:
        self.report.counts[what] += 1
        if expected != actual:
            self.report.differences.append(Difference(where, repr(expected), repr(actual)))

    def mapping(
        self, where: str, expected: Mapping[Any, Any], actual: Mapping[Any, Any], what: str
    ) -> None:
        """Compare two mappings, naming only the keys that differ (a chart can be long)."""
        self.report.counts[what] += 1
        if expected == actual:
            return
        self.keys(where, set(expected), set(actual))
        changed = sorted(
            (k for k in expected.keys() & actual.keys() if expected[k] != actual[k]), key=str
        )
        for key in changed[:_SHOWN_PER_MAPPING]:
            self.report.differences.append(
                Difference(f"{where} {_key(key)}", repr(expected[key]), repr(actual[key]))
            )
        if len(changed) > _SHOWN_PER_MAPPING:
            self.report.differences.append(
                Difference(where, "no more", f"{len(changed) - _SHOWN_PER_MAPPING} more changed")
            )

    def keys(self, where: str, expected: set[Any], actual: set[Any]) -> None:
        for key in sorted(expected - actual, key=str):
            self.report.differences.append(Difference(f"{where} {_key(key)}", "present", "missing"))
        for key in sorted(actual - expected, key=str):
            self.report.differences.append(Difference(f"{where} {_key(key)}", "absent", "present"))


def _key(key: object) -> str:
    # ("A", 12) reads as "A 12", the way a bookkeeper names a voucher.
    return " ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def _account_key(number: str) -> str:
    # Fortnox account numbers are integers; SIE keeps them as text.
    return str(int(number)) if number.isdigit() else number


def _voucher_key(voucher: Voucher) -> tuple[str, int]:
    return voucher.series, int(voucher.number) if voucher.number.isdigit() else -1


def _home_index(document: Document, voucher: Voucher) -> int:
    # A 4E file's vouchers belong to year 0 unless dated inside another #RAR.
    if voucher.date is not None:
        for fy in document.header.years.values():
            if fy.start <= voucher.date <= fy.end:
                return fy.index
    return 0


def _fortnox_voucher(voucher: Voucher) -> Voucher:
    # Fortnox has no empty series: the sandbox files those under A, as an import would.
    return voucher if voucher.series else replace(voucher, series="A")


def _closing(document: Document, index: int, vouchers: Sequence[Voucher]) -> dict[str, Decimal]:
    """UB per account for year ``index``: #UB/#RES as given, else IB plus counting rows."""
    ends = {
        b.account: b.amount
        for b in document.balances
        if b.year == index and b.kind in ("UB", "RES")
    }
    if ends:
        return ends
    closing = {b.account: b.amount for b in document.balances if b.year == index and b.kind == "IB"}
    for voucher in vouchers:
        for row in voucher.rows:
            if row.counts:
                closing[row.account] = closing.get(row.account, Decimal(0)) + row.amount
    return closing


def _same_value(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dt.date):
        expected = expected.isoformat()
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or expected == actual
    if isinstance(expected, int | float | Decimal) and isinstance(actual, int | Decimal | str):
        # Fortnox sends some amounts as strings ("1250.00"): compare their values.
        try:
            return Decimal(str(actual)) == Decimal(str(expected))
        except InvalidOperation:
            return False
    return bool(expected == actual)


def _compare_registers(compare: _Comparer, expected: Expected, fetched: Fetched) -> None:
    for key, id_field in REGISTERS.items():
        seeded = {str(item[id_field]): item for item in expected.extras.get(key, [])}
        for source, items in (
            ("list", fetched.registers[key]),
            ("detail", fetched.details.get(key)),
        ):
            if items is None:
                continue
            answered = {str(item.get(id_field)): item for item in items}
            compare.keys(f"{key} ({source})", set(seeded), set(answered))
            for ident, item in answered.items():
                seed_item = seeded.get(ident)
                if seed_item is None:
                    continue
                compare.report.counts[f"{key} ({source})"] += 1
                for name, value in item.items():
                    if name.startswith("@"):
                        continue
                    if name not in seed_item:
                        compare.report.differences.append(
                            Difference(f"{key} {ident} {name}", "absent", repr(value))
                        )
                    elif not _same_value(seed_item[name], value):
                        compare.report.differences.append(
                            Difference(f"{key} {ident} {name}", repr(seed_item[name]), repr(value))
                        )


def _expected_rows(voucher: Voucher) -> list[tuple[Any, ...]]:
    rows = []
    for row in voucher.rows:
        objects = dict(row.objects)
        amount = row.amount
        rows.append(
            (
                _account_key(row.account),
                amount if amount > 0 else Decimal(0),
                -amount if amount < 0 else Decimal(0),
                row.kind is RowKind.REMOVED,
                objects.get(1) or None,
                objects.get(6) or None,
                row.text or "",
                row.quantity or Decimal(0),
            )
        )
    return rows


def _actual_rows(voucher: ApiVoucher) -> list[tuple[Any, ...]]:
    return [
        (
            str(row.account),
            row.debit,
            row.credit,
            row.removed,
            row.cost_center,
            row.project,
            row.transaction_information or "",
            row.quantity or Decimal(0),
        )
        for row in voucher.rows
    ]


def _compare_year_json(
    compare: _Comparer, document: Document, index: int, vouchers: list[Voucher], got: YearFetch
) -> None:
    fy = document.header.years[index]
    where = f"year {fy.start}–{fy.end}"
    compare.equal(
        f"{where} single FinancialYear", got.year.to_date, got.single.to_date, "single years"
    )
    seeded_accounts = {_account_key(n): a.name for n, a in document.accounts.items()}
    listed = {str(a.number): a for a in got.accounts}
    compare.keys(f"{where} account", set(seeded_accounts), set(listed))
    opening = {
        _account_key(b.account): b.amount
        for b in document.balances
        if b.year == index and b.kind == "IB"
    }
    closing = {_account_key(k): v for k, v in _closing(document, index, vouchers).items()}
    for number, account in listed.items():
        if number not in seeded_accounts:
            continue
        compare.equal(
            f"{where} account {number} Description",
            seeded_accounts[number],
            account.description,
            "accounts",
        )
        compare.equal(
            f"{where} account {number} IB",
            opening.get(number, Decimal(0)),
            account.balance_brought_forward,
            "opening balances",
        )
        detail = got.details.get(account.number)
        compare.equal(
            f"{where} account {number} UB",
            closing.get(number, Decimal(0)),
            detail.balance_carried_forward if detail else None,
            "closing balances",
        )
    seeded_vouchers = {(v.series, int(v.number)): v for v in vouchers if v.number.isdigit()}
    for voucher in vouchers:
        if not voucher.number.isdigit():
            compare.report.differences.append(
                Difference(
                    f"{where} voucher {voucher.series} {voucher.number!r}",
                    "a Fortnox voucher number",
                    "not representable",
                )
            )
    answered = {(v.series, v.number): v for v in got.vouchers}
    compare.keys(f"{where} voucher", set(seeded_vouchers), set(answered))
    compare.equal(
        f"{where} voucher list order",
        sorted(got.listed_vouchers),
        got.listed_vouchers,
        "voucher lists",
    )
    for key, api_voucher in answered.items():
        seed_voucher = seeded_vouchers.get(key)
        if seed_voucher is None:
            continue
        name = f"{where} voucher {key[0]} {key[1]}"
        compare.equal(
            f"{name} TransactionDate",
            seed_voucher.date or fy.start,
            api_voucher.transaction_date,
            "vouchers",
        )
        compare.equal(f"{name} Description", seed_voucher.text, api_voucher.description, "heads")
        expected_rows, actual_rows = _expected_rows(seed_voucher), _actual_rows(api_voucher)
        compare.report.counts["voucher rows"] += len(expected_rows)
        compare.report.counts["removed rows (#BTRANS)"] += sum(r[3] for r in expected_rows)
        if expected_rows != actual_rows:
            compare.report.differences.append(
                Difference(f"{name} rows", repr(expected_rows), repr(actual_rows))
            )
    for series in {s for s, _ in seeded_vouchers}:
        highest = max(n for s, n in seeded_vouchers if s == series)
        compare.equal(
            f"{where} series {series} NextVoucherNumber",
            highest + 1,
            got.series.get(series),
            "series",
        )


def _compare_year_sie(
    compare: _Comparer,
    expected: Expected,
    index: int,
    previous: int | None,
    vouchers: list[Voucher],
    got: YearFetch,
) -> None:
    document = expected.document
    fy = document.header.years[index]
    where = f"SIE 4 {fy.start}–{fy.end}"
    try:
        exported, _ = read_document(io.BytesIO(got.sie))
    except (SieFormatError, ValueError) as error:
        compare.report.differences.append(Difference(where, "a readable SIE file", repr(error)))
        return
    compare.report.counts["SIE downloads"] += 1
    head = exported.header
    compare.equal(f"{where} #FNAMN", expected.company_name, head.company_name, "SIE headers")
    years = {0: (fy.start, fy.end)}
    if previous is not None:
        prior = document.header.years[previous]
        years[-1] = (prior.start, prior.end)
    compare.equal(
        f"{where} #RAR", years, {i: (y.start, y.end) for i, y in head.years.items()}, "SIE headers"
    )
    compare.mapping(
        f"{where} #KONTO",
        {n: (a.name, a.type, a.sru, a.unit) for n, a in document.accounts.items()},
        {n: (a.name, a.type, a.sru, a.unit) for n, a in exported.accounts.items()},
        "SIE charts",
    )
    compare.mapping(f"{where} #DIM", document.dimensions, exported.dimensions, "SIE charts")
    compare.mapping(f"{where} #OBJEKT", document.objects, exported.objects, "SIE charts")
    shift = {index: 0} if previous is None else {index: 0, previous: -1}
    balance_lists: tuple[tuple[str, Sequence[BalanceLike], Sequence[BalanceLike]], ...] = (
        ("#IB/#UB/#RES", document.balances, exported.balances),
        ("#OIB/#OUB", document.object_balances, exported.object_balances),
        ("#PSALDO/#PBUDGET", document.period_balances, exported.period_balances),
    )
    for label, seeded, answered in balance_lists:
        want: Counter[BalanceLike] = Counter(
            replace(b, year=shift[b.year]) for b in seeded if b.year in shift
        )
        have: Counter[BalanceLike] = Counter(answered)
        compare.report.counts["SIE balances"] += sum(want.values())
        if want != have:
            missing = list((want - have).elements())[:5]
            extra = list((have - want).elements())[:5]
            compare.report.differences.append(
                Difference(f"{where} {label}", f"also {missing}", f"also {extra}")
            )
    want_vouchers = sorted(vouchers, key=_voucher_key)
    have_vouchers = sorted(exported.vouchers, key=_voucher_key)
    compare.report.counts["SIE vouchers"] += len(want_vouchers)
    if want_vouchers != have_vouchers:
        wanted = {_voucher_key(v): v for v in want_vouchers}
        had = {_voucher_key(v): v for v in have_vouchers}
        compare.keys(f"{where} #VER", set(wanted), set(had))
        for ident in sorted(set(wanted) & set(had)):
            compare.equal(
                f"{where} #VER {ident[0]} {ident[1]}",
                wanted[ident],
                had[ident],
                "SIE voucher mismatches",
            )


def check_company(expected: Expected, fetched: Fetched) -> CompanyReport:
    """Compare everything read for one company with its seed."""
    report = CompanyReport(expected.label, expected.database_number)
    compare = _Comparer(report)
    document = expected.document
    compare.equal("CompanyName", expected.company_name, fetched.company_name, "company")
    compare.equal("DatabaseNumber", expected.database_number, fetched.database_number, "company")
    org = document.header.org_number or ""
    info = expected.extras.get("CompanyInformation")
    if isinstance(info, Mapping) and "OrganizationNumber" in info:
        org = str(info["OrganizationNumber"])
    compare.equal("OrganizationNumber", org, fetched.organization_number or "", "company")
    compare.equal("LockedPeriod", expected.locked_until, fetched.locked_until, "company")
    by_dates = {(y.start, y.end): y.index for y in document.header.years.values()}
    answered = {(y.year.from_date, y.year.to_date): y for y in fetched.years}
    compare.keys("financial year", set(by_dates), set(answered))
    ordered = sorted(document.header.years.values(), key=lambda y: y.start)
    vouchers_by_index: dict[int, list[Voucher]] = {y.index: [] for y in ordered}
    for voucher in document.vouchers:
        vouchers_by_index.setdefault(_home_index(document, voucher), []).append(
            _fortnox_voucher(voucher)
        )
    for position, fy in enumerate(ordered):
        got = answered.get((fy.start, fy.end))
        if got is None:
            continue
        report.counts["years"] += 1
        vouchers = vouchers_by_index[fy.index]
        previous = ordered[position - 1].index if position > 0 else None
        _compare_year_json(compare, document, fy.index, vouchers, got)
        _compare_year_sie(compare, expected, fy.index, previous, vouchers, got)
    objects = document.objects.values()
    compare.mapping(
        "CostCenters",
        {o.code: o.name for o in objects if o.dimension == 1},
        fetched.cost_centers,
        "registers",
    )
    compare.mapping(
        "Projects",
        {o.code: o.name for o in objects if o.dimension == 6},
        fetched.projects,
        "registers",
    )
    _compare_registers(compare, expected, fetched)
    return report


# -- the whole run -----------------------------------------------------------------------------


def _tamper(sandbox: SandboxProcess, expected: Expected) -> None:
    """Change the running sandbox behind the seed's back, so the check must fail."""
    base = f"{sandbox.control_url}companies/{expected.database_number}"
    numbers = sorted(expected.document.accounts)
    with httpx.Client(timeout=30.0) as http:
        http.patch(
            f"{base}/accounts/{numbers[0]}", json={"Description": "Ändrad av självtestet"}
        ).raise_for_status()
        latest = max(expected.document.header.years.values(), key=lambda y: y.end)
        http.post(
            f"{base}/vouchers",
            json={
                "Voucher": {
                    "VoucherSeries": "A",
                    "TransactionDate": latest.end.isoformat(),
                    "Description": "Tillagd av självtestet",
                    "VoucherRows": [
                        {"Account": numbers[0], "Debit": 1},
                        {"Account": numbers[-1], "Credit": 1},
                    ],
                }
            },
        ).raise_for_status()


@dataclass(slots=True)
class Outcome:
    """The run's reports and wall time (for people; never part of the verdict)."""

    reports: list[CompanyReport]
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether every company compared equal."""
        return all(report.ok for report in self.reports)

    def to_json(self) -> dict[str, Any]:
        """The summary printed by ``--json``."""
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "companies": [report.to_json() for report in self.reports],
        }


def run_selfcheck(
    seeds: Sequence[Path] = (),
    *,
    demo: bool = False,
    tamper: bool = False,
    rate_limit: int | None = None,
) -> Outcome:
    """Start a sandbox on ``seeds`` (and/or the demo company), read it all back, compare.

    With no seeds the demo company is used. ``rate_limit`` is the server's limit per 5 s
    (``None``: off; the client then does not pace itself either). ``tamper`` changes the
    sandbox through its control API first, to prove the comparison can fail.
    """
    started = time.perf_counter()
    expectations: list[Expected] = []
    if demo or not seeds:
        expectations.append(expected_demo())
    expectations += [
        expected_from_file(path, FIRST_SEEDED_NUMBER + offset) for offset, path in enumerate(seeds)
    ]
    limits = [RateLimit(1_000_000_000, 1.0)] if rate_limit is None else None
    reports: list[CompanyReport] = []
    with SandboxProcess(seeds, demo=demo, rate_limit=rate_limit) as sandbox:
        if tamper:
            _tamper(sandbox, expectations[-1])
        oauth = FortnoxOAuth(
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            redirect_uri=REDIRECT_URI,
            oauth_url=sandbox.oauth_url,
        )
        try:
            for expected in expectations:
                tokens = authorize_headlessly(oauth, expected.database_number)
                with FortnoxClient(
                    token_store=InMemoryTokenStore(tokens),
                    oauth=oauth,
                    tenant=str(expected.database_number),
                    api_url=sandbox.api_url,
                    rate_limiter=InMemoryRateLimiter(limits) if limits else None,
                    retry=RetryPolicy(attempts=5, initial_delay=0.1, rate_limited_delay=1.0),
                    timeout=30.0,
                ) as client:
                    try:
                        report = check_company(expected, fetch_everything(client))
                    except FortnoxError as error:
                        # The client refusing what the sandbox serves is a finding, not a crash.
                        report = CompanyReport(expected.label, expected.database_number)
                        report.differences.append(
                            Difference(
                                "reading", "every resource", f"{type(error).__name__}: {error}"
                            )
                        )
                    total = client.stats.total()
                    report.requests, report.retries = total.requests, total.retries
                reports.append(report)
        finally:
            oauth.close()
    return Outcome(reports, time.perf_counter() - started)


def _print_plain(outcome: Outcome) -> None:
    for report in outcome.reports:
        verdict = "LIKA" if report.ok else "SKILJER SIG"
        print(f"{report.label} (företag {report.database_number}): {verdict}")
        print(f"  {report.requests} anrop, {report.retries} omförsök")
        for what, n in sorted(report.counts.items()):
            print(f"  {n:>7} {what}")
        for difference in report.differences[:_SHOWN_DIFFERENCES]:
            print(f"  ≠ {difference}")
        if len(report.differences) > _SHOWN_DIFFERENCES:
            print(f"  … och {len(report.differences) - _SHOWN_DIFFERENCES} skillnader till")
    print("OK: allt lika fröet" if outcome.ok else "FEL: sandlådan skiljer sig från fröet")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bokslut.selfcheck",
        description="Start the sandbox, read everything back through the Fortnox client, "
        "and compare it with the seed. Exit 0 only when all is equal.",
    )
    parser.add_argument(
        "--seed",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a SIE file to seed one company with (repeatable)",
    )
    parser.add_argument("--demo", action="store_true", help="check the demo company too")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument(
        "--fortnox-rate-limit",
        action="store_true",
        help="serve at Fortnox's 25 requests per 5 s (the client paces itself; slow)",
    )
    parser.add_argument(
        "--tamper",
        action="store_true",
        help="change the sandbox through its control API before reading (must then fail)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the self-check; 0 when everything equals the seed, 1 when not, 2 on errors."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["serve"]:
        return _serve(arguments[1:])
    args = _parser().parse_args(arguments)
    try:
        outcome = run_selfcheck(
            args.seed,
            demo=args.demo,
            tamper=args.tamper,
            rate_limit=25 if args.fortnox_rate_limit else None,
        )
    except (
        OSError,
        RuntimeError,
        FortnoxError,
        httpx.HTTPError,
        ValueError,
        SieFormatError,
    ) as error:
        print(f"bokslut selfcheck: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_plain(outcome)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
