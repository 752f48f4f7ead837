"""Per-area progress of one sync run, and when to write it to the database.

The engine tells a :class:`ProgressBoard` what it starts, advances, finishes or skips; the
board keeps one :class:`AreaProgress` per area of the run and hands a JSON snapshot to a
``save`` callable. Writes are kept cheap: a change of state (an area starting, finishing,
failing) is written at once, because the next step may be a long download during which the
page should already show it; a mere advance of a counter is written at most once per
``min_interval`` seconds. The board itself knows nothing of Django, so the throttle can be
tested with a fake clock and a counting ``save``.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "DEFAULT_MIN_INTERVAL",
    "AreaProgress",
    "AreaState",
    "ProgressBoard",
    "area_progress_from_json",
]

#: Counter-only updates are written at most this often (seconds): four writes a second.
DEFAULT_MIN_INTERVAL = 0.25


def monotonic() -> float:
    """The board's default clock (a module attribute, so a test can stand it still)."""
    return time.monotonic()


class AreaState(enum.StrEnum):
    """Where one area of a run stands."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class AreaProgress:
    """One area's state, and how many of its steps (years, registers …) are done."""

    state: AreaState = AreaState.PENDING
    done: int = 0
    total: int = 0

    def as_json(self) -> dict[str, object]:
        """The stored shape: ``{"state": "running", "done": 1, "total": 3}``."""
        return {"state": self.state.value, "done": self.done, "total": self.total}


def area_progress_from_json(raw: object) -> dict[str, AreaProgress]:
    """Parse a stored snapshot; malformed entries are left out rather than trusted."""
    if not isinstance(raw, Mapping):
        return {}
    parsed: dict[str, AreaProgress] = {}
    for area, entry in raw.items():
        if not isinstance(area, str) or not isinstance(entry, Mapping):
            continue
        try:
            state = AreaState(str(entry.get("state")))
        except ValueError:
            continue
        done, total = entry.get("done", 0), entry.get("total", 0)
        parsed[area] = AreaProgress(
            state,
            done if isinstance(done, int) and not isinstance(done, bool) else 0,
            total if isinstance(total, int) and not isinstance(total, bool) else 0,
        )
    return parsed


#: ``save(snapshot, pointer) -> bool``: write both; False when it cannot write now (the
#: caller is inside a transaction), so the board retries at the next opportunity.
Save = Callable[[dict[str, dict[str, object]], dict[str, object]], bool]


class ProgressBoard:
    """The per-area progress of one run, written through ``save`` (see module docstring)."""

    def __init__(
        self,
        areas: Iterable[str],
        *,
        save: Save,
        clock: Callable[[], float] | None = None,
        min_interval: float = DEFAULT_MIN_INTERVAL,
    ) -> None:
        self._areas: dict[str, AreaProgress] = {area: AreaProgress() for area in areas}
        self._save = save
        self._clock = clock if clock is not None else monotonic
        self._min_interval = min_interval
        self._pointer: dict[str, object] = {}
        self._last_write: float | None = None
        self._dirty = False
        #: How many snapshots were actually written (for tests and diagnostics).
        self.writes = 0

    # -- reading ------------------------------------------------------------------------------

    def get(self, area: str) -> AreaProgress | None:
        """The progress of ``area``, or None if the run does not cover it."""
        return self._areas.get(area)

    def snapshot(self) -> dict[str, dict[str, object]]:
        """Every area of the run in the stored shape."""
        return {area: progress.as_json() for area, progress in self._areas.items()}

    @property
    def pointer(self) -> dict[str, object]:
        """The latest step as ``{"area", "done", "total"}`` (what ``SyncRun.progress`` held)."""
        return dict(self._pointer)

    # -- the engine's reports -----------------------------------------------------------------

    def start(self, areas: Iterable[str], *, total: int = 0) -> None:
        """``areas`` begin (a change of state: written at once)."""
        self._set(areas, AreaState.RUNNING, done=0, total=total)

    def advance(
        self, areas: Iterable[str], done: int, total: int, *, label: str | None = None
    ) -> None:
        """Running ``areas`` have come ``done`` of ``total`` steps (written throttled).

        ``label`` also moves the pointer (e.g. ``"vouchers (JSON)"``) in the same write.
        """
        changed = False
        if label is not None:
            changed = self._move(label, done, total)
        for area in self._covered(areas):
            current = self._areas[area]
            if current.state is not AreaState.RUNNING:
                continue
            if (current.done, current.total) != (done, total):
                self._areas[area] = AreaProgress(AreaState.RUNNING, done, total)
                changed = True
        if changed:
            self._dirty = True
            self._write(force=False)

    def finish(self, areas: Iterable[str]) -> None:
        """``areas`` are done; their counters are completed."""
        for area in self._covered(areas):
            total = max(self._areas[area].total, self._areas[area].done)
            self._areas[area] = AreaProgress(AreaState.DONE, total, total)
        self._dirty = True
        self._write(force=True)

    def skip(self, areas: Iterable[str]) -> None:
        """``areas`` were not fetched by this run (nothing to fetch, or not licensed)."""
        self._set(areas, AreaState.SKIPPED)

    def fail(self) -> None:
        """The run stopped: what ran failed, what waited was never fetched."""
        for area, current in self._areas.items():
            if current.state is AreaState.RUNNING:
                self._areas[area] = AreaProgress(AreaState.FAILED, current.done, current.total)
            elif current.state is AreaState.PENDING:
                self._areas[area] = AreaProgress(AreaState.SKIPPED)
        self._dirty = True
        self._write(force=True)

    def settle(self) -> None:
        """The run succeeded: an area still waiting was not needed, one running is done."""
        for area, current in self._areas.items():
            if current.state is AreaState.PENDING:
                self._areas[area] = AreaProgress(AreaState.SKIPPED)
            elif current.state is AreaState.RUNNING:
                total = max(current.total, current.done)
                self._areas[area] = AreaProgress(AreaState.DONE, total, total)
        self._dirty = True
        self._write(force=True)

    def point(self, label: str, done: int, total: int) -> None:
        """Move only the pointer (a step inside an area, e.g. one voucher of many)."""
        if self._move(label, done, total):
            self._dirty = True
            self._write(force=False)

    # -- writing ------------------------------------------------------------------------------

    def _move(self, label: str, done: int, total: int) -> bool:
        pointer: dict[str, object] = {"area": label, "done": done, "total": total}
        if pointer == self._pointer:
            return False
        self._pointer = pointer
        return True

    def _covered(self, areas: Iterable[str]) -> list[str]:
        return [area for area in areas if area in self._areas]

    def _set(
        self, areas: Iterable[str], state: AreaState, *, done: int = 0, total: int = 0
    ) -> None:
        changed = False
        for area in self._covered(areas):
            new = AreaProgress(state, done, total)
            if self._areas[area] != new:
                self._areas[area] = new
                changed = True
        if changed:
            self._dirty = True
            self._write(force=True)

    def _write(self, *, force: bool) -> None:
        if not self._dirty:
            return
        now = self._clock()
        if (
            not force
            and self._last_write is not None
            and now - self._last_write < self._min_interval
        ):
            return
        if self._save(self.snapshot(), self.pointer):
            self._dirty = False
            self._last_write = now
            self.writes += 1
