"""Request accounting: how many requests each endpoint took, how many bytes, how long."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["EndpointStats", "RequestStats"]


@dataclass(slots=True)
class EndpointStats:
    """Counters of one endpoint (e.g. ``GET /3/vouchers``). Every attempt counts."""

    requests: int = 0
    retries: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0


class RequestStats:
    """Counters per endpoint, safe to update from many threads, readable after a run."""

    def __init__(self) -> None:
        self._endpoints: dict[str, EndpointStats] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RequestStats(requests={self.total().requests})"

    def record(
        self,
        endpoint: str,
        *,
        status: int | None,
        bytes_sent: int,
        bytes_received: int,
        seconds: float,
        retry: bool,
    ) -> None:
        """Count one attempt; ``status`` is ``None`` when no response came."""
        with self._lock:
            stats = self._endpoints.setdefault(endpoint, EndpointStats())
            stats.requests += 1
            stats.retries += int(retry)
            stats.bytes_sent += bytes_sent
            stats.bytes_received += bytes_received
            stats.seconds += seconds
            if status is None:
                stats.transport_errors += 1
            else:
                stats.statuses[status] += 1

    def add_received(self, endpoint: str, nbytes: int, seconds: float) -> None:
        """Add bytes and time of a streamed body read after its attempt was counted."""
        with self._lock:
            stats = self._endpoints.setdefault(endpoint, EndpointStats())
            stats.bytes_received += nbytes
            stats.seconds += seconds

    def by_endpoint(self) -> dict[str, EndpointStats]:
        """A copy of the counters, keyed by endpoint."""
        with self._lock:
            return {
                name: EndpointStats(
                    s.requests,
                    s.retries,
                    s.bytes_sent,
                    s.bytes_received,
                    s.seconds,
                    Counter(s.statuses),
                    s.transport_errors,
                )
                for name, s in self._endpoints.items()
            }

    def total(self) -> EndpointStats:
        """All endpoints summed."""
        result = EndpointStats()
        for stats in self.by_endpoint().values():
            result.requests += stats.requests
            result.retries += stats.retries
            result.bytes_sent += stats.bytes_sent
            result.bytes_received += stats.bytes_received
            result.seconds += stats.seconds
            result.statuses.update(stats.statuses)
            result.transport_errors += stats.transport_errors
        return result

    def reset(self) -> None:
        """Forget everything counted so far."""
        with self._lock:
            self._endpoints.clear()
