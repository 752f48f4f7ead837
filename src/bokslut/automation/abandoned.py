"""Sync runs left "running" by a worker that died, closed when the client's next sync starts.

A worker killed outright (SIGKILL, out of memory, power loss) never records how its run
ended: the ``SyncRun`` row stays ``running`` forever, although the year it was writing was
rolled back by the database. Every automated sync runs under the client's lease, so a
sync that has just taken the lease knows that no other run of that client is alive; any
run of the client still marked ``running`` was abandoned, and is marked failed then.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from bokslut.firms.models import Client

logger = logging.getLogger(__name__)

#: Shown on an abandoned run. Years the dead worker committed stay; the one it was
#: writing was rolled back as a whole, and the next sync fetches what is missing.
ABANDONED_TEXT = (
    "Synkningen avbröts innan den blev klar: processen som körde den stoppades. "
    "Ett räkenskapsår som inte hann sparas helt har lämnats orört, "
    "och nästa synk hämtar det som saknas."
)


def runs_abandon(*, client: Client) -> int:
    """Mark ``client``'s runs still ``running`` as failed; how many there were.

    Call only while holding the client's lease (:func:`bokslut.automation.leases.client_lease`):
    that is what proves the runs have no live worker behind them.
    """
    from bokslut.sync.models import SyncRun

    abandoned = SyncRun.objects.filter(client=client, status=SyncRun.Status.RUNNING).update(
        status=SyncRun.Status.FAILED, error=ABANDONED_TEXT, finished_at=timezone.now()
    )
    if abandoned:
        logger.warning("marked %s abandoned sync run(s) of client %s failed", abandoned, client.pk)
    return abandoned
