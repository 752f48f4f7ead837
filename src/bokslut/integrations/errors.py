"""Errors of the integrations services, each with a Swedish message fit for the user."""

from __future__ import annotations


class IntegrationError(Exception):
    """Base: ``str(error)`` is a Swedish message for the user."""


class OAuthStateError(IntegrationError):
    """The OAuth callback's ``state`` is forged, replayed, expired or not the user's."""


class ConsentDenied(IntegrationError):
    """The user (or Fortnox) declined the consent."""


class ConnectionNotReady(IntegrationError):
    """The connection cannot be used for a sync (not active, or org.nr not confirmed)."""
