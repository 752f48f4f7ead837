"""Everything that writes people's reconciliation work. Keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bokslut.avstamning.balances import SignedState, signed_state
from bokslut.avstamning.files import CheckedFile, UploadRefused, check_upload
from bokslut.avstamning.models import (
    Attachment,
    ChangeFlag,
    Comment,
    Reconciliation,
    ReconciliationSettings,
    SignOff,
    UnderlagItem,
)
from bokslut.avstamning.periods import period_start
from bokslut.avstamning.selectors import cell_get, year_period_ends
from bokslut.firms.models import Client
from bokslut.ledger.models import FinancialYear
from bokslut.money import MoneyError, to_ore
from bokslut.rules import is_balance_account
from bokslut.sync.models import SyncRun
from bokslut.underlag import UnderlagError, parse_statement

__all__ = [
    "ReconciliationError",
    "UnderlagError",
    "UploadRefused",
    "comment_add",
    "explanation_set",
    "period_set",
    "reconciliation_get_or_create",
    "signoff_create",
    "signoffs_verify",
    "underlag_add_manual",
    "underlag_add_statement",
    "underlag_remove",
]

#: Which statement kinds may be reconciled against which accounts.
STATEMENT_ACCOUNTS = {
    "bank_csv": ("1910", "1940"),
    "camt053": ("1910", "1940"),
    "skattekonto": ("1630", "1630"),
}


class ReconciliationError(ValueError):
    """A request the reconciliation cannot take; the message is Swedish."""


def _year_of(client: Client, year_start: dt.date) -> FinancialYear:
    return FinancialYear.objects.get(client=client, start=year_start)


def reconciliation_get_or_create(
    *, client: Client, year: FinancialYear, account: str, period_end: dt.date
) -> Reconciliation:
    """The reconciliation of ``account`` for the period ending ``period_end``."""
    if not is_balance_account(account):
        raise ReconciliationError(f"Konto {account} är inget balanskonto.")
    if period_end not in year_period_ends(client, year):
        raise ReconciliationError(f"{period_end:%Y-%m-%d} är inget periodslut i räkenskapsåret.")
    found, _ = Reconciliation.objects.get_or_create(
        client=client, year_start=year.start, account=account, period_end=period_end
    )
    return found


def _attachment(*, reconciliation: Reconciliation, checked: CheckedFile, user: Any) -> Attachment:
    attachment = Attachment(
        firm_id=reconciliation.client.firm_id,
        client=reconciliation.client,
        reconciliation=reconciliation,
        stored_name=checked.stored_name,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        uploaded_by=user,
    )
    attachment.file.save(checked.stored_name, ContentFile(checked.data), save=False)
    try:
        attachment.save()
    except Exception:
        # The row could not be written: the file must not linger.
        attachment.file.delete(save=False)
        raise
    return attachment


def underlag_add_manual(
    *,
    reconciliation: Reconciliation,
    amount: Decimal,
    description: str = "",
    file_name: str | None = None,
    file_data: bytes | None = None,
    user: Any = None,
) -> UnderlagItem:
    """A typed-in amount, optionally with an attached file (checked before anything is saved)."""
    try:
        amount_ore = to_ore(amount)
    except MoneyError as exc:
        raise ReconciliationError("Beloppet får ha högst två decimaler.") from exc
    checked = check_upload(file_name, file_data) if file_name and file_data is not None else None
    with transaction.atomic():
        attachment = (
            _attachment(reconciliation=reconciliation, checked=checked, user=user)
            if checked
            else None
        )
        return UnderlagItem.objects.create(
            reconciliation=reconciliation,
            kind=UnderlagItem.Kind.MANUAL,
            amount_ore=amount_ore,
            description=description[:300],
            balance_date=reconciliation.period_end,
            attachment=attachment,
            created_by=user,
        )


def underlag_add_statement(
    *,
    reconciliation: Reconciliation,
    file_name: str,
    file_data: bytes,
    kind: str = "auto",
    user: Any = None,
) -> UnderlagItem:
    """A bank statement (CSV, camt.053) or tax-account file giving the period-end balance.

    The file is checked and parsed before anything is written: a bad file raises
    :class:`UploadRefused` or :class:`UnderlagError` and changes nothing.
    """
    checked = check_upload(file_name, file_data)
    statement = parse_statement(file_data, kind=kind)
    detected = (
        "camt053"
        if statement.source.startswith("ISO")
        else "skattekonto"
        if statement.source.startswith("Skatteverket")
        else "bank_csv"
    )
    low, high = STATEMENT_ACCOUNTS[detected]
    if not low <= reconciliation.account <= high:
        raise ReconciliationError(
            f"Ett {UnderlagItem.Kind(detected).label.lower()} kan inte stämma av konto "
            f"{reconciliation.account} (konton {low}–{high})."
        )
    balance = statement.balance_at(reconciliation.period_end)
    described = f"{statement.source}"
    if statement.account:
        described += f", konto {statement.account}"
    described += f": saldo {balance.as_of:%Y-%m-%d} ({balance.how})"
    with transaction.atomic():
        attachment = _attachment(reconciliation=reconciliation, checked=checked, user=user)
        return UnderlagItem.objects.create(
            reconciliation=reconciliation,
            kind=detected,
            amount_ore=to_ore(balance.amount),
            description=described[:300],
            balance_date=balance.as_of,
            attachment=attachment,
            created_by=user,
        )


def underlag_remove(*, item: UnderlagItem, user: Any = None) -> None:
    """Take an underlag item back; it stays in the history."""
    item.removed_at = timezone.now()
    item.save(update_fields=["removed_at"])


def comment_add(*, reconciliation: Reconciliation, text: str, user: Any = None) -> Comment:
    """Add a comment."""
    if not text.strip():
        raise ReconciliationError("Kommentaren är tom.")
    return Comment.objects.create(reconciliation=reconciliation, text=text.strip(), user=user)


def explanation_set(*, reconciliation: Reconciliation, text: str) -> Reconciliation:
    """Explain (or, with an empty text, stop explaining) a difference."""
    reconciliation.explanation = text.strip()
    reconciliation.save(update_fields=["explanation", "updated_at"])
    return reconciliation


def period_set(*, client: Client, period: str) -> None:
    """Set the client's reconciliation period (month, quarter or year)."""
    if period not in ReconciliationSettings.Period.values:
        raise ReconciliationError("Okänd periodlängd.")
    ReconciliationSettings.objects.update_or_create(client=client, defaults={"period": period})


def _state(reconciliation: Reconciliation, year: FinancialYear) -> SignedState:
    ends = year_period_ends(reconciliation.client, year)
    if reconciliation.period_end in ends:
        start = period_start(year.start, ends, reconciliation.period_end)
        last = reconciliation.period_end == ends[-1]
    else:  # the period setting changed since: take the year up to the period end
        start, last = year.start, reconciliation.period_end >= year.end
    return signed_state(year, reconciliation.account, start, reconciliation.period_end, last)


@transaction.atomic
def signoff_create(*, reconciliation: Reconciliation, user: Any = None) -> SignOff:
    """Sign off the reconciliation as it stands: balance, underlag and the signed vouchers."""
    year = _year_of(reconciliation.client, reconciliation.year_start)
    state = _state(reconciliation, year)
    cell = cell_get(
        client=reconciliation.client,
        year=year,
        account=reconciliation.account,
        period_end=reconciliation.period_end,
    )
    now = timezone.now()
    SignOff.objects.filter(reconciliation=reconciliation, superseded_at__isnull=True).update(
        superseded_at=now
    )
    return SignOff.objects.create(
        reconciliation=reconciliation,
        user=user,
        balance_ore=state.balance_ore,
        underlag_ore=cell.underlag_ore,
        fingerprint=state.fingerprint,
        vouchers=state.vouchers,
    )


def signoffs_verify(*, client: Client, sync_run: SyncRun | None = None) -> list[ChangeFlag]:
    """Flag every current sign-off whose balance or vouchers changed since it was signed.

    A change already flagged (same new fingerprint) is not flagged twice.
    """
    flags: list[ChangeFlag] = []
    years: dict[dt.date, FinancialYear | None] = {}
    current = SignOff.objects.filter(
        reconciliation__client=client, superseded_at__isnull=True
    ).select_related("reconciliation", "reconciliation__client")
    for signoff in current:
        reconciliation = signoff.reconciliation
        if reconciliation.year_start not in years:
            years[reconciliation.year_start] = FinancialYear.objects.filter(
                client=client, start=reconciliation.year_start
            ).first()
        year = years[reconciliation.year_start]
        if year is None:
            continue
        state = _state(reconciliation, year)
        if state.fingerprint == signoff.fingerprint:
            continue
        old: dict[str, int] = signoff.vouchers
        changed = [
            {"voucher": key, "old_ore": old.get(key, 0), "new_ore": state.vouchers.get(key, 0)}
            for key in sorted(set(old) | set(state.vouchers))
            if old.get(key, 0) != state.vouchers.get(key, 0)
        ]
        flag, created = ChangeFlag.objects.get_or_create(
            signoff=signoff,
            new_fingerprint=state.fingerprint,
            defaults={
                "sync_run": sync_run,
                "old_balance_ore": signoff.balance_ore,
                "new_balance_ore": state.balance_ore,
                "vouchers": changed,
            },
        )
        if created:
            flags.append(flag)
    return flags
