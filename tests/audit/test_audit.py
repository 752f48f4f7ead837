"""The audit log records sign-ins and integration events, without credentials."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from bokslut.audit.models import AuditEvent
from bokslut.audit.selectors import audit_event_list
from bokslut.audit.services import REDACTED, audit_record, redact
from bokslut.firms.models import Client, Firm, Membership

PASSWORD = "sommar-vinter-höst-vår"

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm() -> Firm:
    return Firm.objects.create(name="Lindqvist Redovisning")


@pytest.fixture
def user(firm: Firm) -> User:
    user = User.objects.create_user(username="anna", password=PASSWORD)
    Membership.objects.create(user=user, firm=firm, role=Membership.Role.ADMIN)
    return user


def test_sync_event_is_recorded_with_firm_client_user_and_details(firm: Firm, user: User) -> None:
    client = Client.objects.create(firm=firm, name="Ankaret AB", org_number="556036-0793")
    event = audit_record(
        firm=firm,
        user=user,
        action=AuditEvent.Action.SYNC,
        client=client,
        details={"result": "ok", "vouchers": 120},
    )
    stored = AuditEvent.objects.get()
    assert stored == event
    assert (stored.firm, stored.client, stored.user, stored.username) == (
        firm,
        client,
        user,
        "anna",
    )
    assert stored.details == {"result": "ok", "vouchers": 120}


def test_credentials_in_details_are_hidden(firm: Firm, user: User) -> None:
    audit_record(
        firm=firm,
        user=user,
        action=AuditEvent.Action.CONNECT,
        details={
            "access_token": "eyJhbGciOi.secret",
            "nested": {"refresh_token": "r-123", "scope": "bookkeeping"},
            "authorization_code": "abc",
            "company": "Ankaret AB",
        },
    )
    details = AuditEvent.objects.get().details
    assert details == {
        "access_token": REDACTED,
        "nested": {"refresh_token": REDACTED, "scope": "bookkeeping"},
        "authorization_code": REDACTED,
        "company": "Ankaret AB",
    }


@given(st.dictionaries(st.sampled_from(["token", "x_secret", "Password", "api_key"]), st.text()))
def test_redact_never_keeps_a_credential_value(details: dict[str, str]) -> None:
    assert set(redact(details).values()) <= {REDACTED}


def test_client_of_another_firm_is_refused(firm: Firm, user: User) -> None:
    other = Firm.objects.create(name="Öberg Ekonomi")
    foreign = Client.objects.create(firm=other, name="Annat AB", org_number="556016-0680")
    with pytest.raises(ValueError, match="does not belong"):
        audit_record(firm=firm, user=user, action=AuditEvent.Action.SYNC, client=foreign)
    assert AuditEvent.objects.count() == 0


def test_unknown_action_is_refused(firm: Firm, user: User) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit_record(firm=firm, user=user, action="delete_everything")


def test_sign_in_and_sign_out_are_recorded(firm: Firm, user: User) -> None:
    http = HttpClient()
    assert (
        http.post(reverse("web:login"), {"username": "anna", "password": PASSWORD}).status_code
        == 302
    )
    http.post(reverse("web:logout"))

    actions = list(AuditEvent.objects.order_by("id").values_list("action", "firm", "username"))
    assert actions == [("sign_in", firm.pk, "anna"), ("sign_out", firm.pk, "anna")]
    assert AuditEvent.objects.first().ip_address == "127.0.0.1"  # type: ignore[union-attr]


def test_failed_sign_in_records_the_user_name_never_the_password(firm: Firm, user: User) -> None:
    http = HttpClient()
    http.post(reverse("web:login"), {"username": "anna", "password": "gissning-1"})
    http.post(reverse("web:login"), {"username": "okänd", "password": "gissning-2"})

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.username, e.firm_id, e.user_id) for e in events] == [
        ("sign_in_failed", "anna", firm.pk, None),
        ("sign_in_failed", "okänd", None, None),
    ]
    for event in events:
        assert "gissning" not in str(event.details)


def test_event_list_is_scoped_to_the_firm_newest_first(firm: Firm, user: User) -> None:
    other = Firm.objects.create(name="Öberg Ekonomi")
    audit_record(firm=firm, user=user, action=AuditEvent.Action.SYNC)
    audit_record(firm=other, user=None, action=AuditEvent.Action.SYNC)
    audit_record(firm=firm, user=user, action=AuditEvent.Action.SETTINGS_CHANGE)

    listed = [e.action for e in audit_event_list(firm=firm)]
    assert listed == ["settings_change", "sync"]
