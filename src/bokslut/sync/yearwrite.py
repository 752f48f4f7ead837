"""Writing one Fortnox financial year into the ledger, in one database transaction.

The ledger importer does the idempotent upserts (content-hashed vouchers, balances, chart);
this module adds what a sync needs around it, inside the same transaction: the source is
marked as Fortnox and tied to the archived payload, account active flags come from
Fortnox's JSON, the chart-of-accounts and balance policies are applied, what changed is
recorded, and the planner's memory of the year is updated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from bokslut import fortnox as fx
from bokslut.firms.models import Client
from bokslut.ledger import models as m
from bokslut.ledger.importer import import_sie_document, import_sie_file
from bokslut.ledger.summary import ImportSummary
from bokslut.money import format_sek, from_ore
from bokslut.registers import models as reg
from bokslut.registers.services import register_sync
from bokslut.sie.model import Document, Header, Voucher
from bokslut.sync.changes import Diff, snapshot_years
from bokslut.sync.deltabalances import shift_balances
from bokslut.sync.jsonledger import is_result_account
from bokslut.sync.models import SyncPayload, SyncRun, YearState
from bokslut.sync.options import BalancePolicy, ChartPolicy, SyncOptions

__all__ = ["YearTarget", "write_delta", "write_year_file"]


class YearTarget:
    """One Fortnox year being written, with what the write needs to know about it."""

    def __init__(
        self,
        *,
        run: SyncRun,
        client: Client,
        year: fx.FinancialYear,
        previous: fx.FinancialYear | None,
        series: list[fx.VoucherSeries],
        locked_until: dt.date | None,
        options: SyncOptions,
        diff: Diff,
        warn: Callable[[str], None],
        series_payload: SyncPayload | None,
    ) -> None:
        assert year.from_date is not None
        assert year.to_date is not None
        self.run = run
        self.client = client
        self.year = year
        self.start: dt.date = year.from_date
        self.end: dt.date = year.to_date
        self.previous = previous
        self.series = series
        self.locked_until = locked_until
        self.options = options
        self.diff = diff
        self.warn = warn
        self.series_payload = series_payload

    @property
    def counters(self) -> dict[str, int]:
        """NextVoucherNumber per series."""
        return {s.code: s.next_voucher_number or 1 for s in self.series}

    def touched_starts(self) -> list[dt.date]:
        """The ledger years an export of this year writes into (it carries year -1 too)."""
        starts = [self.start]
        if self.previous is not None and self.previous.from_date is not None:
            starts.append(self.previous.from_date)
        return starts


def write_year_file(
    target: YearTarget,
    path: Path,
    *,
    path_taken: str,
    payload: SyncPayload | None,
    chart: list[fx.Account],
) -> None:
    """Import a whole year's SIE 4E file (downloaded, or built from JSON), in one transaction."""
    with transaction.atomic():
        starts = target.touched_starts()
        before = snapshot_years(target.client, starts)
        local_chart = _local_chart(target) if target.options.chart_policy == "keep_local" else {}
        summary = import_sie_file(path, client=target.client, source_kind=m.Source.Kind.FORTNOX)
        _forward_warnings(summary, target)
        source = _claim_source(target, path_taken, payload)
        year = m.FinancialYear.objects.get(client=target.client, start=target.start)
        _apply_chart(year, chart, local_chart, source, target)
        _apply_balance_policy(year, target)
        _warn_local_vouchers(year, target)
        after = snapshot_years(target.client, starts)
        target.diff.compare(before, after, unchanged_for={target.start})
        vouchers = m.Voucher.objects.filter(year=year).count()
        _remember(target, path_taken, source, vouchers)
        target.diff.save()


def write_delta(target: YearTarget, vouchers: list[Voucher]) -> None:
    """Add a few new vouchers fetched as JSON, and move the balances they move."""
    document = Document(
        header=Header(
            program="Fortnox",
            program_version="JSON",
            sie_type=4,
            org_number=target.client.org_number,
            company_name=target.client.name,
        ),
        vouchers=vouchers,
    )
    with transaction.atomic():
        before = snapshot_years(target.client, [target.start])
        summary = import_sie_document(
            document,
            name=f"Fortnox-synk {target.run.pk}: nya verifikationer",
            client=target.client,
            source_kind=m.Source.Kind.FORTNOX,
        )
        _forward_warnings(summary, target)
        source = _claim_source(target, "delta", None)
        year = m.FinancialYear.objects.get(client=target.client, start=target.start)
        shift_balances(year, vouchers, source)
        after = snapshot_years(target.client, [target.start])
        target.diff.compare(before, after, unchanged_for={target.start})
        _remember(target, "delta", source, m.Voucher.objects.filter(year=year).count())
        target.diff.save()


def remember_unchanged(target: YearTarget) -> None:
    """A probed year with nothing new: only its locked state may have moved."""
    locked = _is_locked(target)
    YearState.objects.filter(client=target.client, fortnox_year_id=target.year.id).exclude(
        locked=locked
    ).update(locked=locked)


# -- pieces ----------------------------------------------------------------------------------


def _is_locked(target: YearTarget) -> bool:
    return target.locked_until is not None and target.end <= target.locked_until


def _forward_warnings(summary: ImportSummary, target: YearTarget) -> None:
    """The import's warnings about people's work go to the run (file warnings do not)."""
    for issue in summary.warnings:
        if issue.code == "import.voucher_local_kept":
            target.warn(issue.message_sv)


def _warn_local_vouchers(year: m.FinancialYear, target: YearTarget) -> None:
    """Say that the year holds local vouchers, which the balances Fortnox states leave out."""
    local = m.Voucher.objects.filter(year=year, source__kind=m.Source.Kind.MANUAL).count()
    if local:
        target.warn(
            f"Räkenskapsåret {year.start:%Y-%m-%d} har {local} lokala verifikationer som inte "
            "finns i Fortnox; de behölls. Fortnox utgående balanser och resultat omfattar "
            "dem inte."
        )


def _claim_source(target: YearTarget, path_taken: str, payload: SyncPayload | None) -> m.Source:
    """Mark the source the importer just created as this Fortnox sync's."""
    source = m.Source.objects.filter(client=target.client).latest("pk")
    source.kind = m.Source.Kind.FORTNOX
    source.name = (
        f"Fortnox-synk {target.run.pk}: {target.start:%Y-%m-%d}–{target.end:%Y-%m-%d} "
        f"({path_taken})"
    )
    source.save(update_fields=["kind", "name"])
    if payload is not None:
        payload.source = source
        payload.save(update_fields=["source"])
    return source


def _local_chart(target: YearTarget) -> dict[str, tuple[str, str]]:
    return {
        number: (name, sru)
        for number, name, sru in m.Account.objects.filter(
            year__client=target.client, year__start=target.start
        ).values_list("number", "name", "sru")
    }


def _apply_chart(
    year: m.FinancialYear,
    chart: Iterable[fx.Account],
    local: Mapping[str, tuple[str, str]],
    source: m.Source,
    target: YearTarget,
) -> None:
    """Active flags from Fortnox's JSON (SIE has none); local names/SRU kept if asked."""
    active = {str(a.number): a.active for a in chart}
    changed: list[m.Account] = []
    for account in m.Account.objects.filter(year=year):
        dirty = False
        flag = active.get(account.number)
        if flag is not None and account.active != flag:
            account.active = flag
            dirty = True
        kept = local.get(account.number)
        if kept is not None and (account.name, account.sru) != kept:
            account.name, account.sru = kept
            dirty = True
        if dirty:
            changed.append(account)
    m.Account.objects.bulk_update(changed, ["active", "name", "sru"], batch_size=500)


def apply_account_changes(
    *,
    client: Client,
    year_start: dt.date,
    accounts: Iterable[fx.Account],
    source: m.Source,
    policy: ChartPolicy,
    diff: Diff,
) -> None:
    """Apply accounts Fortnox reports as modified (a rename, SRU or active change)."""
    year = m.FinancialYear.objects.filter(client=client, start=year_start).first()
    if year is None:
        return
    with transaction.atomic():
        existing = {a.number: a for a in m.Account.objects.filter(year=year)}
        for item in accounts:
            number = str(item.number)
            sru = str(item.sru) if item.sru else ""
            account = existing.get(number)
            if account is None:
                m.Account.objects.create(
                    year=year,
                    number=number,
                    name=item.description,
                    sru=sru,
                    active=item.active,
                    source=source,
                )
                diff.record("account", "new", number, year_start=year_start)
                continue
            was = (account.name, account.sru, account.active)
            if policy == ChartPolicy.FORTNOX:
                account.name, account.sru = item.description, sru
            account.active = item.active
            if (account.name, account.sru, account.active) != was:
                account.source = source
                account.save(update_fields=["name", "sru", "active", "source"])
                diff.record(
                    "account",
                    "changed",
                    number,
                    year_start=year_start,
                    detail=f"{was[0]} → {account.name}" if was[0] != account.name else "",
                )
        diff.save()


def _apply_balance_policy(year: m.FinancialYear, target: YearTarget) -> None:
    """Check IB against our previous year's UB; with the own-closing policy, use the UB.

    In both cases the other source is checked: the balance accounts where they differ are
    named, with both amounts, in a warning. With ``own_previous_year`` such an account's IB
    becomes our previous year's UB and its UB moves by the same difference, so the year's
    UB = IB + movements still holds (object balances, #OIB/#OUB, keep Fortnox's values).
    """
    previous = (
        m.FinancialYear.objects.filter(client=target.client, end__lt=year.start)
        .order_by("-start")
        .first()
    )
    if previous is None:
        return
    closing = dict(
        m.Balance.objects.filter(year=previous, kind=m.Balance.Kind.UB).values_list(
            "account", "amount_ore"
        )
    )
    if not closing:
        return
    stated = {
        (b.kind, b.account): b
        for b in m.Balance.objects.filter(
            year=year, kind__in=(m.Balance.Kind.IB, m.Balance.Kind.UB)
        )
        if not is_result_account(b.account)
    }

    def amount(kind: str, account: str) -> int:
        row = stated.get((kind, account))
        return row.amount_ore if row is not None else 0

    opening_accounts = {a for k, a in stated if k == m.Balance.Kind.IB}
    differing = sorted(
        account
        for account in closing.keys() | opening_accounts
        if not is_result_account(account)
        and closing.get(account, 0) != amount(m.Balance.Kind.IB, account)
    )
    if not differing:
        return
    own = target.options.balance_policy == BalancePolicy.OWN_PREVIOUS_YEAR
    shown = ", ".join(
        f"{account} (Fortnox {format_sek(from_ore(amount(m.Balance.Kind.IB, account)))}, "
        f"{previous.start:%Y} {format_sek(from_ore(closing.get(account, 0)))})"
        for account in differing[:10]
    ) + (" …" if len(differing) > 10 else "")
    target.warn(
        f"Ingående balanser {year.start:%Y} skiljer sig från utgående balanser "
        f"{previous.start:%Y} på {len(differing)} konton: {shown}; "
        + (
            "föregående års utgående balanser används och årets utgående balanser flyttas "
            "lika mycket."
            if own
            else "Fortnox värden används."
        )
    )
    if not own:
        return
    source = m.Source.objects.filter(client=target.client).latest("pk")
    for account in differing:
        wanted = closing.get(account, 0)
        shift = wanted - amount(m.Balance.Kind.IB, account)
        _set_balance(year, stated, m.Balance.Kind.IB, account, wanted, source)
        _set_balance(
            year,
            stated,
            m.Balance.Kind.UB,
            account,
            amount(m.Balance.Kind.UB, account) + shift,
            source,
        )


def _set_balance(
    year: m.FinancialYear,
    stated: Mapping[tuple[str, str], m.Balance],
    kind: str,
    account: str,
    amount_ore: int,
    source: m.Source,
) -> None:
    """Make ``kind`` of ``account`` ``amount_ore``: a zero balance is not stated at all."""
    row = stated.get((kind, account))
    if row is None:
        if amount_ore:
            m.Balance.objects.create(
                year=year, account=account, kind=kind, amount_ore=amount_ore, source=source
            )
    elif amount_ore == 0:
        row.delete()
    elif row.amount_ore != amount_ore:
        m.Balance.objects.filter(pk=row.pk).update(amount_ore=amount_ore, source=source)


def _remember(target: YearTarget, path_taken: str, source: m.Source, vouchers: int) -> None:
    """Record the year's counters and voucher series, in the year's transaction."""
    YearState.objects.update_or_create(
        client=target.client,
        fortnox_year_id=target.year.id,
        defaults={
            "start": target.start,
            "end": target.end,
            "series": target.counters,
            "path": path_taken,
            "locked": _is_locked(target),
            "vouchers": vouchers,
            "synced_at": timezone.now(),
        },
    )
    counts = register_sync(
        model=reg.VoucherSeries,
        client=target.client,
        key="code",
        desired={
            s.code: {
                "description": s.description,
                "manual": s.manual,
                "next_number": s.next_voucher_number,
            }
            for s in target.series
        },
        source=source,
        payload=target.series_payload,
        remove_missing=True,
        scope={"year_id": target.year.id},
        on_change=lambda kind, key: target.diff.record(
            "register",
            kind,
            f"voucher_series {key}",
            year_start=target.start,
            area="voucher_series",
        ),
    )
    target.diff.count("voucher_series", "unchanged", counts.unchanged)
