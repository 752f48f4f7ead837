"""Nobody reaches another firm's data: every URL pattern of the project, with foreign ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bokslut.api.tokens import token_create
from bokslut.audit.models import AuditEvent
from bokslut.audit.services import audit_record
from bokslut.automation.tasks import sync_client
from bokslut.avstamning.models import Attachment, Reconciliation
from bokslut.firms.models import Client, Membership
from bokslut.integrations.models import Connection, ConnectionStatus
from bokslut.integrations.plans import DEFAULT_PLAN
from bokslut.integrations.sync_settings import firm_plan_set, sync_settings_for
from bokslut.ledger.models import Account
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


# -- The whole URL resolver, as a user of another firm -------------------------------------
#
# Every pattern of every namespace (admin, integrations, api, avstamning, web) is requested
# with firm A's ids by firm B's administrator. A pattern this walk cannot fill fails the test,
# so a new route is never left out silently.

#: Patterns that show nobody's client data; each with the reason it is not probed.
EXEMPT = {
    "web:login": "the sign-in form",
    "web:logout": "signs the visitor out",
    "web:set_language": "stores the visitor's language only",
    "integrations:fortnox-callback": "checks its own one-time OAuth state (tests/integrations)",
    "api:openapi-json": "the API description, the same for everyone",
    "api:openapi-view": "the API docs page, the same for everyone",
    "api:api-root": "django-ninja's bare root, which answers 404 to everyone",
    "admin:login": "the admin sign-in form",
    "admin:logout": "signs the visitor out",
}

#: Patterns without an id that answer with the signed-in user's own data: firm A's client
#: must not appear in firm B's answer.
OWN_DATA = {
    "web:home",
    "web:client_list",
    "web:client_create",
    "api:clients_list",
    "api:tokens_list",
}

#: Nameless regex patterns cannot be reversed: a URL each one matches, by route.
REGEX_EXAMPLES = {"admin/(?P<url>.*)$": "/admin/firms/firm/{firm}/okand/"}

#: Methods sent to every pattern; the API also has routes for the other verbs.
METHODS = ("get", "post")
API_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Route:
    """One URL pattern in the resolver, with where it hangs."""

    key: str  # "namespace:name", or "namespace:<route>" for a nameless pattern
    namespace: str
    name: str | None
    route: str
    converters: tuple[str, ...]


def all_routes() -> list[Route]:
    """Every URL pattern of the project, in every namespace."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                inner = namespace
                if item.namespace:
                    inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
                walk(item, prefix + str(item.pattern), inner)
                continue
            route = prefix + str(item.pattern)
            names = tuple(item.pattern.regex.groupindex)
            key = f"{namespace}:{item.name if item.name else route}"
            found.append(Route(key, namespace, item.name, route, names))

    walk(get_resolver(), "", "")
    return found


@dataclass
class Fills:
    """Firm A's objects, by URL keyword, and by model for the admin's object ids."""

    values: dict[str, str]
    objects: dict[str, str]
    api_token: str


def firm_a_objects(world: FirmWorld) -> Fills:
    """Create one object of every kind a URL can name, all belonging to firm A."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {"user_agent": "pytest", "ip_address": "127.0.0.1", "http_accept": "*/*"}
    seen |= {"username": world.admin.username, "path_info": "/logga-in/"}
    client = world.client
    run = SyncRun.objects.create(client=client, trigger=SyncRun.Trigger.MANUAL)
    connection = Connection.objects.create(
        client=client,
        status=ConnectionStatus.AKTIV,
        tenant_id="1001",
        company_name=client.name,
        org_number=client.org_number,
    )
    task = sync_client.enqueue(client_id=client.pk, trigger=SyncRun.Trigger.MANUAL.value)
    token, secret = token_create(user=world.admin, name="Lindqvists nyckel")
    group = Group.objects.create(name="Lindqvist Redovisning")
    account = (
        Account.objects.filter(year=world.year, number__startswith="1").order_by("number").first()
    )
    assert account is not None
    reconciliation = Reconciliation.objects.create(
        client=client,
        year_start=world.year.start,
        account=account.number,
        period_end=world.year.end,
    )
    attachment = Attachment(
        firm=world.firm,
        client=client,
        reconciliation=reconciliation,
        stored_name="a1.pdf",
        original_name="kontoutdrag.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    attachment.file.save("a1.pdf", ContentFile(b"%PDF-1.4"), save=True)
    event = audit_record(firm=world.firm, user=world.admin, action=AuditEvent.Action.SYNC)
    objects = {
        "auth.group": group.pk,
        "auth.user": world.admin.pk,
        "django_tasks_database.dbtaskresult": task.id,
        "firms.firm": world.firm.pk,
        "firms.client": client.pk,
        "integrations.connection": connection.pk,
        "integrations.syncsettings": sync_settings_for(client=client).pk,
        "integrations.firmplan": firm_plan_set(firm=world.firm, plan=DEFAULT_PLAN).pk,
        "axes.accessattempt": AccessAttempt.objects.create(
            **seen, get_data="", post_data="", failures_since_start=1
        ).pk,
        "axes.accesslog": AccessLog.objects.create(**seen).pk,
        "axes.accessfailurelog": AccessFailureLog.objects.create(**seen, locked_out=False).pk,
        "audit.auditevent": event.pk,
        "api.apitoken": token.pk,
    }
    values = {
        "client_id": client.pk,
        "voucher_id": world.voucher.pk,
        "run_id": run.pk,
        "year_id": world.year.pk,
        "account": account.number,
        "period_end": world.year.end.isoformat(),
        "attachment_id": attachment.pk,
        "kind": "xlsx",
        "task_id": task.id,
        "token_id": token.pk,
        "app_label": "firms",
        "id": world.admin.pk,  # the admin's password-change page of a user
        "content_type_id": ContentType.objects.get_for_model(Client).pk,
    }
    return Fills(
        {k: str(v) for k, v in values.items()},
        {k: str(v) for k, v in objects.items()},
        secret,
    )


def url_of(route: Route, fills: Fills) -> str:
    """The route's URL with firm A's objects; fails for a keyword the test cannot fill."""
    kwargs: dict[str, str] = {}
    for keyword in route.converters:
        if keyword == "object_id":
            model = re.match(r"admin/(\w+)/(\w+)/", route.route)
            label = f"{model[1]}.{model[2]}" if model else "firms.client"  # view_on_site
            assert label in fills.objects, f"{route.key}: give firm A a {label} in this test"
            kwargs[keyword] = fills.objects[label]
        elif keyword in fills.values:
            kwargs[keyword] = fills.values[keyword]
        elif route.name is None and route.route in REGEX_EXAMPLES:
            continue
        else:
            pytest.fail(f"{route.key}: this security test cannot fill <{keyword}>; add it")
    if route.name is not None:
        return reverse(f"{route.namespace}:{route.name}", kwargs=kwargs)
    if route.route in REGEX_EXAMPLES:
        return REGEX_EXAMPLES[route.route].format(firm=fills.objects["firms.firm"])
    assert "(?P" not in route.route, f"{route.key}: add an example URL to REGEX_EXAMPLES"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m[1]], route.route)


def send(http: HttpClient, method: str, url: str, token: str | None) -> Any:
    """One request; API requests carry the user's API token and a valid (empty) JSON body."""
    if token is None:
        return getattr(http, method)(url)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "get":
        return http.get(url, **headers)
    # With a body the route validates, the answer comes from the access check, not a 400.
    return getattr(http, method)(url, data={}, content_type="application/json", **headers)


def test_every_url_of_the_whole_project_refuses_another_firm(
    world_a: FirmWorld, world_b: FirmWorld, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.BOKSLUT_FORTNOX_REDIS_URL = None
    fills = firm_a_objects(world_a)
    _, b_token = token_create(user=world_b.admin, name="Pers nyckel")
    stranger = signed_in(world_b.admin)
    owner = signed_in(world_a.admin)
    secrets_of_a = [world_a.client.name, world_a.client.org_number, fills.api_token[:12]]

    routes = all_routes()
    assert {r.namespace for r in routes} == {"admin", "integrations", "api", "avstamning", "web"}
    assert set(EXEMPT) | OWN_DATA <= {r.key for r in routes}, "a listed pattern is gone"
    probed: list[str] = []
    for route in routes:
        if route.key in EXEMPT:
            continue
        url = url_of(route, fills)
        api = route.namespace == "api"
        if route.key in OWN_DATA:
            answer = send(stranger, "get", url, b_token if api else None)
            assert answer.status_code in {200, 302}, route.key
            for secret in secrets_of_a:
                assert secret.encode() not in answer.content, (route.key, secret)
            continue
        # The admin refuses every firm user as a whole; elsewhere only an id can name A's data.
        assert route.converters or route.namespace == "admin", (
            f"{route.key} takes no id: add it to EXEMPT or OWN_DATA"
        )
        refused_once = False
        for method in API_METHODS if api else METHODS:
            answer = send(stranger, method, url, b_token if api else None)
            status = answer.status_code
            if route.namespace == "admin":
                # No firm user is staff: the admin sends everyone of them to its sign-in.
                assert status == 302, (route.key, method, status)
                assert answer["Location"].startswith(reverse("admin:login")), route.key
                refused_once = True
                continue
            for secret in secrets_of_a:
                assert secret.encode() not in answer.content, (route.key, method, secret)
            if status == 405:
                # The method does not exist for the pattern: firm A gets the same answer,
                # so it says nothing about A's objects.
                own_token = token_create(user=world_a.admin, name="x")[1] if api else None
                assert send(owner, method, url, own_token).status_code == 405, (route.key, method)
                continue
            assert status in {403, 404}, (route.key, method, status, url)
            refused_once = True
        assert refused_once, f"{route.key}: no method reached the access check"
        probed.append(route.key)

    # The ids above are real: firm A's own administrator is let through the access checks.
    for route in routes:
        if route.key not in probed or route.namespace == "admin":
            continue
        url = url_of(route, fills)
        api = route.namespace == "api"
        statuses = [
            send(
                owner, method, url, token_create(user=world_a.admin, name="x")[1] if api else None
            ).status_code
            for method in (API_METHODS if api else METHODS)
        ]
        assert any(s not in {403, 404, 405} for s in statuses), (route.key, statuses)
    assert len(probed) > 100
