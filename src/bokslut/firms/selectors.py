"""Reads scoped to what a user may see: every view and API starts here, never from ids alone."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from bokslut.firms.models import Client, Firm, Membership


def membership_of(user: User | AnonymousUser) -> Membership | None:
    """The user's membership, or None for anonymous users and users outside every firm."""
    if not user.is_authenticated:
        return None
    return Membership.objects.select_related("firm").filter(user=user).first()


def client_list(*, user: User | AnonymousUser) -> QuerySet[Client]:
    """The clients ``user`` may see: the firm's, or only a limited consultant's own."""
    membership = membership_of(user)
    if membership is None:
        return Client.objects.none()
    clients = Client.objects.filter(firm=membership.firm)
    if membership.role == Membership.Role.CONSULTANT and membership.limited_to_clients:
        clients = clients.filter(consultants=membership)
    return clients


def client_get(*, user: User | AnonymousUser, client_id: int) -> Client | None:
    """The client with ``client_id`` if ``user`` may see it, else None (callers answer 404)."""
    return client_list(user=user).filter(pk=client_id).first()


def firm_of(user: User | AnonymousUser) -> Firm | None:
    """The user's firm, or None."""
    membership = membership_of(user)
    return membership.firm if membership else None
