"""The caller's own API tokens: list and revoke (creating one is ``bokslut api-token``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router

from bokslut.api.auth import api_user
from bokslut.api.models import ApiToken
from bokslut.api.schemas import ERRORS, TokenOut
from bokslut.api.tokens import token_list, token_revoke

router = Router(tags=["API-nycklar"])


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        created=token.created,
        last_used=token.last_used,
        active=token.active,
    )


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="Mina API-nycklar")
def tokens_list(request: HttpRequest) -> list[TokenOut]:
    """The caller's tokens (prefix only; the secret is shown once, at creation)."""
    return [_token_out(t) for t in token_list(user=api_user(request))]


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, **ERRORS},
    summary="Återkalla en API-nyckel",
)
def tokens_revoke(request: HttpRequest, token_id: int) -> TokenOut:
    """Revoke one of the caller's tokens; another user's token is a 404."""
    token = token_revoke(user=api_user(request), token_id=token_id)
    if token is None:
        raise Http404("API-nyckeln finns inte.")
    return _token_out(token)
