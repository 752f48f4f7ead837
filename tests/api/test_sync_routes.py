"""Starting a sync over the API queues it for a worker; the run and its progress are readable."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bokslut.api.tokens import token_create
from bokslut.audit.models import AuditEvent
from bokslut.firms.models import Client, Firm, Membership
from bokslut.integrations.connections import connection_service_account
from bokslut.ledger.models import Voucher
from bokslut.sandbox.demo import demo_company
from bokslut.sandbox.server import RunningSandbox, run_in_thread
from bokslut.sync.models import SyncRun

from .conftest import FirmWorld, Member


def start(world: FirmWorld, body: object = None) -> Any:
    return world.admin.http().post(
        f"/api/clients/{world.client.pk}/syncs", data=body or {}, content_type="application/json"
    )


@pytest.mark.django_db
def test_start_answers_202_and_queues_one_task_for_the_client(firm_b: FirmWorld) -> None:
    response = start(firm_b, {"areas": ["vouchers", "balances"], "full": True})

    assert response.status_code == 202
    answer = response.json()
    assert answer["status"] == "READY"
    assert answer["run_id"] is None
    [queued] = DBTaskResult.objects.all()
    assert str(queued.id) == answer["task_id"]
    assert queued.args_kwargs["kwargs"] == {
        "client_id": firm_b.client.pk,
        "areas": ["vouchers", "balances"],
        "full": True,
        "trigger": "api",
        "user_id": firm_b.admin.user.pk,
    }


@pytest.mark.django_db
def test_a_sync_started_over_the_api_is_written_to_the_audit_log(firm_b: FirmWorld) -> None:
    response = start(firm_b, {"areas": ["vouchers"], "full": False})

    assert response.status_code == 202
    event = AuditEvent.objects.get(action=AuditEvent.Action.SYNC)
    assert event.firm == firm_b.firm
    assert event.client == firm_b.client
    assert event.user == firm_b.admin.user
    assert event.details == {
        "event": "start",
        "trigger": "api",
        "areas": ["vouchers"],
        "full": False,
    }


@pytest.mark.django_db
def test_a_refused_sync_start_writes_no_audit_event(firm_a: FirmWorld) -> None:
    assert start(firm_a).status_code == 409

    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SYNC).exists()


@pytest.mark.django_db
def test_the_queued_task_can_be_followed(firm_b: FirmWorld) -> None:
    task_id = start(firm_b).json()["task_id"]

    answer = firm_b.admin.http().get(f"/api/clients/{firm_b.client.pk}/sync-tasks/{task_id}")

    assert answer.status_code == 200
    assert answer.json()["task_id"] == task_id


@pytest.mark.django_db
@pytest.mark.parametrize("task_id", ["nonsense", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_task_is_not_found(firm_b: FirmWorld, task_id: str) -> None:
    url = f"/api/clients/{firm_b.client.pk}/sync-tasks/{task_id}"
    assert firm_b.admin.http().get(url).status_code == 404


@pytest.mark.django_db
def test_a_client_without_an_active_connection_is_refused_with_409(firm_a: FirmWorld) -> None:
    response = start(firm_a)

    assert response.status_code == 409
    assert "ingen aktiv Fortnox-koppling" in response.json()["detail"]
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_area_is_refused_with_422(firm_b: FirmWorld) -> None:
    response = start(firm_b, {"areas": ["vouchers", "lönelistor"]})

    assert response.status_code == 422
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_run_detail_has_progress_and_counts_per_area(firm_b: FirmWorld) -> None:
    url = f"/api/clients/{firm_b.client.pk}/syncs/{firm_b.run.pk}"
    answer = firm_b.admin.http().get(url).json()

    assert answer["status"] == "done"
    # The fixture's run predates per-area records: a finished run reads as done throughout.
    assert answer["progress"] == {
        "area": "vouchers",
        "done": 300,
        "total": 300,
        "areas": [
            {"area": "balances", "state": "done", "done": 0, "total": 0},
            {"area": "vouchers", "state": "done", "done": 0, "total": 0},
        ],
    }
    # In the engine's order on every database (PostgreSQL's jsonb reorders keys).
    assert answer["counts"] == [
        {"area": "balances", "new": 0, "changed": 2, "unchanged": 40, "removed": 1},
        {"area": "vouchers", "new": 3, "changed": 1, "unchanged": 296, "removed": 0},
    ]
    assert answer["paths"] == {str(firm_b.year.start): "sie"}
    assert answer["requests"]["GET /3/sie/{type}"]["requests"] == 1


@pytest.mark.django_db
def test_a_running_sync_reports_each_areas_recorded_state(firm_b: FirmWorld) -> None:
    firm_b.run.status = SyncRun.Status.RUNNING
    firm_b.run.areas = ["company_info", "vouchers", "customers"]
    firm_b.run.area_progress = {
        "company_info": {"state": "skipped", "done": 0, "total": 0},
        "vouchers": {"state": "running", "done": 1, "total": 3},
        "customers": {"state": "pending", "done": 0, "total": 0},
    }
    firm_b.run.save()
    url = f"/api/clients/{firm_b.client.pk}/syncs"

    listed = firm_b.admin.http().get(url).json()

    run = next(r for r in listed if r["id"] == firm_b.run.pk)
    assert [(a["area"], a["state"], a["done"], a["total"]) for a in run["progress"]["areas"]] == [
        ("company_info", "skipped", 0, 0),
        ("vouchers", "running", 1, 3),
        ("customers", "pending", 0, 0),
    ]


@pytest.mark.django_db
def test_run_list_is_newest_first_and_limited(firm_b: FirmWorld) -> None:
    for _ in range(3):
        SyncRun.objects.create(client=firm_b.client, trigger=SyncRun.Trigger.API)
    http = firm_b.admin.http()

    runs = http.get(f"/api/clients/{firm_b.client.pk}/syncs").json()
    limited = http.get(f"/api/clients/{firm_b.client.pk}/syncs", {"limit": 2}).json()

    assert len(runs) == 4
    assert [r["queued_at"] for r in runs] == sorted((r["queued_at"] for r in runs), reverse=True)
    assert [r["id"] for r in limited] == [r["id"] for r in runs[:2]]


# -- the whole way: API → queue → worker → sandbox → ledger → API ------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    running = run_in_thread([demo_company(1001, vouchers_per_year=20)])
    yield running
    running.stop()


@pytest.mark.django_db(transaction=True)
def test_a_sync_started_over_the_api_runs_in_the_worker_and_is_readable(
    sandbox: RunningSandbox, settings: Any
) -> None:
    settings.BOKSLUT_FORTNOX_API_URL = sandbox.api_url
    settings.BOKSLUT_FORTNOX_OAUTH_URL = sandbox.oauth_url
    settings.BOKSLUT_FORTNOX_REDIS_URL = None
    firm = Firm.objects.create(name="Demobyrån")
    user = User.objects.create_user("demo")
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    client = Client.objects.create(
        firm=firm, name="Vinterviks Bygg och Måleri AB", org_number="551655-9795"
    )
    connection_service_account(client=client, tenant_id=1001, user=user)
    http = Member(user, token_create(user=user, name="t")[1]).http()
    base = f"/api/clients/{client.pk}"

    task_id = http.post(f"{base}/syncs", data={}, content_type="application/json").json()["task_id"]
    call_command("worker", "--burst", stdout=StringIO(), stderr=StringIO())
    task = http.get(f"{base}/sync-tasks/{task_id}").json()

    assert task["status"] == "SUCCESSFUL", task
    run = http.get(f"{base}/syncs/{task['run_id']}").json()
    assert run["status"] == "done"
    assert run["trigger"] == "api"
    vouchers = {c["area"]: c for c in run["counts"]}["vouchers"]
    assert vouchers["new"] == Voucher.objects.filter(year__client=client).count() > 0
    listed = http.get(f"{base}/vouchers", {"limit": 500}).json()
    latest = client.financial_years.order_by("start").last()
    assert len(listed["items"]) == Voucher.objects.filter(year=latest).count()
