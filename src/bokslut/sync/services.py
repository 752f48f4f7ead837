"""Start and record syncs: :func:`sync_run` is what tasks, the CLI and the UI call."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from bokslut import fortnox as fx
from bokslut.firms.models import Client
from bokslut.ledger.importer import SieImportError
from bokslut.sync.engine import Progress, SyncEngine
from bokslut.sync.models import SyncRun
from bokslut.sync.options import SyncOptions, options_from_settings
from bokslut.sync.signals import sync_finished
from bokslut.sync.streams import normalise_areas

__all__ = ["SyncNotPossible", "sync_run"]

logger = logging.getLogger(__name__)


class SyncNotPossible(Exception):
    """The client cannot be synced now (no active connection …); the message is Swedish."""


def sync_run(
    *,
    client: Client,
    areas: Iterable[object] | None = None,
    full: bool = False,
    trigger: str = SyncRun.Trigger.MANUAL,
    user: Any = None,
    progress: Progress | None = None,
    fortnox: fx.FortnoxClient | None = None,
    options: SyncOptions | None = None,
    run: SyncRun | None = None,
) -> SyncRun:
    """Sync ``client`` from Fortnox and return the recorded :class:`SyncRun`.

    ``areas`` (names or ``Area`` members; default: the client's effective areas) limit
    what is fetched; ``full`` re-reads every year in bulk and reports what differs,
    deletions included. Without ``fortnox`` the client's connection is used (and its
    status updated); ``options`` default to the client's sync settings. An existing
    ``run`` (e.g. created as queued) is reused. Errors do not raise: the run is recorded
    as failed with a Swedish message, and years already written stay written.
    Call outside any transaction: each year commits on its own.
    """
    run = run or SyncRun(client=client)
    run.client = client
    run.trigger = str(getattr(trigger, "value", trigger))
    run.started_by = user if getattr(user, "pk", None) is not None else None
    run.full = full
    run.status = SyncRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save()
    connection = None
    before: dict[str, fx.EndpointStats] = {}
    client_api: fx.FortnoxClient | None = fortnox
    try:
        with _fortnox_for(client, fortnox) as (client_api, connection):
            before = client_api.stats.by_endpoint()
            chosen = _areas_for(client, areas, connection is not None)
            run.areas = chosen
            run.save(update_fields=["areas", "trigger", "started_by", "full", "status"])
            engine = SyncEngine(
                run=run,
                client=client,
                fortnox=client_api,
                areas=chosen,
                full=full,
                options=options or _options_for(client),
                progress=progress,
            )
            outcome: BaseException | None = None
            try:
                engine.execute()
            except Exception as error:
                outcome = error
                raise
            finally:
                run.counts = engine.diff.counts
                # Before the count, so the requests a re-detection makes are the run's too.
                _refresh_licences(run, engine, client_api, connection, outcome)
                _record_requests(run, client_api, before)
        run.status = SyncRun.Status.DONE
        _connection_success(connection)
    except Exception as error:
        run.status = SyncRun.Status.FAILED
        run.error = swedish_error(error)
        if not isinstance(error, fx.FortnoxError | SyncNotPossible | SieImportError):
            logger.exception("sync of client %s failed", client.pk)
        _connection_error(connection, error, run)
    run.finished_at = timezone.now()
    run.save()
    _send_finished(run)
    return run


def swedish_error(error: BaseException) -> str:
    """The reason a run failed, in Swedish, fit to show an accountant."""
    if isinstance(error, fx.FortnoxError):
        return str(getattr(error, "user_message", "") or error)
    if isinstance(error, SyncNotPossible):
        return str(error)
    if isinstance(error, SieImportError):
        first = "; ".join(issue.message_sv for issue in error.issues[:3])
        return f"SIE-filen från Fortnox kunde inte läsas in: {first}"
    return f"Oväntat fel under synken: {error}"


# -- collaborators -----------------------------------------------------------------------------


@contextlib.contextmanager
def _fortnox_for(
    client: Client, fortnox: fx.FortnoxClient | None
) -> Iterator[tuple[fx.FortnoxClient, Any]]:
    """The given API client, or one for the client's connection (closed afterwards)."""
    if fortnox is not None:
        yield fortnox, None
        return
    try:
        from bokslut.integrations.clients import fortnox_client_for
        from bokslut.integrations.connections import connection_assert_can_sync
        from bokslut.integrations.models import Connection
    except ImportError as error:  # pragma: no cover -- the app ships with the project
        raise SyncNotPossible("Fortnox-kopplingar saknas i den här installationen.") from error
    connection = Connection.objects.filter(client=client).first()
    if connection is None:
        raise SyncNotPossible(f"{client.name} är inte ansluten till Fortnox.")
    try:
        connection_assert_can_sync(connection=connection)
    except Exception as error:
        raise SyncNotPossible(str(error)) from error
    with fortnox_client_for(connection=connection) as api:
        yield api, connection


def _areas_for(client: Client, areas: Iterable[object] | None, enforce: bool) -> list[str]:
    """The areas to sync; with a connection, never more than the plan and licences allow."""
    wanted = normalise_areas(areas) if areas is not None else None
    if not enforce:
        return wanted if wanted is not None else normalise_areas(None)
    from bokslut.integrations.sync_settings import effective_areas

    allowed = normalise_areas(effective_areas(client=client))
    if wanted is None:
        return allowed
    return [a for a in wanted if a in allowed]


def _options_for(client: Client) -> SyncOptions:
    try:
        from bokslut.integrations.models import SyncSettings
    except ImportError:  # pragma: no cover
        return SyncOptions()
    return options_from_settings(SyncSettings.objects.filter(client=client).first())


def _record_requests(
    run: SyncRun, fortnox: fx.FortnoxClient, before: dict[str, fx.EndpointStats]
) -> None:
    """This run's requests per endpoint (the client's counters may predate the run)."""
    report: dict[str, dict[str, Any]] = {}
    for endpoint, stats in fortnox.stats.by_endpoint().items():
        earlier = before.get(endpoint, fx.EndpointStats())
        requests = stats.requests - earlier.requests
        if requests <= 0:
            continue
        report[endpoint] = {
            "requests": requests,
            "retries": stats.retries - earlier.retries,
            "bytes": stats.bytes_received - earlier.bytes_received,
            "seconds": round(stats.seconds - earlier.seconds, 3),
        }
    run.requests = report
    run.request_total = sum(r["requests"] for r in report.values())
    run.bytes_total = sum(r["bytes"] for r in report.values())


def _connection_success(connection: Any) -> None:
    if connection is None:
        return
    from bokslut.integrations.connections import connection_record_success

    connection_record_success(connection=connection)


def _connection_error(connection: Any, error: BaseException, run: SyncRun) -> None:
    if connection is None:
        return
    from bokslut.integrations.connections import connection_record_error

    connection_record_error(connection=connection, error=error, failures=1 + _failed_before(run))


def _failed_before(run: SyncRun) -> int:
    """How many of the client's finished runs before ``run`` failed in a row."""
    earlier = (
        SyncRun.objects.filter(client_id=run.client_id, finished_at__isnull=False)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-pk")
        .values_list("status", flat=True)
    )
    streak = 0
    for status in earlier[:10]:
        if status != SyncRun.Status.FAILED:
            break
        streak += 1
    return streak


def _refresh_licences(
    run: SyncRun,
    engine: SyncEngine,
    fortnox: fx.FortnoxClient,
    connection: Any,
    outcome: BaseException | None,
) -> None:
    """Keep the connection's licences true to what this run met (see the function called).

    Done only when the run ended well or on a missing licence: after any other error the
    probes would likely fail the same way and prove nothing.
    """
    if connection is None:
        return
    licence_error = isinstance(outcome, fx.LicenceMissing)
    if outcome is not None and not licence_error:
        return
    from bokslut.integrations.areas import Area, scope_for
    from bokslut.integrations.connections import connection_refresh_licences

    answered = {scope_for(Area(a)) for a in engine.answered if a in Area.values}
    refused = {scope_for(Area(a)) for a in engine.refused if a in Area.values}
    if licence_error:
        # Which endpoint refused is not known by scope: probe all not seen answering.
        refused |= set(connection.scopes or []) - answered
    try:
        connection_refresh_licences(
            connection=connection, fortnox=fortnox, answered=answered, refused=refused
        )
    except fx.FortnoxError as error:
        logger.warning("licences of client %s not refreshed: %s", run.client_id, error)
        message = f"Fortnox-licenserna kunde inte kontrolleras: {swedish_error(error)}"
        if message not in run.warnings:
            run.warnings.append(message)


def _send_finished(run: SyncRun) -> None:
    """The post-sync hook; a failing receiver becomes a warning, never a failed sync."""
    for receiver, answer in sync_finished.send_robust(sender=SyncRun, run=run):
        if isinstance(answer, Exception):
            logger.error("sync_finished receiver %r failed: %s", receiver, answer)
            run.warnings.append(f"En kontroll efter synken misslyckades: {answer}")
            SyncRun.objects.filter(pk=run.pk).update(warnings=run.warnings)
