"""The retry policy: how many attempts, and how long to wait between them.

The waits are computed here and slept by the client through an injected ``sleep``,
rather than through stamina or tenacity: the client's loop must re-take a rate-limit
slot and, for a voucher POST, look for the voucher between attempts, and tests must
run those loops on a simulated clock per client instead of a process-wide switch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RetryPolicy"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter.

    Attempt ``n`` (1-based) that failed waits ``min(max_delay, initial_delay * 2**(n-1))``
    scaled by a random factor in ``[1 - jitter, 1]``; after a 429 the wait is at least
    ``rate_limited_delay``, since Fortnox's window is 5 s and it sends no Retry-After.

    >>> RetryPolicy(initial_delay=1.0, jitter=0.0).delay(3, rate_limited=False, random=lambda: 0.5)
    4.0
    """

    attempts: int = 5
    initial_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.5
    rate_limited_delay: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be between 0 and 1")

    def delay(self, attempt: int, *, rate_limited: bool, random: Callable[[], float]) -> float:
        """Seconds to wait after failed attempt number ``attempt``."""
        base = min(self.max_delay, self.initial_delay * 2.0 ** (attempt - 1))
        wait = base * (1.0 - self.jitter * random())
        if rate_limited:
            wait = max(wait, self.rate_limited_delay)
        return wait
