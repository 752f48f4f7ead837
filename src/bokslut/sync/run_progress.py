"""Reading a run's per-area progress: what the page and the API show, in the engine's order."""

from __future__ import annotations

from bokslut.sync.models import SyncRun
from bokslut.sync.progress import AreaProgress, AreaState, area_progress_from_json
from bokslut.sync.streams import ALL_AREAS, REGISTER_STREAMS

__all__ = ["ENGINE_ORDER", "run_area_progress"]

#: The order the engine works in: the opening requests, the year-by-year bookkeeping, then
#: the registers one by one (see :meth:`bokslut.sync.engine.SyncEngine.execute`).
_WORK_ORDER: tuple[str, ...] = (
    "company_info",
    "financial_years",
    "locked_period",
    "chart_of_accounts",
    "balances",
    "period_balances",
    "vouchers",
    "voucher_series",
    "cost_centres",
    "projects",
    *(stream.area for stream in REGISTER_STREAMS),
)
ENGINE_ORDER: tuple[str, ...] = (
    *_WORK_ORDER,
    *(area for area in ALL_AREAS if area not in _WORK_ORDER),
)


def _settled(progress: AreaProgress | None, status: str) -> AreaProgress:
    """The recorded progress, made consistent with how the run ended.

    A run closed by someone else (a worker killed mid-run, its run then abandoned) may
    still hold "running" entries; a queued run, or one from before per-area progress was
    recorded, holds none.
    """
    if progress is None:
        if status == SyncRun.Status.DONE:
            return AreaProgress(AreaState.DONE)
        if status == SyncRun.Status.FAILED:
            return AreaProgress(AreaState.SKIPPED)
        return AreaProgress(AreaState.PENDING)
    if status == SyncRun.Status.FAILED:
        if progress.state is AreaState.RUNNING:
            return AreaProgress(AreaState.FAILED, progress.done, progress.total)
        if progress.state is AreaState.PENDING:
            return AreaProgress(AreaState.SKIPPED)
    return progress


def run_area_progress(run: SyncRun) -> list[tuple[str, AreaProgress]]:
    """Every area ``run`` covers with its progress, in the engine's order."""
    chosen = [str(area) for area in run.areas or []]
    recorded = area_progress_from_json(run.area_progress)
    known = [area for area in ENGINE_ORDER if area in chosen]
    unknown = sorted(set(chosen) - set(ENGINE_ORDER))
    return [(area, _settled(recorded.get(area), run.status)) for area in (*known, *unknown)]
