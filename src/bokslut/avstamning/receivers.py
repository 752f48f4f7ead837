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
    """Checks for every year the run wrote (or, if none, the latest), then sign-off flags."""
    from bokslut.avstamning.checks import checks_run
    from bokslut.avstamning.models import CheckRun
    from bokslut.avstamning.services import signoffs_verify

    years = FinancialYear.objects.filter(client=run.client)
    starts = []
    for key in run.paths or {}:
        try:
            starts.append(dt.date.fromisoformat(key))
        except ValueError:
            continue
    chosen = list(years.filter(start__in=starts)) or list(years.order_by("-start")[:1])
    for year in chosen:
        checks_run(client=run.client, year=year, trigger=CheckRun.Trigger.SYNC, sync_run=run)
    signoffs_verify(client=run.client, sync_run=run)
