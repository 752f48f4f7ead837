"""A sync run as the Synkronisering page shows it: per-area progress, counts and advice.

The engine reports one moving pointer (``SyncRun.progress``: the area it works on and how
far it has come). The engine works in a fixed order (company, years, locked period; then
the bookkeeping year by year; then the registers one by one), so the pointer says which
areas are done, which one runs, and which are still waiting.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bokslut.integrations.areas import Area
from bokslut.sync.models import SyncRun
from bokslut.sync.streams import REGISTER_STREAMS

__all__ = ["AreaLine", "AreaState", "RunView", "run_view"]

_OPENING = ("company_info", "financial_years", "locked_period")
_BOOKKEEPING = ("chart_of_accounts", "balances", "period_balances", "vouchers", "voucher_series")
_REGISTERS = tuple(stream.area for stream in REGISTER_STREAMS)
#: The engine's order, as phases: an area's phase is done when the pointer passes it.
_ORDER: tuple[str, ...] = (*_OPENING, *_BOOKKEEPING, *_REGISTERS)


class AreaState(enum.StrEnum):
    """Where one area stands in a run."""

    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        """The Swedish (translated) word shown beside the area."""
        return str(_STATE_LABELS[self])


_STATE_LABELS: dict[AreaState, Promise] = {
    AreaState.WAITING: _("väntar"),
    AreaState.RUNNING: _("hämtas"),
    AreaState.DONE: _("klar"),
    AreaState.FAILED: _("avbröts"),
    AreaState.SKIPPED: _("hämtades inte"),
}


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


def _phase(code: str) -> int:
    """The engine's phase of ``code``: 0 opening, 1 bookkeeping, 2… one per register."""
    if code in _OPENING:
        return 0
    if code in _BOOKKEEPING:
        return 1
    return 2 + _REGISTERS.index(code)


_AFTER_ALL = 2 + len(_REGISTERS)


def _pointer(progress: dict[str, object]) -> tuple[int, int, int]:
    """(phase being worked on, done, total) from the run's progress report."""
    raw = str(progress.get("area") or "")
    done, total = progress.get("done", 0), progress.get("total", 0)
    numbers = (done if isinstance(done, int) else 0, total if isinstance(total, int) else 0)
    if raw.startswith("vouchers"):
        # "vouchers", "vouchers (JSON)", "vouchers (nya)": the year-by-year bookkeeping.
        return 1, *numbers
    if raw == "registers":
        return _AFTER_ALL, *numbers
    if raw in _REGISTERS:
        return _phase(raw), *numbers
    # No report yet: the opening requests are under way.
    return 0, 0, 0


def _state(phase: int, pointer: int, failed: bool) -> AreaState:
    if phase == pointer:
        return AreaState.FAILED if failed else AreaState.RUNNING
    if phase < pointer:
        return AreaState.DONE
    return AreaState.SKIPPED if failed else AreaState.WAITING


def _lines(run: SyncRun) -> list[AreaLine]:
    chosen = [code for code in _ORDER if code in (run.areas or [])]
    counts: dict[str, dict[str, int]] = run.counts or {}
    pointer, done_so_far, total_so_far = _pointer(run.progress or {})
    failed = run.status == SyncRun.Status.FAILED
    lines = []
    for code in chosen:
        done = total = 0
        if run.status == SyncRun.Status.DONE:
            state = AreaState.DONE
        elif run.status == SyncRun.Status.QUEUED:
            state = AreaState.WAITING
        else:
            state = _state(_phase(code), pointer, failed)
            if state is AreaState.RUNNING:
                done, total = done_so_far, total_so_far
        area_counts = counts.get(code, {})
        lines.append(
            AreaLine(
                code=code,
                label=_label(code),
                state=state,
                done=done,
                total=total,
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
