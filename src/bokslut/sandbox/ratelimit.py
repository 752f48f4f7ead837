"""Fortnox's rate limit: at most 25 requests in any sliding 5 seconds per client and tenant."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Hashable

from bokslut.sandbox.clock import Clock

__all__ = ["SlidingWindowLimiter"]


class SlidingWindowLimiter:
    """Counts accepted requests per key in a sliding window.

    Refused requests are not counted: over-use only has to wait until the window has room
    again, as Fortnox describes it.
    """

    def __init__(self, clock: Clock, *, limit: int = 25, window: float = 5.0) -> None:
        self._clock = clock
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._seen: dict[Hashable, deque[float]] = {}

    def allow(self, key: Hashable) -> bool:
        """Record a request for ``key``; False if it exceeds the limit (answer 429)."""
        now = self._clock.monotonic()
        with self._lock:
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True

    def reset(self) -> None:
        """Forget every window (e.g. between benchmark runs)."""
        with self._lock:
            self._seen.clear()
