"""Writers for the registers: make a client's rows of one model equal what Fortnox says."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.utils import timezone

from bokslut.firms.models import Client
from bokslut.ledger.models import Source
from bokslut.ledger.summary import KindCounts
from bokslut.registers.models import SyncedRow
from bokslut.sync.models import SyncPayload

__all__ = ["register_sync"]

M = TypeVar("M", bound=SyncedRow)
Values = Mapping[str, Any]


def register_sync(
    *,
    model: type[M],
    client: Client,
    key: str,
    desired: Mapping[Any, Values],
    source: Source,
    payload: SyncPayload | None,
    remove_missing: bool,
    scope: Mapping[str, Any] | None = None,
    on_change: Callable[[str, Any], None] | None = None,
) -> KindCounts:
    """Upsert ``desired`` (key value → field values) into ``model`` rows of ``client``.

    Unchanged rows keep their source and payload: their values still come from the
    response that first brought them. ``remove_missing`` deletes rows Fortnox no longer
    lists (only when ``desired`` is a complete listing, never for a ``lastmodified`` delta).
    ``scope`` narrows the rows considered (e.g. one financial year's series).
    ``on_change(kind, key)`` hears every new, changed and removed key.
    """
    counts = KindCounts()
    now = timezone.now()
    rows = model._default_manager.filter(client=client, **(scope or {}))
    existing: dict[Any, M] = {getattr(row, key): row for row in rows}
    fields = sorted({name for values in desired.values() for name in values})
    to_create: list[M] = []
    to_update: list[M] = []
    for identity, values in desired.items():
        row = existing.get(identity)
        if row is None:
            to_create.append(
                model(
                    client=client,
                    source=source,
                    payload=payload,
                    **{key: identity},
                    **(scope or {}),
                    **values,
                )
            )
            counts.new += 1
            _tell(on_change, "new", identity)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.source = source
            row.payload = payload
            row.updated_at = now
            to_update.append(row)
            counts.changed += 1
            _tell(on_change, "changed", identity)
        else:
            counts.unchanged += 1
    model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(
            to_update, [*fields, "source", "payload", "updated_at"], batch_size=500
        )
    if remove_missing:
        gone = [identity for identity in existing if identity not in desired]
        if gone:
            rows.filter(**{f"{key}__in": gone}).delete()
            counts.removed += len(gone)
            for identity in gone:
                _tell(on_change, "removed", identity)
    return counts


def _tell(on_change: Callable[[str, Any], None] | None, kind: str, identity: Any) -> None:
    if on_change is not None:
        on_change(kind, identity)


def keyed(items: Iterable[tuple[Any, Values]]) -> dict[Any, Values]:
    """A dict from ``(key, values)`` pairs; the last one wins, as a re-listed item would."""
    return dict(items)
