"""One sync per client at a time, across processes and machines sharing the database.

A lease is a row per client (:class:`~bokslut.automation.models.SyncLease`) taken with a
single conditional UPDATE, or an INSERT guarded by the unique client column; both are atomic
on SQLite and PostgreSQL without table locks. Times come from the database's clock so
machines with skewed clocks still agree on who holds a lease. The holder keeps the lease
alive with a heartbeat; a holder killed with SIGKILL blocks the client only until expiry.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Now

from bokslut.automation.models import SyncLease

logger = logging.getLogger(__name__)

#: How long a lease lives without a heartbeat (seconds), unless settings say otherwise.
DEFAULT_LEASE_SECONDS = 120


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease held by this process: the client, our holder name and the generation we won."""

    client_id: int
    holder: str
    generation: int


class LeaseLost(RuntimeError):
    """Our lease expired and someone else took the client; stop writing."""


def lease_seconds() -> int:
    """The configured lease lifetime (``BOKSLUT_SYNC_LEASE_SECONDS``)."""
    return int(getattr(settings, "BOKSLUT_SYNC_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def new_holder_name() -> str:
    """A name unique to this attempt that also tells an operator where it runs."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _expiry(seconds: float) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(Now() + timedelta(seconds=seconds), output_field=DateTimeField())


def lease_acquire(*, client_id: int, holder: str, seconds: float | None = None) -> Lease | None:
    """Take the client's lease for ``holder``, or return None if someone else holds it.

    Succeeds when no lease row exists, when the existing lease has expired, or when
    ``holder`` already holds it (re-entry extends it).
    """
    ttl = lease_seconds() if seconds is None else seconds
    taken = (
        SyncLease.objects.filter(client_id=client_id)
        .filter(Q(expires_at__lt=Now()) | Q(holder=holder))
        .update(
            holder=holder,
            generation=F("generation") + 1,
            acquired_at=Now(),
            expires_at=_expiry(ttl),
        )
    )
    if not taken:
        try:
            # The savepoint keeps an outer transaction usable after a lost insert race.
            with transaction.atomic():
                SyncLease.objects.create(
                    client_id=client_id,
                    holder=holder,
                    generation=1,
                    acquired_at=Now(),
                    expires_at=_expiry(ttl),
                )
        except IntegrityError:
            return None
    generation = (
        SyncLease.objects.filter(client_id=client_id, holder=holder)
        .values_list("generation", flat=True)
        .first()
    )
    if generation is None:
        # Expired and taken over between our write and this read: we never really held it.
        return None
    return Lease(client_id=client_id, holder=holder, generation=generation)


def lease_renew(lease: Lease, *, seconds: float | None = None) -> bool:
    """Push the lease's expiry forward; False if it is no longer ours."""
    ttl = lease_seconds() if seconds is None else seconds
    renewed = SyncLease.objects.filter(
        client_id=lease.client_id, holder=lease.holder, generation=lease.generation
    ).update(expires_at=_expiry(ttl))
    return renewed == 1


def lease_release(lease: Lease) -> bool:
    """Give the lease back so the next sync need not wait for expiry; False if not ours."""
    deleted, _ = SyncLease.objects.filter(
        client_id=lease.client_id, holder=lease.holder, generation=lease.generation
    ).delete()
    return deleted > 0


class _Heartbeat(threading.Thread):
    """Renews a lease every ``interval`` seconds until stopped, on its own DB connection."""

    def __init__(self, lease: Lease, *, seconds: float, interval: float) -> None:
        super().__init__(name=f"lease-heartbeat-{lease.client_id}", daemon=True)
        self.lease = lease
        self.seconds = seconds
        self.interval = interval
        self.stopped = threading.Event()
        self.lost = threading.Event()
        self.beats = 0

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    if not lease_renew(self.lease, seconds=self.seconds):
                        self.lost.set()
                        return
                    self.beats += 1
                except OperationalError:
                    # SQLite may be busy with the sync's own year transaction; the lease
                    # outlives several missed beats, so try again next interval.
                    logger.warning("lease heartbeat for client %s failed", self.lease.client_id)
        finally:
            connection.close()


class HeldLease:
    """A lease being kept alive; :meth:`check` raises :class:`LeaseLost` once it is gone."""

    def __init__(self, lease: Lease, heartbeat: _Heartbeat) -> None:
        self.lease = lease
        self._heartbeat = heartbeat

    @property
    def lost(self) -> bool:
        """Whether a heartbeat found the lease taken over."""
        return self._heartbeat.lost.is_set()

    @property
    def beats(self) -> int:
        """Successful renewals so far."""
        return self._heartbeat.beats

    def check(self) -> None:
        """Raise :class:`LeaseLost` if the lease is no longer ours."""
        if self.lost:
            raise LeaseLost(f"synklåset för klient {self.lease.client_id} har tagits över")


@contextmanager
def client_lease(
    *, client_id: int, holder: str | None = None, seconds: float | None = None
) -> Iterator[HeldLease | None]:
    """Hold the client's lease for the ``with`` block, or yield None if it is taken.

    While held, a background thread renews it every third of its lifetime; leaving the
    block stops the heartbeat and releases the lease.
    """
    ttl = float(lease_seconds() if seconds is None else seconds)
    lease = lease_acquire(client_id=client_id, holder=holder or new_holder_name(), seconds=ttl)
    if lease is None:
        yield None
        return
    heartbeat = _Heartbeat(lease, seconds=ttl, interval=max(ttl / 3, 0.05))
    heartbeat.start()
    try:
        yield HeldLease(lease, heartbeat)
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
        lease_release(lease)
