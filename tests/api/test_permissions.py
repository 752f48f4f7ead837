"""Every API route refuses other firms' data: the route list comes from the NinjaAPI itself,
so a new route is checked (or this test fails until it is classified)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from bokslut.api.api import api
from bokslut.api.models import ApiToken
from bokslut.api.tokens import token_create
from bokslut.automation.tasks import sync_client
from bokslut.firms.models import Client, Membership

from .conftest import FirmWorld, Member, member

pytestmark = pytest.mark.django_db

#: Routes without path parameters, and how each could leak another firm's data.
COLLECTIONS = {"GET /api/clients", "GET /api/tokens"}


def routes() -> list[tuple[str, str]]:
    """Every (METHOD, path template) the API serves, from its own OpenAPI schema."""
    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    )


def fill(path: str, ids: dict[str, Any]) -> str:
    """The path with each ``{name}`` replaced by the id of firm B's object of that kind."""
    names = re.findall(r"{(\w+)}", path)
    unknown = set(names) - set(ids)
    assert not unknown, f"{path}: no id of firm B for {unknown}; add one to b_ids()"
    return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)


def call(http: HttpClient, method: str, url: str) -> Any:
    if method == "POST":
        return http.post(url, data={}, content_type="application/json")
    return http.generic(method, url)


@pytest.fixture
def b_ids(firm_b: FirmWorld) -> dict[str, Any]:
    """Real ids of firm B's objects, one per path parameter name."""
    task = sync_client.enqueue(client_id=firm_b.client.pk, trigger="api")
    spare, _ = token_create(user=firm_b.admin.user, name="reserv")
    return {
        "client_id": firm_b.client.pk,
        "voucher_id": firm_b.voucher.pk,
        "run_id": firm_b.run.pk,
        "task_id": task.id,
        "token_id": spare.pk,
    }


def outsiders(firm_a: FirmWorld, firm_b: FirmWorld) -> dict[str, Member]:
    """Users who must not reach firm B's client: another firm, a limited colleague, nobody."""
    other_client = Client.objects.create(firm=firm_b.firm, name="Annan AB", org_number="5560160680")
    colleague = member(
        firm_b.firm, "berit", role=Membership.Role.CONSULTANT, limited_to_clients=True
    )
    colleague.user.membership.clients.add(other_client)
    return {
        "other firm's admin": firm_a.admin,
        "limited consultant of the same firm": colleague,
        "user in no firm": member(None, "ensam"),
    }


def test_every_route_is_classified() -> None:
    parameterised = {f"{m} {p}" for m, p in routes() if "{" in p}
    collections = {f"{m} {p}" for m, p in routes() if "{" not in p}
    assert collections == COLLECTIONS, "classify the new route in test_permissions"
    assert parameterised, "the API serves per-client routes"


def test_other_firms_ids_are_not_found_on_every_route(
    firm_a: FirmWorld, firm_b: FirmWorld, b_ids: dict[str, Any]
) -> None:
    checked = 0
    for who, outsider in outsiders(firm_a, firm_b).items():
        http = outsider.http()
        for method, path in routes():
            if "{" not in path:
                continue
            response = call(http, method, fill(path, b_ids))
            assert response.status_code in {403, 404}, f"{who}: {method} {path}"
            checked += 1
    assert checked == 3 * sum(1 for _, p in routes() if "{" in p)


def test_the_owner_reaches_every_route_with_the_same_ids(
    firm_b: FirmWorld, b_ids: dict[str, Any]
) -> None:
    # The control: the ids above are real, so the outsiders' 404s come from scoping.
    http = firm_b.admin.http()
    for method, path in routes():
        if "{" not in path:
            continue
        response = call(http, method, fill(path, b_ids))
        assert 200 <= response.status_code < 300, f"{method} {path}: {response.content[:200]!r}"


def test_collections_list_only_the_callers_own(firm_a: FirmWorld, firm_b: FirmWorld) -> None:
    http = firm_a.admin.http()
    clients = http.get("/api/clients").json()
    assert [c["id"] for c in clients] == [firm_a.client.pk]
    tokens = http.get("/api/tokens").json()
    mine = ApiToken.objects.get(user=firm_a.admin.user)
    assert [t["id"] for t in tokens] == [mine.pk]


def test_limited_consultant_lists_only_assigned_clients(firm_b: FirmWorld) -> None:
    assigned = Client.objects.create(firm=firm_b.firm, name="Tilldelad AB", org_number="5560160680")
    consultant = member(
        firm_b.firm, "kalle", role=Membership.Role.CONSULTANT, limited_to_clients=True
    )
    consultant.user.membership.clients.add(assigned)
    http = consultant.http()

    assert [c["id"] for c in http.get("/api/clients").json()] == [assigned.pk]
    assert http.get(f"/api/clients/{assigned.pk}").status_code == 200
    assert http.get(f"/api/clients/{firm_b.client.pk}").status_code == 404


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer bks_not-a-real-token",
        "Token {token}",
        "Basic {token}",
        "Bearer {token}x",
    ],
)
def test_every_route_refuses_requests_without_a_valid_token(
    firm_b: FirmWorld, b_ids: dict[str, Any], header: str | None
) -> None:
    http = HttpClient()
    if header is not None:
        http.defaults["HTTP_AUTHORIZATION"] = header.format(token=firm_b.admin.token)
    for method, path in routes():
        response = call(http, method, fill(path, b_ids))
        assert response.status_code == 401, f"{header}: {method} {path}"


def test_a_revoked_token_is_refused(firm_b: FirmWorld) -> None:
    http = firm_b.admin.http()
    assert http.get("/api/clients").status_code == 200
    ApiToken.objects.filter(user=firm_b.admin.user).update(revoked="2026-01-01T00:00:00Z")

    assert http.get("/api/clients").status_code == 401


def test_an_inactive_users_token_is_refused(firm_b: FirmWorld) -> None:
    firm_b.admin.user.is_active = False
    firm_b.admin.user.save()

    assert firm_b.admin.http().get("/api/clients").status_code == 401
