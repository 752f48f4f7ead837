"""Run every check over a client's year and persist the results (:class:`CheckRun`)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from bokslut import rules
from bokslut.avstamning import ledgerdata
from bokslut.avstamning.models import CheckResult as StoredResult
from bokslut.avstamning.models import CheckRun
from bokslut.avstamning.openitems import open_at
from bokslut.firms.models import Client
from bokslut.ledger.models import FinancialYear
from bokslut.registers.models import CustomerInvoice, LockedPeriod, SupplierInvoice
from bokslut.sync.models import SyncChange, SyncRun

__all__ = ["checks_run", "fortnox_sample"]

logger = logging.getLogger(__name__)


def _open_items(model: Any, client: Client, party_field: str, until: Any) -> list[rules.OpenItem]:
    rows = open_at(model.objects.filter(client=client), until).values_list(
        party_field, "number", "open_ore", "invoice_date"
    )
    return [rules.OpenItem(party, number, balance, day) for party, number, balance, day in rows]


def _ledger_check(
    *, client: Client, year: FinancialYear, closing: dict[str, int], customers: bool
) -> rules.CheckResult:
    model = CustomerInvoice if customers else SupplierInvoice
    if not model.objects.filter(client=client).exists():
        code, title = (
            ("customer_ledger", "Kundreskontra = 1510")
            if customers
            else ("supplier_ledger", "Leverantörsreskontra = 2440")
        )
        return rules.CheckResult(
            code=code,
            title=title,
            status=rules.Status.SKIPPED,
            summary="Inga fakturor är synkade; synka området reskontra för att jämföra.",
        )
    if customers:
        items = _open_items(model, client, "customer_number", year.end)
        return rules.check_customer_ledger(items, balance_1510_ore=closing.get("1510", 0))
    items = _open_items(model, client, "supplier_number", year.end)
    return rules.check_supplier_ledger(items, balance_2440_ore=closing.get("2440", 0))


def _locked_check(
    *, client: Client, year: FinancialYear, sync_run: SyncRun | None
) -> rules.CheckResult:
    locked = LockedPeriod.objects.filter(client=client).values_list("end_date", flat=True).first()
    run = sync_run or SyncRun.objects.filter(client=client).order_by("-queued_at", "-pk").first()
    keys: list[tuple[str, str]] = []
    if run is not None and not _held_before(client=client, year=year, run=run):
        # Every voucher of a year's first sync is "new"; none appeared after a last sync.
        return rules.check_locked_period([], locked_until=locked, first_sync=True)
    if run is not None:
        for key in SyncChange.objects.filter(
            run=run,
            entity=SyncChange.Entity.VOUCHER,
            kind__in=[SyncChange.Kind.NEW, SyncChange.Kind.CHANGED],
            year_start=year.start,
        ).values_list("key", flat=True):
            series, _, number = key.rpartition(" ")
            keys.append((series, number))
    postings = ledgerdata.postings_of_vouchers(year, keys)
    return rules.check_locked_period(postings, locked_until=locked)


def _held_before(*, client: Client, year: FinancialYear, run: SyncRun) -> bool:
    """Whether a successful sync before ``run`` already held ``year``.

    The engine notes every year it wrote or found unchanged in ``paths``; a year missing
    from every earlier successful run was first brought in by ``run``.
    """
    return (
        SyncRun.objects.filter(client=client, status=SyncRun.Status.DONE, pk__lt=run.pk)
        .filter(paths__has_key=str(year.start))
        .exists()
    )


def fortnox_sample(
    *, client: Client, year: FinancialYear, accounts: list[str], fortnox: Any = None
) -> tuple[dict[str, int | None], int]:
    """Fortnox's ``BalanceCarriedForward`` (öre) for ``accounts``, and the requests it took.

    One request per account; the count is read from the client's request statistics, so
    retries after a rate-limit answer are included. Without ``fortnox`` the client's
    active connection is used; with neither (or no Fortnox year id for ``year``) nothing
    is asked and the result is empty.
    """
    from bokslut.money import to_ore
    from bokslut.sync.models import YearState

    state = YearState.objects.filter(client=client, start=year.start).first()
    if state is None or not accounts:
        return {}, 0
    owned = None
    if fortnox is None:
        from bokslut.integrations.clients import fortnox_client_for
        from bokslut.integrations.models import Connection

        connection = Connection.objects.filter(client=client).first()
        if connection is None or not connection.can_sync:
            return {}, 0
        owned = fortnox = fortnox_client_for(connection=connection)
    found: dict[str, int | None] = {}
    before = _requests_sent(fortnox)
    try:
        for number in accounts:
            try:
                account = fortnox.account(int(number), financial_year=state.fortnox_year_id)
                value = account.balance_carried_forward
                found[number] = None if value is None else to_ore(value)
            except Exception:  # one failed request must not sink the whole check
                logger.warning("Fortnox balance of %s could not be fetched", number, exc_info=True)
                found[number] = None
        sent = _requests_sent(fortnox) - before
    finally:
        if owned is not None:
            owned.close()
    return found, sent if sent > 0 else len(found)


def _requests_sent(fortnox: Any) -> int:
    """Requests ``fortnox`` has sent so far (0 for a client without statistics)."""
    stats = getattr(fortnox, "stats", None)
    return int(stats.total().requests) if stats is not None else 0


def _compute(
    *,
    client: Client,
    year: FinancialYear,
    sync_run: SyncRun | None,
    fortnox: Any,
    fortnox_budget: int,
) -> list[rules.CheckResult]:
    totals = ledgerdata.account_totals(year)
    closing = ledgerdata.closing_by_account(totals)
    unbalanced, voucher_count = ledgerdata.unbalanced_vouchers(year)
    previous = ledgerdata.previous_year(year)
    previous_closing = None
    late: dict[str, int] = {}
    if previous is not None:
        previous_closing = ledgerdata.closing_by_account(ledgerdata.account_totals(previous))
        late = ledgerdata.late_postings(previous)
    charted = {t.account for t in totals if t.row_count or t.opening_ore} | set(
        year.accounts.values_list("number", flat=True)
    )
    sample = rules.choose_sample(closing, fortnox_budget)
    fetched, requests = fortnox_sample(client=client, year=year, accounts=sample, fortnox=fortnox)
    return [
        rules.check_trial_balance(totals),
        rules.check_vouchers_balance(unbalanced, voucher_count=voucher_count),
        rules.check_closing_balances(totals),
        rules.check_year_result(totals),
        rules.check_opening_balances(
            opening={t.account: t.opening_ore for t in totals if t.opening_ore},
            previous_closing=previous_closing,
            late_postings=late,
            inactive={t.account for t in totals if not t.active},
            charted=charted,
        ),
        rules.check_fortnox_balances(
            ours=closing, fortnox=fetched, budget=fortnox_budget, requests=requests
        ),
        _ledger_check(client=client, year=year, closing=closing, customers=True),
        _ledger_check(client=client, year=year, closing=closing, customers=False),
        rules.check_voucher_series(ledgerdata.voucher_numbers(year)),
        _locked_check(client=client, year=year, sync_run=sync_run),
        rules.check_inactive_accounts(totals),
    ]


def checks_run(
    *,
    client: Client,
    year: FinancialYear,
    trigger: str = CheckRun.Trigger.MANUAL,
    sync_run: SyncRun | None = None,
    user: Any = None,
    fortnox: Any = None,
    fortnox_budget: int | None = None,
) -> CheckRun:
    """Run every check over ``year`` of ``client`` and store the results as one run.

    ``fortnox`` (a :class:`bokslut.fortnox.FortnoxClient`) is used for the sample of
    Fortnox balances, at most ``fortnox_budget`` requests (default: the setting
    ``BOKSLUT_FORTNOX_CHECK_BUDGET``); without it the client's connection is used.
    """
    budget = settings.BOKSLUT_FORTNOX_CHECK_BUDGET if fortnox_budget is None else fortnox_budget
    results = _compute(
        client=client, year=year, sync_run=sync_run, fortnox=fortnox, fortnox_budget=budget
    )
    order = {code: i for i, code in enumerate(rules.CHECK_ORDER)}
    with transaction.atomic():
        run = CheckRun.objects.create(
            client=client,
            year_start=year.start,
            trigger=trigger,
            sync_run=sync_run,
            started_by=user if getattr(user, "pk", None) is not None else None,
        )
        StoredResult.objects.bulk_create(
            [
                StoredResult(
                    run=run,
                    code=r.code,
                    title=r.title,
                    status=str(r.status),
                    summary=r.summary[:500],
                    explanation=r.explanation,
                    findings=[
                        {
                            "key": f.key,
                            "message": f.message,
                            "cause": f.cause,
                            "expected_ore": f.expected_ore,
                            "actual_ore": f.actual_ore,
                        }
                        for f in r.findings
                    ],
                    checked=r.checked,
                    position=order.get(r.code, 99),
                )
                for r in results
            ]
        )
    return run
