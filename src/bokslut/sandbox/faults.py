"""Injectable faults: latency, 429 bursts, 5xx, timeouts, truncated bodies, lost answers to
writes, a page-size cap."""

from __future__ import annotations

import enum
import random
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal

from bokslut.sandbox.errors import ErrorStyle
from bokslut.sandbox.jsonio import JsonValue

__all__ = ["FaultConfig", "FaultKind", "Faults"]


class FaultKind(enum.StrEnum):
    """What goes wrong with one request."""

    RATE_LIMITED = "429"
    SERVER_ERROR = "5xx"
    TIMEOUT = "timeout"
    TRUNCATED = "truncated"


@dataclass(slots=True)
class FaultConfig:
    """The fault settings; ``*_next`` counters hit the next N API requests, rates hit at random.

    ``latency_ms`` is a uniform range ``[low, high]`` added to every API request.
    """

    latency_ms: tuple[float, float] | None = None
    burst_429: int = 0
    error_next: int = 0
    error_rate: float = 0.0
    error_status: int = 500
    timeout_next: int = 0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    truncate_next: int = 0
    truncate_rate: float = 0.0
    #: The next N writes (POST/PUT/PATCH/DELETE) are carried out in full — a voucher is
    #: booked — and then the connection is cut before any answer: the case where a client
    #: cannot tell whether its request landed.
    lose_answer_next: int = 0
    page_size_cap: int | None = None
    error_style: ErrorStyle = ErrorStyle.DOCUMENTED
    #: Answer OAuth errors as text/plain, as Fortnox sometimes does.
    oauth_plain_errors: bool = False
    seed: int = 0

    def to_json(self) -> JsonValue:
        """The settings as plain JSON values."""
        data = asdict(self)
        data["latency_ms"] = list(self.latency_ms) if self.latency_ms else None
        data["error_style"] = str(self.error_style)
        return {key: _plain(value) for key, value in data.items()}


def _plain(value: object) -> JsonValue:
    if isinstance(value, float):
        # Fault settings are not money; render them via their shortest text, never float math.
        return Decimal(repr(value))
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class Faults:
    """Thread-safe holder of the fault settings that decides each request's fate."""

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self.config = config or FaultConfig()
        self._rng = random.Random(self.config.seed)

    def update(self, changes: Mapping[str, JsonValue]) -> FaultConfig:
        """Merge ``changes`` (field names of :class:`FaultConfig`) into the settings."""
        names = {f.name for f in fields(FaultConfig)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        with self._lock:
            for name, value in changes.items():
                setattr(self.config, name, _coerce(name, value))
            if "seed" in changes:
                self._rng = random.Random(self.config.seed)
            return self.config

    def reset(self) -> None:
        """Back to a healthy server."""
        with self._lock:
            self.config = FaultConfig()
            self._rng = random.Random(0)

    def latency(self) -> float:
        """Seconds to wait before answering this request."""
        with self._lock:
            span = self.config.latency_ms
            if not span:
                return 0.0
            return self._rng.uniform(span[0], span[1]) / 1000.0

    def lose_answer(self, method: str) -> bool:
        """Whether the answer to this request is lost after it was carried out.

        Only writes count: a lost GET answer is a timeout or a cut body, which the other
        faults already give, and a read must not use up a count meant for the write after it.
        """
        if method == "GET":
            return False
        with self._lock:
            if self.config.lose_answer_next > 0:
                self.config.lose_answer_next -= 1
                return True
            return False

    def decide(self) -> FaultKind | None:
        """The fault for the next API request, consuming one ``*_next`` count if any."""
        with self._lock:
            c = self.config
            if c.burst_429 > 0:
                c.burst_429 -= 1
                return FaultKind.RATE_LIMITED
            if c.error_next > 0:
                c.error_next -= 1
                return FaultKind.SERVER_ERROR
            if c.timeout_next > 0:
                c.timeout_next -= 1
                return FaultKind.TIMEOUT
            if c.truncate_next > 0:
                c.truncate_next -= 1
                return FaultKind.TRUNCATED
            for rate, kind in (
                (c.error_rate, FaultKind.SERVER_ERROR),
                (c.timeout_rate, FaultKind.TIMEOUT),
                (c.truncate_rate, FaultKind.TRUNCATED),
            ):
                if rate > 0 and self._rng.random() < rate:
                    return kind
            return None


def _coerce(name: str, value: JsonValue) -> object:
    if name == "latency_ms":
        if value is None:
            return None
        low, high = (float(v) for v in value)
        if low < 0 or high < low:
            raise ValueError("latency_ms must be [low, high] with 0 <= low <= high")
        return (low, high)
    if name == "error_style":
        return ErrorStyle(str(value))
    if name in ("error_rate", "timeout_rate", "truncate_rate", "timeout_seconds"):
        number = float(value)
        if number < 0 or (name != "timeout_seconds" and number > 1):
            raise ValueError(f"{name} out of range: {value}")
        return number
    if name == "error_status":
        status = int(value)
        if not 500 <= status <= 599:
            raise ValueError("error_status must be a 5xx status")
        return status
    if name == "page_size_cap":
        return None if value is None else int(value)
    if name == "oauth_plain_errors":
        return bool(value)
    return int(value)
