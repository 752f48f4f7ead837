"""Connecting a client to Fortnox (the sandbox) over real HTTP, through our views."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection as db
from django.test import Client as DjangoClient
from django.urls import reverse

from bokslut.audit.models import AuditEvent
from bokslut.firms.models import Client, Firm
from bokslut.fortnox import FortnoxOAuth, NeedsReauthorization
from bokslut.integrations import crypto
from bokslut.integrations.areas import Area
from bokslut.integrations.connections import (
    connection_assert_can_sync,
    connection_disconnect,
    connection_service_account,
)
from bokslut.integrations.errors import ConnectionNotReady
from bokslut.integrations.models import Connection, ConnectionKind, ConnectionStatus
from bokslut.integrations.oauth_state import SESSION_KEY
from bokslut.integrations.signals import connection_status_changed
from bokslut.integrations.sync_settings import available_areas
from bokslut.integrations.tokens import DatabaseTokenStore
from bokslut.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, RunningSandbox

from .conftest import ORG_1001, OTHER_ORG, connect_in_browser, control, token_requests

pytestmark = pytest.mark.usefixtures("fortnox_settings")


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_full_connect_stores_company_tenant_scopes_and_licences(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    _, response = connect_in_browser(browser, running, client_1001)
    assert response.status_code == 302
    connection = Connection.objects.get(client=client_1001)
    assert connection.status == ConnectionStatus.AKTIV
    assert connection.kind == ConnectionKind.AUTHORIZATION_CODE
    assert connection.tenant_id == "1001"
    assert connection.company_name == "Vinterviks Bygg och Måleri AB"
    assert connection.org_number == "551655-9795"
    assert not connection.org_number_mismatch
    assert connection.can_sync
    assert "bookkeeping" in connection.scopes
    assert "assets" in connection.scopes
    assert connection.licences == sorted(connection.scopes)
    assert connection.connected_at is not None
    assert connection.connected_by is not None
    assert any("anslutet" in m for m in messages_of(response))
    connection_assert_can_sync(connection=connection)


def test_tokens_are_not_stored_in_clear(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    connect_in_browser(browser, running, client_1001)
    connection = Connection.objects.get(client=client_1001)
    tokens = DatabaseTokenStore(connection.pk).load()
    assert tokens is not None
    assert tokens.refresh_token
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token_encrypted, refresh_token_encrypted "
            "FROM integrations_connection WHERE id = %s",
            [connection.pk],
        )
        raw_access, raw_refresh = cursor.fetchone()
    assert tokens.access_token not in raw_access
    assert tokens.refresh_token not in raw_refresh
    assert crypto.decrypt(raw_refresh) == tokens.refresh_token


def test_replayed_callback_is_refused_and_sends_nothing_to_fortnox(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    path, _ = connect_in_browser(browser, running, client_1001)
    before = token_requests(running)
    again = browser.get(path)
    assert again.status_code == 302
    assert any("redan använd" in m for m in messages_of(again))
    assert token_requests(running) == before


def test_forged_state_is_refused_and_creates_no_connection(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    response = browser.get("/integrations/fortnox/callback?code=abc&state=forged")
    assert response.status_code == 302
    assert any("ogiltig" in m for m in messages_of(response))
    assert not Connection.objects.filter(client=client_1001).exists()
    assert token_requests(running) == 0


def test_connect_view_refuses_another_firms_client(
    browser: DjangoClient, client_1001: Client
) -> None:
    stranger = Client.objects.create(
        firm=Firm.objects.create(name="Annan byrå"), name="Främling AB", org_number=OTHER_ORG
    )
    assert browser.post(reverse("web:fortnox_connect", args=[stranger.pk])).status_code == 404
    anonymous = DjangoClient().post(reverse("web:fortnox_connect", args=[client_1001.pk]))
    assert anonymous.status_code == 302
    assert "/logga-in/" in anonymous["Location"]


def test_a_consent_cannot_be_started_by_a_link(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    # A GET (an <img> or a link on another site) must not send the user to Fortnox.
    old_link = browser.get(f"/integrations/{client_1001.pk}/fortnox/connect")
    button = browser.get(reverse("web:fortnox_connect", args=[client_1001.pk]))

    assert old_link.status_code == 404
    assert button.status_code == 405
    assert not browser.session.get(SESSION_KEY)
    assert token_requests(running) == 0


def test_a_consent_cannot_be_started_by_another_sites_form(
    member: Any, client_1001: Client
) -> None:
    forged = DjangoClient(enforce_csrf_checks=True)
    forged.force_login(member)

    answer = forged.post(reverse("web:fortnox_connect", args=[client_1001.pk]))

    assert answer.status_code == 403
    assert not forged.session.get(SESSION_KEY)


def test_the_anslut_button_with_its_csrf_token_goes_to_fortnox(
    member: Any, client_1001: Client
) -> None:
    real = DjangoClient(enforce_csrf_checks=True)
    real.force_login(member)
    page = real.get(reverse("web:fortnox_integrations", args=[client_1001.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None

    answer = real.post(
        reverse("web:fortnox_connect", args=[client_1001.pk]),
        {"csrfmiddlewaretoken": token.group(1)},
    )

    assert answer.status_code == 302
    assert "/oauth-v1/auth?" in answer["Location"]
    assert len(real.session[SESSION_KEY]) == 1


def test_denied_consent_leaves_the_client_unconnected(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    _, response = connect_in_browser(browser, running, client_1001, decision="deny")
    assert any("avbröts eller nekades" in m for m in messages_of(response))
    assert not Connection.objects.filter(client=client_1001, status="aktiv").exists()


def test_org_number_mismatch_blocks_sync_until_confirmed(
    browser: DjangoClient, running: RunningSandbox, firm: Firm, member: Any
) -> None:
    other = Client.objects.create(firm=firm, name="Fel bolag AB", org_number=OTHER_ORG)
    _, response = connect_in_browser(browser, running, other)
    assert any("skiljer sig" in m or "organisationsnummer" in m for m in messages_of(response))
    connection = Connection.objects.get(client=other)
    assert connection.status == ConnectionStatus.AKTIV
    assert connection.org_number_mismatch
    assert not connection.can_sync
    with pytest.raises(ConnectionNotReady, match="skiljer sig"):
        connection_assert_can_sync(connection=connection)
    confirmed = browser.post(reverse("web:fortnox_confirm", args=[other.pk]))
    assert confirmed.status_code == 302
    connection.refresh_from_db()
    assert connection.can_sync
    connection_assert_can_sync(connection=connection)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SETTINGS_CHANGE, client=other)
    assert event.user == member
    assert event.details == {"org_number_confirmed": ORG_1001}


def test_confirm_and_disconnect_exist_only_as_the_audited_web_buttons(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    # The old /integrations/<id>/fortnox/{confirm,disconnect} routes changed the connection
    # without writing the audit log; nothing may reach them any more.
    connect_in_browser(browser, running, client_1001)
    events_before = AuditEvent.objects.count()

    confirm = browser.post(f"/integrations/{client_1001.pk}/fortnox/confirm")
    disconnect = browser.post(f"/integrations/{client_1001.pk}/fortnox/disconnect")

    assert confirm.status_code == 404
    assert disconnect.status_code == 404
    connection = Connection.objects.get(client=client_1001)
    assert connection.status == ConnectionStatus.AKTIV
    assert connection.has_tokens
    assert AuditEvent.objects.count() == events_before


def test_missing_licences_are_detected_and_make_areas_unavailable(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    connect_in_browser(browser, running, client_1001, tenant=1002)
    connection = Connection.objects.get(client=client_1001)
    assert connection.tenant_id == "1002"
    assert "assets" in connection.scopes
    assert "assets" not in connection.licences
    assert "project" not in connection.licences
    assert "bookkeeping" in connection.licences
    areas = available_areas(client=client_1001)
    assets_reason = areas[Area.FIXED_ASSETS]
    assert assets_reason is not None
    assert "licens" in assets_reason
    assert areas[Area.PROJECTS] is not None
    assert areas[Area.VOUCHERS] is None


def test_scope_not_granted_at_consent_is_reported_as_such(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    scopes = ["bookkeeping", "companyinformation", "settings"]
    connect_in_browser(browser, running, client_1001, scopes=scopes)
    connection = Connection.objects.get(client=client_1001)
    assert connection.scopes == sorted(scopes)
    assert connection.licences == sorted(scopes)
    reason = available_areas(client=client_1001)[Area.CUSTOMERS]
    assert reason is not None
    assert "beviljades inte" in reason


def test_disconnect_revokes_so_fortnox_refuses_the_old_refresh_token(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    connect_in_browser(browser, running, client_1001)
    connection = Connection.objects.get(client=client_1001)
    old = DatabaseTokenStore(connection.pk).load()
    assert old is not None
    assert old.refresh_token
    response = browser.post(reverse("web:fortnox_disconnect", args=[client_1001.pk]))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.FRANKOPPLAD
    assert connection.access_token_encrypted == ""
    assert connection.refresh_token_encrypted == ""
    assert connection.last_error == ""
    event = AuditEvent.objects.get(action=AuditEvent.Action.DISCONNECT, client=client_1001)
    assert event.details == {"company": connection.company_name, "tenant": "1001"}
    oauth = FortnoxOAuth(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, oauth_url=running.oauth_url)
    try:
        with pytest.raises(NeedsReauthorization):
            oauth.refresh(old.refresh_token)
    finally:
        oauth.close()


def test_service_account_connects_by_tenant_and_renews_without_refresh_token(
    running: RunningSandbox, client_1001: Client
) -> None:
    from bokslut.integrations.clients import fortnox_client_for

    connection = connection_service_account(client=client_1001, tenant_id=1001, user=None)
    assert connection.kind == ConnectionKind.SERVICE_ACCOUNT
    assert connection.status == ConnectionStatus.AKTIV
    assert connection.tenant_id == "1001"
    tokens = DatabaseTokenStore(connection.pk).load()
    assert tokens is not None
    assert tokens.refresh_token is None
    assert tokens.tenant_id == "1001"
    control(running, "POST", "tokens/expire", {"tenant": 1001})
    with fortnox_client_for(connection=connection) as fortnox:
        assert fortnox.company_information().database_number == 1001
    renewed = DatabaseTokenStore(connection.pk).load()
    assert renewed is not None
    assert renewed.access_token != tokens.access_token


def test_expired_access_token_is_refreshed_and_the_new_pair_stored(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    from bokslut.integrations.clients import fortnox_client_for

    connect_in_browser(browser, running, client_1001)
    connection = Connection.objects.get(client=client_1001)
    before = DatabaseTokenStore(connection.pk).load()
    assert before is not None
    control(running, "POST", "tokens/expire", {"tenant": 1001})
    with fortnox_client_for(connection=connection) as fortnox:
        assert fortnox.company_information().database_number == 1001
    after = DatabaseTokenStore(connection.pk).load()
    assert after is not None
    assert after.refresh_token != before.refresh_token
    assert after.access_token != before.access_token


def test_revoked_consent_flags_reapproval_once(
    browser: DjangoClient, running: RunningSandbox, client_1001: Client
) -> None:
    from bokslut.integrations.clients import fortnox_client_for

    connect_in_browser(browser, running, client_1001)
    connection = Connection.objects.get(client=client_1001)
    seen: list[str] = []

    def record(sender: object, new_status: str, **kwargs: object) -> None:
        seen.append(new_status)

    connection_status_changed.connect(record)
    try:
        control(running, "POST", "tokens/revoke", {"tenant": 1001})
        for _ in range(2):
            with (
                fortnox_client_for(connection=connection) as fortnox,
                pytest.raises(NeedsReauthorization),
            ):
                fortnox.company_information()
    finally:
        connection_status_changed.disconnect(record)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.BEHOVER_GODKANNAS
    assert "Anslut" in connection.last_error
    assert seen == [ConnectionStatus.BEHOVER_GODKANNAS]
    with pytest.raises(ConnectionNotReady):
        connection_assert_can_sync(connection=connection)


def test_disconnect_without_tokens_still_marks_disconnected(client_1001: Client) -> None:
    connection = Connection.objects.create(client=client_1001, status=ConnectionStatus.FEL)
    connection_disconnect(connection=connection, user=None)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.FRANKOPPLAD
    assert not connection.can_sync
