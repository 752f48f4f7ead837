"""CSRF on every form, GET-only pages, and no secret in any page or log line."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from .conftest import PASSWORD, FirmWorld, signed_in
from .test_access import CLIENT_POST_ONLY, UNSCOPED, url_for, web_patterns

#: URL names that only accept POST (each a form or button); not pages to read.
POST_FORMS = {"login", "logout", "set_language"} | CLIENT_POST_ONLY
#: Pages that show a form on GET and save it on POST.
FORM_PAGES = {"client_create", "fortnox_settings"}


def all_pages(world: FirmWorld) -> list[str]:
    return [url_for(p, world) for p in web_patterns() if p.name not in POST_FORMS | {"home"}] + [
        reverse("web:ledger", args=[world.client.pk]) + f"?konto=1930&ar={world.year.pk}"
    ]


@pytest.mark.parametrize("name", sorted(POST_FORMS | FORM_PAGES))
def test_post_without_csrf_token_is_refused(world_a: FirmWorld, name: str) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(world_a.admin, backend="django.contrib.auth.backends.ModelBackend")
    pattern = next(p for p in web_patterns() if p.name == name)
    response = http.post(url_for(pattern, world_a), {"username": "anna", "language": "en"})
    assert response.status_code == 403


def test_every_post_form_on_every_page_carries_a_csrf_token(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    forms = 0
    for url in all_pages(world_a):
        html = http.get(url, follow=True).text
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S):
            forms += 1
            assert 'name="csrfmiddlewaretoken"' in form, url
    assert forms >= 2 * len(all_pages(world_a))  # language and sign-out on every page


def test_read_only_pages_refuse_post(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    for pattern in web_patterns():
        if pattern.name in POST_FORMS | FORM_PAGES | UNSCOPED:
            continue
        assert http.post(url_for(pattern, world_a)).status_code == 405, pattern.name


def test_no_secret_appears_in_pages_or_log_lines(
    world_a: FirmWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    http = HttpClient()
    http.get(reverse("web:login"))
    response = http.post(reverse("web:login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 302
    session_key = http.cookies[settings.SESSION_COOKIE_NAME].value
    secrets = [
        PASSWORD,
        session_key,
        settings.SECRET_KEY,
        getattr(settings, "BOKSLUT_FORTNOX_CLIENT_SECRET", settings.SECRET_KEY),
    ]
    pages = [http.get(url, follow=True).text for url in all_pages(world_a)]
    http.post(reverse("web:login"), {"username": "anna", "password": PASSWORD + "x"})

    for secret in secrets:
        for html in pages:
            assert secret not in html
        for record in caplog.records:
            assert secret not in record.getMessage()


def test_axes_locks_out_after_repeated_failures(world_a: FirmWorld) -> None:
    http = HttpClient()
    url = reverse("web:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert http.post(url, {"username": "anna", "password": "fel"}).status_code == 200
    # The failure that reaches the limit is itself answered with the lockout page.
    assert http.post(url, {"username": "anna", "password": "fel"}).status_code == 429
    locked = http.post(url, {"username": "anna", "password": PASSWORD})
    assert locked.status_code == 429
    assert "För många inloggningsförsök" in locked.text
