"""Starting syncs and following them: the queued task, then the recorded run."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django_tasks import TaskResult, TaskResultStatus
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from bokslut.api.access import client_or_404, run_or_404
from bokslut.api.auth import api_user
from bokslut.api.schemas import (
    ERRORS,
    AreaCountOut,
    AreaProgressOut,
    ErrorOut,
    ProgressOut,
    SyncRunDetailOut,
    SyncRunOut,
    SyncStartIn,
    SyncTaskOut,
)
from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.automation.tasks import sync_client
from bokslut.integrations.models import Connection
from bokslut.sync.models import SyncRun
from bokslut.sync.run_progress import ENGINE_ORDER, run_area_progress
from bokslut.sync.selectors import run_list

router = Router(tags=["synkning"])


class RunFilters(Schema):
    """Paging of the run list."""

    limit: int = Field(50, ge=1, le=200)


@router.post(
    "/clients/{client_id}/syncs",
    response={202: SyncTaskOut, 409: ErrorOut, **ERRORS},
    summary="Starta en synkning",
)
def sync_start(request: HttpRequest, client_id: int, payload: SyncStartIn) -> Status[SyncTaskOut]:
    """Queue a sync of the client; a worker runs it. Answers 202 with the task to poll.

    The body ``{}`` syncs the client's own areas incrementally.
    """
    user = api_user(request)
    client = client_or_404(user=user, client_id=client_id)
    connection = Connection.objects.filter(client=client).first()
    if connection is None or not connection.can_sync:
        # Queuing it anyway would only record a failed run; say why now instead.
        raise HttpError(409, f"{client.name} har ingen aktiv Fortnox-koppling att synka.")
    areas = [str(a.value) for a in payload.areas] if payload.areas is not None else None
    # Like the web's Synkronisera button: the firm must be able to tell who started what.
    audit_record(
        firm=client.firm,
        user=user,
        action=AuditEvent.Action.SYNC,
        client=client,
        details={
            "event": "start",
            "trigger": SyncRun.Trigger.API.value,
            "areas": areas,
            "full": payload.full,
        },
    )
    result = sync_client.enqueue(
        client_id=client.pk,
        areas=areas,
        full=payload.full,
        trigger=SyncRun.Trigger.API.value,
        user_id=user.pk,
    )
    return Status(202, _task_out(client.pk, result))


@router.get(
    "/clients/{client_id}/sync-tasks/{task_id}",
    response={200: SyncTaskOut, **ERRORS},
    summary="En köad synkning",
)
def sync_task_detail(request: HttpRequest, client_id: int, task_id: str) -> SyncTaskOut:
    """Where a queued sync stands; ``run_id`` names its run once it has finished."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    try:
        result = sync_client.get_result(task_id)
    except Exception as exc:
        # Unknown ids, malformed ids and other tasks' ids all look the same: not found.
        raise Http404("Jobbet finns inte.") from exc
    if result.kwargs.get("client_id") != client.pk:
        raise Http404("Jobbet finns inte.")
    return _task_out(client.pk, result)


def _task_out(client_id: int, result: TaskResult[Any]) -> SyncTaskOut:
    run_id: int | None = None
    error = ""
    if result.status == TaskResultStatus.SUCCESSFUL:
        value = result.return_value
        if isinstance(value, dict) and isinstance(value.get("run_id"), int):
            run_id = value["run_id"]
    elif result.status == TaskResultStatus.FAILED and result.errors:
        # The last traceback line is "module.SyncFailed: <the Swedish reason>".
        last_line = result.errors[-1].traceback.strip().splitlines()[-1:]
        error = last_line[0].partition(": ")[2] if last_line else ""
    return SyncTaskOut(
        task_id=str(result.id),
        client_id=client_id,
        status=str(result.status),
        run_id=run_id,
        error=error,
        enqueued_at=result.enqueued_at,
        finished_at=result.finished_at,
    )


@router.get(
    "/clients/{client_id}/syncs",
    response={200: list[SyncRunOut], **ERRORS},
    summary="Synkningar",
)
def sync_runs_list(
    request: HttpRequest, client_id: int, filters: Query[RunFilters]
) -> list[SyncRunOut]:
    """The client's sync runs, newest first."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    return [_run_out(run) for run in run_list(client=client)[: filters.limit]]


@router.get(
    "/clients/{client_id}/syncs/{run_id}",
    response={200: SyncRunDetailOut, **ERRORS},
    summary="En synkning",
)
def sync_runs_detail(request: HttpRequest, client_id: int, run_id: int) -> SyncRunDetailOut:
    """One run: progress, counts per area, path per year, requests per endpoint."""
    client = client_or_404(user=api_user(request), client_id=client_id)
    run = run_or_404(client=client, run_id=run_id)
    base = _run_out(run).model_dump()
    counts = run.counts if isinstance(run.counts, dict) else {}
    return SyncRunDetailOut(
        **base,
        areas=[str(a) for a in run.areas or []],
        # In the engine's order: PostgreSQL's jsonb does not keep the order keys were written.
        counts=[
            AreaCountOut(area=str(area), **_int_fields(numbers))
            for area, numbers in sorted(counts.items(), key=lambda item: _area_rank(item[0]))
            if isinstance(numbers, dict)
        ],
        paths={str(k): str(v) for k, v in (run.paths or {}).items()},
        requests={
            str(endpoint): _number_fields(stats)
            for endpoint, stats in (run.requests or {}).items()
            if isinstance(stats, dict)
        },
        bytes_total=run.bytes_total,
        warnings=[str(w) for w in run.warnings or []],
    )


def _run_out(run: SyncRun) -> SyncRunOut:
    progress = run.progress if isinstance(run.progress, dict) else {}
    return SyncRunOut(
        id=run.pk,
        status=run.status,
        trigger=run.trigger,
        full=run.full,
        queued_at=run.queued_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        request_total=run.request_total,
        error=run.error,
        progress=ProgressOut(
            area=_str_or_none(progress.get("area")),
            done=_int_or_none(progress.get("done")),
            total=_int_or_none(progress.get("total")),
            areas=[
                AreaProgressOut(area=area, state=p.state.value, done=p.done, total=p.total)
                for area, p in run_area_progress(run)
            ],
        ),
    )


def _area_rank(area: object) -> tuple[int, str]:
    """Known areas in the engine's order, then any other key by name."""
    name = str(area)
    return (ENGINE_ORDER.index(name), "") if name in ENGINE_ORDER else (len(ENGINE_ORDER), name)


def _int_fields(numbers: dict[str, Any]) -> dict[str, int]:
    wanted = ("new", "changed", "unchanged", "removed")
    return {k: int(v) for k, v in numbers.items() if k in wanted and isinstance(v, int)}


def _number_fields(stats: dict[str, Any]) -> dict[str, float]:
    # Request statistics (counts, bytes, seconds) are measurements, not money.
    return {str(k): float(v) for k, v in stats.items() if isinstance(v, int | float)}


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
