"""Klienter's badge, last sync and filters read the integrations and sync apps' models."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from bokslut.firms.models import Client
from bokslut.integrations.models import Connection, ConnectionStatus
from bokslut.sync.models import SyncRun

from .conftest import FirmWorld, signed_in


def add_client(world: FirmWorld, name: str, orgnr: str) -> Client:
    return Client.objects.create(firm=world.firm, name=name, org_number=orgnr)


def finished_run(client: Client, status: str, days_ago: int) -> SyncRun:
    when = timezone.now() - dt.timedelta(days=days_ago)
    return SyncRun.objects.create(
        client=client, trigger=SyncRun.Trigger.SCHEDULE, status=status, finished_at=when
    )


def test_badges_last_sync_and_each_filter(world_a: FirmWorld) -> None:
    active = add_client(world_a, "Aktiva AB", "556703-7485")
    reauth = add_client(world_a, "Godkänn AB", "556016-0680")
    broken = add_client(world_a, "Trasiga AB", "556677-8899")
    Connection.objects.create(client=active, status=ConnectionStatus.AKTIV)
    Connection.objects.create(client=reauth, status=ConnectionStatus.BEHOVER_GODKANNAS)
    Connection.objects.create(client=broken, status=ConnectionStatus.AKTIV)
    finished_run(active, SyncRun.Status.DONE, days_ago=1)
    finished_run(reauth, SyncRun.Status.DONE, days_ago=10)
    finished_run(broken, SyncRun.Status.DONE, days_ago=3)
    finished_run(broken, SyncRun.Status.FAILED, days_ago=0)
    http = signed_in(world_a.admin)
    url = reverse("web:client_list")

    def listed(status: str) -> set[str]:
        html = http.get(url, {"status": status}).text
        names = {"Aktiva AB", "Godkänn AB", "Trasiga AB", world_a.client.name}
        return {n for n in names if f">{n}</a>" in html}

    page = http.get(url).text
    assert page.count("badge-active") == 2
    assert page.count("badge-needs_reauth") == 1
    assert page.count("badge-not_connected") == 1
    assert "misslyckades" in page
    assert page.count("lyckades") >= 2
    assert listed("behover-godkannas") == {"Godkänn AB"}
    assert listed("fel") == {"Trasiga AB"}
    assert listed("ej-synkad") == {"Godkänn AB", world_a.client.name}
