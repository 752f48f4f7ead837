"""A sync run as the Synkronisering page shows it: per-area progress, counts and advice.

The engine records every area's state on the run (``SyncRun.area_progress``, written by
:class:`bokslut.sync.progress.ProgressBoard`); this module only reads it, orders the areas
as the engine works through them, and adds the translated words and the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bokslut.integrations.areas import Area
from bokslut.sync.models import SyncRun
from bokslut.sync.progress import AreaState
from bokslut.sync.run_progress import run_area_progress

__all__ = ["AreaLine", "AreaState", "RunView", "run_view", "state_label"]

_STATE_LABELS: dict[AreaState, Promise] = {
    AreaState.PENDING: _("väntar"),
    AreaState.RUNNING: _("hämtas"),
    AreaState.DONE: _("klar"),
    AreaState.FAILED: _("avbröts"),
    AreaState.SKIPPED: _("hämtades inte"),
}


def state_label(state: AreaState) -> str:
    """The Swedish (translated) word shown beside an area in ``state``."""
    return str(_STATE_LABELS[state])


@dataclass(frozen=True)
class AreaLine:
    """One area of a run."""

    code: str
    label: str
    state: AreaState
    done: int = 0
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def state_label(self) -> str:
        """The translated word for the area's state."""
        return state_label(self.state)

    @property
    def percent(self) -> int:
        """How far this area has come, 0–100."""
        if self.state in (AreaState.DONE, AreaState.SKIPPED):
            return 100
        if self.state is AreaState.RUNNING and self.total:
            return min(100, 100 * self.done // self.total)
        return 0


@dataclass(frozen=True)
class RunView:
    """A run (or a sync waiting for a worker) ready for the template."""

    run: SyncRun | None
    waiting: bool
    areas: list[AreaLine] = field(default_factory=list)
    advice: str | Promise = ""

    @property
    def finished(self) -> bool:
        """Whether polling can stop."""
        return self.run is not None and self.run.status in (
            SyncRun.Status.DONE,
            SyncRun.Status.FAILED,
        )

    @property
    def percent(self) -> int:
        """Overall progress, 0–100 (areas weigh equally)."""
        if self.finished:
            return 100
        if not self.areas:
            return 0
        return sum(line.percent for line in self.areas) // len(self.areas)


def _label(code: str) -> str:
    try:
        return str(Area(code).label)
    except ValueError:
        return code


def _lines(run: SyncRun) -> list[AreaLine]:
    counts: dict[str, dict[str, int]] = run.counts or {}
    lines = []
    for code, progress in run_area_progress(run):
        area_counts = counts.get(code, {})
        lines.append(
            AreaLine(
                code=code,
                label=_label(code),
                state=progress.state,
                done=progress.done,
                total=progress.total,
                new=area_counts.get("new", 0),
                changed=area_counts.get("changed", 0),
                unchanged=area_counts.get("unchanged", 0),
                removed=area_counts.get("removed", 0),
            )
        )
    return lines


def run_view(run: SyncRun | None, *, waiting: bool = False, advice: str | Promise = "") -> RunView:
    """The view of ``run``; ``waiting`` when a sync was queued but no worker has begun it."""
    if run is None:
        return RunView(run=None, waiting=waiting, advice=advice)
    return RunView(run=run, waiting=waiting, areas=_lines(run), advice=advice)
