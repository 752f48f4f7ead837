"""Archive every response of a run, compressed, so each synced value traces to its source."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from bokslut.sync.models import SyncPayload, SyncRun

__all__ = ["Archive", "payload_bytes"]

_CHUNK = 1 << 20


def _json_default(value: object) -> Any:
    # Amounts stay exact: written as their decimal text, never through float.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot archive {type(value).__name__}")


class Archive:
    """Stores the payloads of one :class:`SyncRun`."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run

    def json(
        self, endpoint: str, params: Mapping[str, Any], body: object, *, status: int = 200
    ) -> SyncPayload:
        """Archive a JSON answer (a list call's items are archived as one document)."""
        raw = json.dumps(body, default=_json_default, ensure_ascii=False, sort_keys=True).encode(
            "utf-8"
        )
        return SyncPayload.objects.create(
            run=self.run,
            endpoint=endpoint,
            params=dict(params),
            status=status,
            content_type="application/json",
            body=zlib.compress(raw, 6),
            sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
        )

    def file(self, endpoint: str, params: Mapping[str, Any], path: Path) -> SyncPayload:
        """Archive a downloaded file (a SIE export), compressing it once as it is read."""
        digest = hashlib.sha256()
        compressor = zlib.compressobj(6)
        parts: list[bytes] = []
        size = 0
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                parts.append(compressor.compress(chunk))
        parts.append(compressor.flush())
        return SyncPayload.objects.create(
            run=self.run,
            endpoint=endpoint,
            params=dict(params),
            status=200,
            content_type="text/plain; charset=cp437",
            body=b"".join(parts),
            sha256=digest.hexdigest(),
            size=size,
        )


def payload_bytes(payload: SyncPayload) -> bytes:
    """The archived response body, uncompressed."""
    return zlib.decompress(bytes(payload.body))
