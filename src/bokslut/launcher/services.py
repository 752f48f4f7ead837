"""The demo's own data: firm "Demobyrån", its user, an API token and the sandbox client."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from bokslut.api.models import ApiToken
from bokslut.api.tokens import token_create
from bokslut.firms.models import Client, Firm, Membership
from bokslut.firms.validators import normalise_org_number

__all__ = [
    "DEMO_COMPANY_NAME",
    "DEMO_COMPANY_ORG_NUMBER",
    "DEMO_FIRM_NAME",
    "DEMO_USERNAME",
    "DemoWorkspace",
    "demo_workspace_prepare",
]

DEMO_FIRM_NAME = "Demobyrån"
DEMO_USERNAME = "demo"
DEMO_TOKEN_NAME = "bokslut demo"  # noqa: S105 - the token's label
#: The sandbox's demo company (``bokslut.sandbox.demo.demo_company(1001)``); a test keeps
#: these equal to what the sandbox serves, so the connect step finds matching org.nr.
DEMO_COMPANY_NAME = "Vinterviks Bygg och Måleri AB"
DEMO_COMPANY_ORG_NUMBER = "551655-9795"
DEMO_DATABASE_NUMBER = 1001


@dataclass(frozen=True)
class DemoWorkspace:
    """What the demo prints: who signs in (the password and token in clear, once)."""

    firm: Firm
    user: User
    password: str
    client: Client
    api_token: str


@transaction.atomic
def demo_workspace_prepare() -> DemoWorkspace:
    """Create (or reuse) the demo firm, user and client; new password and API token each run.

    Only hashes are stored, so a restarted demo cannot show the old ones: it issues new
    ones and revokes the previous demo token. Data synced earlier stays.
    """
    firm = Firm.objects.filter(name=DEMO_FIRM_NAME).order_by("pk").first()
    if firm is None:
        firm = Firm.objects.create(name=DEMO_FIRM_NAME)
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        user = User(username=DEMO_USERNAME, first_name="Demo", last_name="Användare")
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.is_active = True
    user.save()
    Membership.objects.update_or_create(
        user=user, defaults={"firm": firm, "role": Membership.Role.ADMIN}
    )
    client, _ = Client.objects.get_or_create(
        firm=firm,
        org_number=normalise_org_number(DEMO_COMPANY_ORG_NUMBER),
        defaults={"name": DEMO_COMPANY_NAME},
    )
    ApiToken.objects.filter(user=user, name=DEMO_TOKEN_NAME, revoked__isnull=True).update(
        revoked=timezone.now()
    )
    _, api_token = token_create(user=user, name=DEMO_TOKEN_NAME)
    return DemoWorkspace(firm, user, password, client, api_token)
