"""After every sync: run the checks for the years it touched and verify the sign-offs."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.dispatch import receiver

from bokslut.ledger.models import FinancialYear
from bokslut.sync.models import SyncRun
from bokslut.sync.signals import sync_finished

logger = logging.getLogger(__name__)


@receiver(sync_finished, dispatch_uid="avstamning_after_sync")
def after_sync(sender: Any, run: SyncRun, **kwargs: Any) -> None:
    """Checks for the years the run wrote (and each one's following year), then sign-offs.

    A sync that changed nothing reruns no checks (their inputs are the same, and the
    Fortnox UB sample would cost requests on every nightly no-change sync); a change only in
    the registers or the locked period checks the latest year; a client never checked before
    gets its latest year checked.
    """
    from bokslut.avstamning.checks import checks_run
    from bokslut.avstamning.models import CheckRun
    from bokslut.avstamning.services import signoffs_verify

    years = FinancialYear.objects.filter(client=run.client)
    written = []
    for key, path in (run.paths or {}).items():
        if path == "unchanged":
            continue
        try:
            written.append(dt.date.fromisoformat(key))
        except ValueError:
            continue
    chosen = list(years.filter(start__in=written))
    # The next year's "IB = föregående års UB" compares against the year just written, so
    # a late posting in year Y must re-run Y+1's checks too.
    following = [
        nxt
        for year in chosen
        if (nxt := years.filter(start=year.end + dt.timedelta(days=1)).first()) is not None
    ]
    chosen += [y for y in following if y not in chosen]
    latest = years.order_by("-start").first()
    if not chosen and latest is not None:
        never_checked = not CheckRun.objects.filter(
            client=run.client, year_start=latest.start
        ).exists()
        if never_checked or _changed_anything(run):
            chosen = [latest]
    for year in chosen:
        checks_run(client=run.client, year=year, trigger=CheckRun.Trigger.SYNC, sync_run=run)
    signoffs_verify(client=run.client, sync_run=run)


def _changed_anything(run: SyncRun) -> bool:
    """Whether any area of ``run`` brought something new, changed or removed."""
    return any(
        counts.get("new") or counts.get("changed") or counts.get("removed")
        for counts in (run.counts or {}).values()
        if isinstance(counts, dict)
    )
