"""Per-tenant rate limiting: a sliding window log, in process, in files or in Redis.

Fortnox allows 25 requests in any sliding 5 seconds per client and tenant and answers
429 beyond it; users report 429s even at an even 5 requests/s, while 4/s was safe. The
default limits therefore keep a sustained pace of 4 per second and, separately, the
hard ceiling of 25 in 5 s, so that a caller who loosens the pace still never exceeds
what Fortnox allows.

Three stores hold the same log with the same rules: :class:`InMemoryRateLimiter` (the
threads of one process), :class:`FileRateLimiter` (every process on one machine, through a
locked file per tenant) and :class:`RedisRateLimiter` (every process on every machine).
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import redis

__all__ = [
    "DEFAULT_LIMITS",
    "FileRateLimiter",
    "InMemoryRateLimiter",
    "RateLimit",
    "RateLimiter",
    "RedisRateLimiter",
]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``limit`` requests in any ``window`` seconds."""

    limit: int
    window: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")


DEFAULT_LIMITS: tuple[RateLimit, ...] = (RateLimit(25, 5.0), RateLimit(4, 1.0))


class RateLimiter(Protocol):
    """Blocks until one more request for ``key`` (a tenant) is allowed, then counts it."""

    def acquire(self, key: str) -> None:
        """Wait for, and take, one request slot for ``key``."""
        ...


def _wait_needed(log: Sequence[float], limits: Sequence[RateLimit], now: float) -> float:
    """Seconds until a request at ``now`` would break none of ``limits`` (0 = now).

    ``log`` is the ascending times of earlier requests. For a limit of L per W seconds
    the L-th most recent request must have left the window: ``now >= log[-L] + W``.
    """
    wait = 0.0
    for rule in limits:
        if len(log) >= rule.limit:
            wait = max(wait, log[-rule.limit] + rule.window - now)
    return wait


class InMemoryRateLimiter:
    """A sliding window log per key, shared by the threads of one process.

    ``clock`` and ``sleep`` are injectable so tests run on a simulated clock.
    """

    def __init__(
        self,
        limits: Sequence[RateLimit] = DEFAULT_LIMITS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = tuple(limits)
        self._clock = clock
        self._sleep = sleep
        self._longest = max(rule.window for rule in self.limits)
        self._deepest = max(rule.limit for rule in self.limits)
        self._logs: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InMemoryRateLimiter(limits={self.limits!r})"

    def try_acquire(self, key: str) -> float:
        """Take a slot and return 0, or take nothing and return the seconds to wait."""
        with self._lock:
            now = self._clock()
            log = self._logs.setdefault(key, deque(maxlen=self._deepest))
            while log and log[0] <= now - self._longest:
                log.popleft()
            wait = _wait_needed(log, self.limits, now)
            if wait > 0:
                return wait
            log.append(now)
            return 0.0

    def acquire(self, key: str) -> None:
        """Wait (with the injected sleep) until a slot is free, then take it."""
        while (wait := self.try_acquire(key)) > 0:
            self._sleep(wait)


class FileRateLimiter:
    """A sliding window log per key in a file, shared by every process on this machine.

    Each key (tenant) has its own small file in ``directory``; an acquisition takes an
    exclusive ``flock`` on it, reads the log, checks the windows and records the request
    before releasing, so two processes can never both take the last free slot. Waiting
    happens outside the lock. ``directory`` belongs on a local disk (``flock`` on a
    network file system is not dependable), and processes on other machines do not see
    these files: a deployment with workers on several machines needs
    :class:`RedisRateLimiter`.

    The default clock is ``time.monotonic``: on Linux it is CLOCK_MONOTONIC, one clock
    for the whole machine that NTP never steps, so all processes agree on the windows.
    ``clock`` and ``sleep`` are injectable for tests on a simulated clock.
    """

    # The log is stored as little-endian doubles, oldest first. Whole binary numbers keep
    # the times exact, and one small pwrite replaces the log in a single step.
    _RECORD = struct.Struct("<d")

    def __init__(
        self,
        directory: str | os.PathLike[str],
        limits: Sequence[RateLimit] = DEFAULT_LIMITS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.directory = os.fspath(directory)
        self.limits = tuple(limits)
        self._clock = clock
        self._sleep = sleep
        self._longest = max(rule.window for rule in self.limits)
        self._deepest = max(rule.limit for rule in self.limits)

    def __repr__(self) -> str:
        return f"FileRateLimiter({self.directory!r}, limits={self.limits!r})"

    def path_for(self, key: str) -> str:
        """The file holding ``key``'s log: a hash of the key, so any key is a safe name."""
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return os.path.join(self.directory, f"{digest}.log")

    def _read(self, fd: int, now: float) -> list[float]:
        size = os.fstat(fd).st_size
        data = os.pread(fd, size, 0) if size else b""
        usable = len(data) - len(data) % self._RECORD.size
        log = [value for (value,) in self._RECORD.iter_unpack(data[:usable])]
        # Keep what lies in the longest window. A time after ``now`` cannot come from this
        # clock on this boot (a reboot restarts the monotonic clock); dropping it keeps a
        # stale file from blocking a tenant, and NaN or infinities from a damaged file go too.
        return sorted(t for t in log if math.isfinite(t) and now - self._longest < t <= now)[
            -self._deepest :
        ]

    def _write(self, fd: int, log: Sequence[float]) -> None:
        data = b"".join(self._RECORD.pack(t) for t in log)
        os.pwrite(fd, data, 0)
        # Truncate only after writing: a crash in between leaves extra old times, which
        # can only make the limiter stricter, never let an extra request through.
        os.ftruncate(fd, len(data))

    def try_acquire(self, key: str) -> float:
        """Take a slot and return 0, or take nothing and return the seconds to wait."""
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        fd = os.open(self.path_for(key), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # The clock is read under the lock, so the times in the file are ascending.
            now = self._clock()
            log = self._read(fd, now)
            wait = _wait_needed(log, self.limits, now)
            if wait > 0:
                return wait
            log.append(now)
            self._write(fd, log[-self._deepest :])
            return 0.0
        finally:
            # Closing the only descriptor of this open file releases the flock.
            os.close(fd)

    def acquire(self, key: str) -> None:
        """Wait (outside the lock) until a slot is free in the file, then take it."""
        while (wait := self.try_acquire(key)) > 0:
            self._sleep(wait)


# One atomic step of the shared sliding window log. Redis's own clock (TIME) is used so
# that processes on machines with skewed clocks still agree on the windows. Times are
# whole microseconds (exact in a Lua double up to 2**53, i.e. for centuries); they are
# turned into text with %.0f because Lua's own number-to-string keeps only 14 digits.
# KEYS[1] = sorted set of request times, KEYS[2] = sequence making members unique.
# ARGV = limit1, window1_us, limit2, window2_us, ...
_ACQUIRE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local longest = 0
local wait = 0
for i = 1, #ARGV, 2 do
  local limit = tonumber(ARGV[i])
  local window = tonumber(ARGV[i + 1])
  if window > longest then longest = window end
  local count = redis.call('ZCOUNT', KEYS[1], '(' .. string.format('%.0f', now - window), '+inf')
  if count >= limit then
    local entry = redis.call('ZREVRANGE', KEYS[1], limit - 1, limit - 1, 'WITHSCORES')
    local needed = tonumber(entry[2]) + window - now
    if needed > wait then wait = needed end
  end
end
if wait > 0 then
  return wait
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - longest))
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], string.format('%.0f', now), string.format('%.0f', now) .. ':' .. seq)
local ttl = math.ceil(longest / 1000) + 1000
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 0
"""


class RedisRateLimiter:
    """A sliding window log per key in Redis, shared by every process and machine.

    Each acquisition runs one Lua script, so checking the windows and recording the
    request is atomic: two processes can never both take the last free slot.
    """

    def __init__(
        self,
        client: redis.Redis[Any],
        limits: Sequence[RateLimit] = DEFAULT_LIMITS,
        *,
        prefix: str = "bokslut:fortnox:ratelimit:",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = tuple(limits)
        self.prefix = prefix
        self._sleep = sleep
        self._script = client.register_script(_ACQUIRE_SCRIPT)
        self._args: list[int] = []
        for rule in self.limits:
            self._args += [rule.limit, round(rule.window * 1_000_000)]

    def __repr__(self) -> str:
        return f"RedisRateLimiter(limits={self.limits!r}, prefix={self.prefix!r})"

    def try_acquire(self, key: str) -> float:
        """Take a slot and return 0, or take nothing and return the seconds to wait."""
        base = self.prefix + key
        wait_us = self._script(keys=[base, base + ":seq"], args=self._args)
        return int(wait_us) / 1_000_000

    def acquire(self, key: str) -> None:
        """Wait until a slot is free in the shared log, then take it."""
        while (wait := self.try_acquire(key)) > 0:
            self._sleep(wait)
