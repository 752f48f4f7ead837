"""No Fortnox credential reaches a log line, a page or an API answer.

One client is connected to the sandbox over real HTTP, its access token is expired so that
the sync must refresh it, and a sync started over the API runs in-process in the worker.
Every log record of every logger (DEBUG, httpx and httpcore included) and every page and
API answer is searched for the authorization code, the client secret and each access and
refresh token: whole and as any 12-character piece.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from bokslut.api.tokens import token_create
from bokslut.firms.models import Client
from bokslut.integrations.models import Connection
from bokslut.integrations.tokens import DatabaseTokenStore
from bokslut.sandbox import RunningSandbox, demo_company, run_in_thread
from bokslut.sync.models import SyncRun

from .conftest import signed_in
from .test_fortnox_pages import (
    TESTSERVER_CALLBACK,
    approve_consent,
    client_1001,
    control,
    member,
    point_at_sandbox,
)

__all__ = ["client_1001", "member"]  # fixtures shared with the Fortnox page tests

#: Our app's credentials at this sandbox: random, so that no fixed text can match by chance.
CLIENT_ID = "bokslut-logs-" + secrets.token_hex(4)
CLIENT_SECRET = "cs-" + secrets.token_hex(20)

PIECE = 12


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    running = run_in_thread(
        [demo_company(1001, vouchers_per_year=15)], client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    yield running
    running.stop()


@pytest.fixture
def fortnox(settings: Any, sandbox: RunningSandbox) -> RunningSandbox:
    point_at_sandbox(settings, sandbox, TESTSERVER_CALLBACK)
    settings.BOKSLUT_FORTNOX_CLIENT_ID = CLIENT_ID
    settings.BOKSLUT_FORTNOX_CLIENT_SECRET = CLIENT_SECRET
    return sandbox


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG for the root and every logger, also those that do not propagate."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    loggers += [logging.getLogger(name) for name in ("httpx", "httpcore", "django_tasks_db")]
    levels = {lg: lg.level for lg in loggers}
    caplog.set_level(logging.DEBUG)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    lonely = [lg for lg in loggers if not lg.propagate]
    for lg in lonely:
        lg.addHandler(caplog.handler)
    yield caplog
    for lg in lonely:
        lg.removeHandler(caplog.handler)
    for lg, level in levels.items():
        lg.setLevel(level)


@contextmanager
def as_the_browser(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Drop the records of the test's own HTTP calls (the person at Fortnox's consent page,
    the sandbox's control API): the browser is given the code; our app must not log it."""
    before = len(caplog.records)
    yield
    del caplog.handler.records[before:]


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for the record: message, arguments, extras, traceback."""
    handler = logging.Handler()
    handler.setFormatter(logging.Formatter())
    return "\n".join([handler.format(record), repr(record.args), repr(vars(record))])


def leaks(secret: str, text: str) -> list[str]:
    """The pieces of ``secret`` (the whole of it, or any 12 characters in a row) in ``text``."""
    pieces = {secret[i : i + PIECE] for i in range(max(1, len(secret) - PIECE + 1))}
    return sorted(p for p in pieces | {secret} if p in text)


@pytest.mark.django_db(transaction=True)
def test_no_credential_reaches_a_log_record_a_page_or_an_api_answer(
    fortnox: RunningSandbox, member: User, client_1001: Client, every_log: Any
) -> None:
    http = signed_in(member)
    answers: list[str] = []

    start = http.post(reverse("web:fortnox_connect", args=[client_1001.pk]))
    with as_the_browser(every_log):
        callback = approve_consent(fortnox, start["Location"])
    code = parse_qs(urlsplit(callback).query)["code"][0]
    landed = http.get(callback.removeprefix("http://testserver"), follow=True)
    assert "anslutet till Fortnox" in landed.text
    answers.append(landed.text)
    connection = Connection.objects.get(client=client_1001)
    first = DatabaseTokenStore(connection.pk).load()
    assert first is not None
    assert first.refresh_token

    # The access token runs out: the sync must use the refresh token to get a new pair.
    with as_the_browser(every_log):
        control(fortnox, "POST", "tokens/expire", {"tenant": 1001})
    _, api_token = token_create(user=member, name="loggtest")
    api = {"HTTP_AUTHORIZATION": f"Bearer {api_token}"}
    base = f"/api/clients/{client_1001.pk}"
    queued = http.post(base + "/syncs", data={}, content_type="application/json", **api)
    assert queued.status_code == 202, queued.text
    call_command("worker", "--burst", verbosity=3, stdout=StringIO(), stderr=StringIO())

    run = SyncRun.objects.get(client=client_1001)
    assert run.status == SyncRun.Status.DONE, run.error
    second = DatabaseTokenStore(connection.pk).load()
    assert second is not None
    assert second.refresh_token
    assert second.access_token != first.access_token, "the sync did not refresh the token"
    assert second.refresh_token != first.refresh_token

    for name in ("fortnox_integrations", "fortnox_settings", "sync", "sync_progress"):
        answers.append(http.get(reverse(f"web:{name}", args=[client_1001.pk])).text)
    answers.append(http.get(reverse("web:sync_run", args=[client_1001.pk, run.pk])).text)
    task = queued.json()["task_id"]
    for path in ("", "/connection", "/syncs", f"/syncs/{run.pk}", f"/sync-tasks/{task}"):
        answer = http.get(base + path, **api)
        assert answer.status_code == 200, path
        answers.append(answer.text + repr(dict(answer.headers)))

    records = every_log.records
    assert any(r.name.startswith("httpx") for r in records), "httpx was not captured"
    assert any(r.name.startswith("httpcore") for r in records), "httpcore was not captured"
    haystack = "\n".join([*map(record_text, records), *answers])
    credentials = {
        "authorization code": code,
        "client secret": CLIENT_SECRET,
        "first access token": first.access_token,
        "first refresh token": first.refresh_token,
        "refreshed access token": second.access_token,
        "refreshed refresh token": second.refresh_token,
    }
    found = {what: leaks(value, haystack) for what, value in credentials.items()}
    assert found == {what: [] for what in credentials}
