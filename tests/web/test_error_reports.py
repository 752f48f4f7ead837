"""Error pages (DEBUG) and error mails show no bearer token, cookie or secret local variable."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core import mail
from django.test import RequestFactory, override_settings
from django.utils.log import AdminEmailHandler
from django.views.debug import (
    ExceptionReporter,
    SafeExceptionReporterFilter,
    get_default_exception_reporter_filter,
)

from bokslut.web.error_reports import BokslutExceptionReporterFilter

BEARER = "bks_live_4f1c9a2e7d3b8c6a0e5f"
SESSION_ID = "sessionid-9d8c7b6a5f4e3d2c1b0a"
CSRF = "csrf-cookie-1a2b3c4d5e6f7a8b"
DEVICE = "remember-device-77aa88bb99cc"
FORTNOX_TOKEN = "fortnox-access-0d1e2f3a4b5c"
DB_PASSWORD = "pg-pass-5e6f7a8b9c"
SECRETS = (BEARER, SESSION_ID, CSRF, DEVICE, FORTNOX_TOKEN, DB_PASSWORD)


def failing_view(request: Any) -> None:
    """A view that fails with secrets in its locals, as integration code might."""
    session = request.session
    access_token = FORTNOX_TOKEN
    harmless = "visible-local-value"
    raise RuntimeError(f"boom {harmless} {len(access_token)} {len(session.keys())}")


def request_with_secrets() -> Any:
    request = RequestFactory().get(
        "/api/clients/1/syncs",
        HTTP_AUTHORIZATION=f"Bearer {BEARER}",
        HTTP_COOKIE=f"sessionid={SESSION_ID}; csrftoken={CSRF}; device={DEVICE}",
        # The development server's environ carries the process environment.
        BOKSLUT_DATABASE_URL=f"postgres://bokslut:{DB_PASSWORD}@db.internal/bokslut",
    )
    request.COOKIES = {"sessionid": SESSION_ID, "csrftoken": CSRF, "device": DEVICE}
    request.session = SessionStore()
    return request


def report(request: Any, reporter_filter: Any = None) -> tuple[str, str]:
    try:
        failing_view(request)
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        if reporter_filter is not None:
            reporter.filter = reporter_filter
        return reporter.get_traceback_html(), reporter.get_traceback_text()
    raise AssertionError("the view did not fail")


def test_the_project_uses_the_bokslut_filter() -> None:
    assert isinstance(get_default_exception_reporter_filter(), BokslutExceptionReporterFilter)


@pytest.mark.parametrize("debug", [True, False])
def test_neither_the_debug_page_nor_the_text_report_shows_secrets(debug: bool) -> None:
    with override_settings(DEBUG=debug):
        html, text = report(request_with_secrets())

    for page in (html, text):
        for secret in SECRETS:
            assert secret not in page
        assert "visible-local-value" in page  # the report is still useful
    assert "HTTP_AUTHORIZATION" in html
    assert "device" in html  # the cookie is listed, its value is not


def test_the_default_filter_would_have_shown_them() -> None:
    # Proves the test above can fail: Django's own filter lets these through (it already
    # hides the Authorization header and the session and CSRF cookies by name).
    html, _ = report(request_with_secrets(), SafeExceptionReporterFilter())

    assert DEVICE in html
    assert FORTNOX_TOKEN in html
    assert DB_PASSWORD in html
    assert BEARER not in html


@override_settings(ADMINS=[("Drift", "drift@byran.example")], DEBUG=False)
def test_an_error_mail_shows_no_secrets() -> None:
    request = request_with_secrets()
    handler = AdminEmailHandler(include_html=True)
    try:
        failing_view(request)
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
        record.request = request
        record.status_code = 500
        handler.emit(record)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    bodies = [message.body, *(str(content) for content, _ in message.alternatives)]
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body
