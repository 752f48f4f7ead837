"""Time for the sandbox: a real clock, and a manual one tests can move without sleeping."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """What the sandbox needs to know about time.

    ``monotonic`` drives expiry and the rate limit; ``now`` is the wall-clock time stamped on
    records (``lastmodified``); ``sleep`` is used for injected latency and timeouts.
    """

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin, never going backwards."""
        ...

    def now(self) -> datetime:
        """The local wall-clock time (naive, as Fortnox's timestamps carry no zone)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (or pretend to)."""
        ...


class SystemClock:
    """The machine's clock."""

    def monotonic(self) -> float:
        """See :meth:`Clock.monotonic`."""
        return time.monotonic()

    def now(self) -> datetime:
        """See :meth:`Clock.now`."""
        return datetime.now().replace(microsecond=0)

    def sleep(self, seconds: float) -> None:
        """See :meth:`Clock.sleep`."""
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that only moves when told to; ``sleep`` advances it instead of blocking."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._start = start or datetime(2025, 1, 15, 9, 0, 0)

    def monotonic(self) -> float:
        """See :meth:`Clock.monotonic`."""
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        """See :meth:`Clock.now`."""
        with self._lock:
            return self._start + timedelta(seconds=int(self._offset))

    def sleep(self, seconds: float) -> None:
        """Advance instead of waiting, so tests never block."""
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._offset += seconds
