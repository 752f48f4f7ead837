"""Nobody reaches another firm's data: every URL pattern is checked with foreign ids."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import URLPattern, get_resolver, reverse

from bokslut.firms.models import Client, Membership
from bokslut.sync.models import SyncRun

from .conftest import PASSWORD, FirmWorld, signed_in

#: URL names that show no client data and need no client id.
UNSCOPED = {"home", "login", "logout", "set_language", "client_list", "client_create"}

#: Client URLs that only take POST (buttons); probing them means posting.
CLIENT_POST_ONLY = {"fortnox_connect", "fortnox_disconnect", "fortnox_confirm", "sync_start"}


def web_patterns() -> list[URLPattern]:
    """Every URL pattern of the web app."""
    resolver = get_resolver()
    namespaced = resolver.namespace_dict["web"][1]
    return [p for p in namespaced.url_patterns if isinstance(p, URLPattern)]


def url_for(pattern: URLPattern, world: FirmWorld) -> str:
    kwargs = {"client_id": world.client.pk, "voucher_id": world.voucher.pk}
    needed = set(pattern.pattern.converters)
    if "run_id" in needed:
        run = SyncRun.objects.filter(client=world.client).first() or SyncRun.objects.create(
            client=world.client, trigger=SyncRun.Trigger.MANUAL
        )
        kwargs["run_id"] = run.pk
    unknown = needed - kwargs.keys()
    assert not unknown, f"{pattern.name}: add ids for {unknown} to this security test"
    return reverse(f"web:{pattern.name}", kwargs={k: kwargs[k] for k in needed})


def fetch(http: HttpClient, pattern: URLPattern, world: FirmWorld, **extra: Any) -> Any:
    """GET the pattern's URL, or POST it when the pattern only takes POST."""
    url = url_for(pattern, world)
    return (http.post if pattern.name in CLIENT_POST_ONLY else http.get)(url, **extra)


def test_every_pattern_is_either_unscoped_or_takes_a_client_id() -> None:
    for pattern in web_patterns():
        if pattern.name not in UNSCOPED:
            assert "client_id" in pattern.pattern.converters, pattern.name


def test_every_client_url_of_another_firm_is_not_found(
    world_a: FirmWorld, world_b: FirmWorld
) -> None:
    http = signed_in(world_b.admin)
    scoped = [p for p in web_patterns() if p.name not in UNSCOPED]
    assert len(scoped) == 14

    for pattern in scoped:
        url = url_for(pattern, world_a)
        response = fetch(http, pattern, world_a, follow=True)
        assert response.status_code in {403, 404}, url
        assert world_a.client.name.encode() not in response.content, url


def test_own_client_urls_answer_200(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    for pattern in web_patterns():
        if pattern.name in {"logout", "set_language"} | CLIENT_POST_ONLY:
            continue
        response = http.get(url_for(pattern, world_a), follow=True)
        assert response.status_code == 200, pattern.name


def test_button_urls_refuse_get(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    buttons = [p for p in web_patterns() if p.name in CLIENT_POST_ONLY]
    assert len(buttons) == len(CLIENT_POST_ONLY)
    for pattern in buttons:
        assert http.get(url_for(pattern, world_a)).status_code == 405, pattern.name


def test_a_voucher_of_another_firm_is_not_found_under_an_own_client(
    world_a: FirmWorld, world_b: FirmWorld
) -> None:
    http = signed_in(world_b.admin)
    url = reverse(
        "web:voucher_detail",
        kwargs={"client_id": world_b.client.pk, "voucher_id": world_a.voucher.pk},
    )
    assert http.get(url).status_code == 404


@pytest.mark.parametrize("page", ["trial_balance", "ledger", "voucher_list"])
def test_a_year_of_another_firm_is_not_found_under_an_own_client(
    world_a: FirmWorld, world_b: FirmWorld, page: str
) -> None:
    http = signed_in(world_b.admin)
    url = reverse(f"web:{page}", kwargs={"client_id": world_b.client.pk})
    assert http.get(url, {"ar": world_a.year.pk}).status_code == 404
    assert http.get(url, {"ar": "inte-ett-id"}).status_code == 404


def test_client_list_shows_only_the_own_firms_clients(
    world_a: FirmWorld, world_b: FirmWorld
) -> None:
    response = signed_in(world_b.admin).get(reverse("web:client_list"))
    assert response.status_code == 200
    assert world_b.client.name in response.text
    assert world_a.client.name not in response.text


def test_limited_consultant_sees_only_assigned_clients(world_a: FirmWorld) -> None:
    other = Client.objects.create(firm=world_a.firm, name="Annat AB", org_number="556703-7485")
    consultant = User.objects.create_user(username="kalle", password=PASSWORD)
    membership = Membership.objects.create(
        user=consultant, firm=world_a.firm, role=Membership.Role.CONSULTANT, limited_to_clients=True
    )
    membership.clients.add(other)
    http = signed_in(consultant)

    listing = http.get(reverse("web:client_list"))
    assert "Annat AB" in listing.text
    assert world_a.client.name not in listing.text
    scoped = [p for p in web_patterns() if p.name not in UNSCOPED]
    for pattern in scoped:
        assert fetch(http, pattern, world_a).status_code == 404, pattern.name


def test_user_without_a_firm_sees_nothing(world_a: FirmWorld) -> None:
    stranger = User.objects.create_user(username="okand", password=PASSWORD)
    http = signed_in(stranger)
    assert world_a.client.name not in http.get(reverse("web:client_list")).text
    for pattern in web_patterns():
        if pattern.name not in UNSCOPED:
            assert fetch(http, pattern, world_a).status_code == 404, pattern.name


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(world_a: FirmWorld) -> None:
    http = HttpClient()
    for pattern in web_patterns():
        if pattern.name in UNSCOPED - {"client_list"}:
            continue
        response = http.get(url_for(pattern, world_a))
        assert response.status_code == 302, pattern.name
        assert response["Location"].startswith(reverse("web:login")), pattern.name
