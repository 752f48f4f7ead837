"""The demo's own data: one firm, user and client however often it starts; fresh secrets."""

from __future__ import annotations

import socket

import pytest
from django.core.management.base import CommandError

from bokslut.api.tokens import token_authenticate
from bokslut.firms.models import Client, Firm, Membership
from bokslut.firms.selectors import client_list
from bokslut.launcher.management.commands.demo import _env, _require_free_port
from bokslut.launcher.services import DEMO_COMPANY_ORG_NUMBER, demo_workspace_prepare


@pytest.mark.django_db
def test_first_start_creates_firm_admin_and_the_sandbox_client() -> None:
    workspace = demo_workspace_prepare()

    assert workspace.firm.name == "Demobyrån"
    assert workspace.user.membership.role == Membership.Role.ADMIN
    assert list(client_list(user=workspace.user)) == [workspace.client]
    assert workspace.client.org_number == DEMO_COMPANY_ORG_NUMBER
    assert workspace.user.check_password(workspace.password)
    assert token_authenticate(workspace.api_token) == workspace.user


@pytest.mark.django_db
def test_a_restart_reuses_the_data_and_replaces_password_and_token() -> None:
    first = demo_workspace_prepare()
    second = demo_workspace_prepare()

    assert (Firm.objects.count(), Client.objects.count()) == (1, 1)
    assert second.client == first.client
    assert second.password != first.password
    second.user.refresh_from_db()
    assert not second.user.check_password(first.password)
    assert second.user.check_password(second.password)
    assert token_authenticate(first.api_token) is None
    assert token_authenticate(second.api_token) == second.user


def test_a_taken_port_is_refused_with_a_swedish_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"port {port} är upptagen"):
            _require_free_port(port)


def test_children_talk_to_the_demos_sandbox_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOKSLUT_FORTNOX_API_URL", "https://api.fortnox.se/3/")

    env = _env(8123, 9123)

    assert env["BOKSLUT_FORTNOX_API_URL"] == "http://127.0.0.1:9123/3/"
    assert env["BOKSLUT_FORTNOX_OAUTH_URL"] == "http://127.0.0.1:9123/oauth-v1/"
    assert env["BOKSLUT_FORTNOX_REDIRECT_URI"].startswith("http://127.0.0.1:8123/")
