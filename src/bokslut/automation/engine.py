"""The one place that knows which function runs a sync, and how to read what it returns.

``settings.BOKSLUT_SYNC_RUNNER`` (a dotted path) replaces the sync engine, so tests and
benchmarks can run the automation around a stub; by default it is the real engine,
``bokslut.sync.services.sync_run``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SYNC_RUNNER = "bokslut.sync.services.sync_run"

SyncRunner = Callable[..., Any]
OutcomeStatus = Literal["done", "failed", "skipped"]


def sync_runner() -> SyncRunner:
    """The configured sync function, called as ``runner(*, client, areas, full, trigger, user,
    progress)`` and returning a ``SyncRun``."""
    path = getattr(settings, "BOKSLUT_SYNC_RUNNER", DEFAULT_SYNC_RUNNER)
    runner: SyncRunner = import_string(path)
    return runner


@dataclass(slots=True)
class SyncOutcome:
    """What became of one requested sync, in a JSON-friendly shape for task results."""

    client_id: int
    status: OutcomeStatus
    run_id: int | None = None
    error: str = ""
    needs_reapproval: bool = False
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the sync ran to the end."""
        return self.status == "done"

    def as_json(self) -> dict[str, Any]:
        """A plain dict, safe as a task's return value on every backend."""
        return asdict(self)


def outcome_from_run(client_id: int, run: object) -> SyncOutcome:
    """Read a finished ``SyncRun`` (duck-typed: ``pk``, ``status``, ``error``/``errors``)."""
    status = str(getattr(run, "status", "done") or "done")
    error = _error_text(run)
    counts = getattr(run, "counts", None)
    return SyncOutcome(
        client_id=client_id,
        status="failed" if status == "failed" else "done",
        run_id=getattr(run, "pk", None),
        error=error if status == "failed" else "",
        counts=dict(counts) if isinstance(counts, dict) else {},
    )


def _error_text(run: object) -> str:
    for name in ("error", "last_error", "errors"):
        value = getattr(run, name, None)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, list | tuple) and value:
            return "; ".join(str(item) for item in value)
    return ""
