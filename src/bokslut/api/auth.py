"""``Authorization: Bearer <token>`` authentication for the API."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer

from bokslut.api.tokens import token_authenticate

__all__ = ["ApiTokenAuth", "api_user"]


class ApiTokenAuth(HttpBearer):
    """Personal API tokens; the authenticated user becomes ``request.auth``."""

    def __call__(self, request: HttpRequest) -> User | None:
        # Replaces HttpBearer.__call__, which logs the whole Authorization header (the
        # token) under DEBUG when the scheme is not "Bearer": no token ever reaches a log.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """The token's user, or None (answered with 401)."""
        return token_authenticate(token)


def api_user(request: HttpRequest) -> User:
    """The user the request's token belongs to (set by :class:`ApiTokenAuth`)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - every route requires the token
        raise PermissionError("unauthenticated API request")
    return user
