"""``bokslut sync --client ORGNR``: foreground sync with progress and a Swedish summary."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from automation import stubs
from automation.conftest import ClientFactory
from bokslut.automation.leases import lease_acquire

pytestmark = pytest.mark.django_db

UseStub = Callable[[str], None]


def test_sync_command_runs_the_named_areas_with_the_cli_trigger_and_shows_progress(
    make_client: ClientFactory, stub_engine: UseStub
) -> None:
    client = make_client("Fjällbolaget AB")
    out = StringIO()
    call_command(
        "sync", "--client", client.org_number.replace("-", ""), "--areas", "vouchers", stdout=out
    )
    (call,) = stubs.CALLS
    assert (call["client"], call["areas"], call["full"], call["trigger"]) == (
        client,
        ["vouchers"],
        False,
        "cli",
    )
    text = out.getvalue()
    assert "Verifikationer" in text
    assert "2/2" in text
    assert f"Synkning av Fjällbolaget AB ({client.org_number}): klar" in text


def test_sync_command_refuses_unknown_areas_before_syncing(
    make_client: ClientFactory, stub_engine: UseStub
) -> None:
    client = make_client()
    with pytest.raises(CommandError, match="Okända områden: verifikat"):
        call_command("sync", "--client", client.org_number, "--areas", "verifikat")
    assert stubs.CALLS == []


def test_sync_command_names_an_unknown_client(db: None, stub_engine: UseStub) -> None:
    with pytest.raises(CommandError, match="Ingen klient med organisationsnummer 556036-0793"):
        call_command("sync", "--client", "5560360793")


def test_sync_command_fails_when_a_sync_is_already_running(
    make_client: ClientFactory, stub_engine: UseStub
) -> None:
    client = make_client()
    lease_acquire(client_id=client.pk, holder="worker-a", seconds=60)
    with pytest.raises(CommandError, match="pågår redan"):
        call_command("sync", "--client", client.org_number, stdout=StringIO())
    assert stubs.CALLS == []


def test_sync_command_reports_a_failed_sync_in_swedish(
    make_client: ClientFactory, stub_engine: UseStub
) -> None:
    client = make_client()
    stub_engine("raising_sync")
    with pytest.raises(CommandError, match="Synkningen misslyckades: anslutningen bröts"):
        call_command("sync", "--client", client.org_number, stdout=StringIO())
