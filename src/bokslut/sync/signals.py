"""The post-sync hook: checks added by later issues connect here.

>>> from bokslut.sync.signals import sync_finished
>>> def run_checks(sender, run, **kwargs): ...
>>> sync_finished.connect(run_checks)

Sent once per run, after the run is recorded (done or failed), with ``run`` the
:class:`bokslut.sync.models.SyncRun`. A receiver that raises does not undo the sync; its
error is added to the run's warnings.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["sync_finished"]

#: ``sync_finished.send(sender=SyncRun, run=run)``
sync_finished = Signal()
