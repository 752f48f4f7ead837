"""Stand-ins for the sync engine, selected with ``settings.BOKSLUT_SYNC_RUNNER``.

The in-process stubs record their calls in :data:`CALLS`; the slow stub used by worker
processes appends to the file named by ``AUTOMATION_STUB_LOG`` so the test can count syncs
across processes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bokslut.fortnox import NeedsReauthorization

CALLS: list[dict[str, Any]] = []


@dataclass
class FakeRun:
    """The shape of a SyncRun that the automation reads."""

    status: str = "done"
    pk: int | None = 7
    error: str = ""
    counts: dict[str, Any] = field(default_factory=lambda: {"vouchers": {"new": 3}})


def _record(**kwargs: Any) -> None:
    CALLS.append(kwargs)


def ok_sync(**kwargs: Any) -> FakeRun:
    _record(**kwargs)
    progress: Callable[..., None] = kwargs["progress"]
    progress("vouchers", 1, 2)
    progress("vouchers", 2, 2)
    return FakeRun()


def failed_run_sync(**kwargs: Any) -> FakeRun:
    _record(**kwargs)
    return FakeRun(status="failed", error="Fortnox svarade 503 tre gånger")


def raising_sync(**kwargs: Any) -> FakeRun:
    _record(**kwargs)
    raise RuntimeError("anslutningen bröts")


def reauth_sync(**kwargs: Any) -> FakeRun:
    _record(**kwargs)
    raise NeedsReauthorization("refresh token refused")


def slow_sync(**kwargs: Any) -> FakeRun:
    """Logs start and end lines with the pid; sleeps ``AUTOMATION_STUB_SECONDS`` in steps."""
    log = os.environ["AUTOMATION_STUB_LOG"]
    seconds = float(os.environ.get("AUTOMATION_STUB_SECONDS", "3"))
    client = kwargs["client"]
    with open(log, "a") as out:
        out.write(f"start {client.pk} {os.getpid()}\n")
    steps = max(int(seconds / 0.1), 1)
    for step in range(steps):
        kwargs["progress"]("vouchers", step, steps)
        time.sleep(seconds / steps)
    with open(log, "a") as out:
        out.write(f"end {client.pk} {os.getpid()}\n")
    return FakeRun()
