"""Keeping a valid access token: load from the store, refresh under its lock."""

from __future__ import annotations

from collections.abc import Callable

from bokslut.fortnox._errors import NeedsReauthorization
from bokslut.fortnox._oauth import FortnoxOAuth
from bokslut.fortnox._tokens import TokenSet, TokenStore

__all__ = ["TokenKeeper"]


class TokenKeeper:
    """Hands out the current access token and refreshes it safely when it has expired.

    A refresh takes the store's lock, re-reads the store, and refreshes only if the
    tokens there are still the stale ones: if another thread or process refreshed
    meanwhile, its result is used and the (now dead) old refresh token is never sent.
    """

    def __init__(
        self,
        store: TokenStore,
        oauth: FortnoxOAuth | None,
        *,
        clock: Callable[[], float],
        leeway: float = 60.0,
    ) -> None:
        self.store = store
        self.oauth = oauth
        self._clock = clock
        self._leeway = leeway

    def __repr__(self) -> str:
        return f"TokenKeeper(store={self.store!r})"

    def current(self) -> TokenSet:
        """Tokens to use now, refreshed first if the access token has (nearly) expired."""
        tokens = self.store.load()
        if tokens is None:
            raise NeedsReauthorization("no tokens stored for this connection")
        if tokens.expired(self._clock(), leeway=self._leeway):
            return self.refresh(tokens)
        return tokens

    def refresh(self, stale: TokenSet) -> TokenSet:
        """Replace ``stale`` tokens, unless someone else already did."""
        if self.oauth is None:
            raise NeedsReauthorization("access token expired and no OAuth client to refresh it")
        with self.store.lock():
            current = self.store.load()
            if current is None:
                raise NeedsReauthorization("no tokens stored for this connection")
            if current.access_token != stale.access_token and not current.expired(
                self._clock(), leeway=self._leeway
            ):
                return current
            if current.refresh_token:
                fresh = self.oauth.refresh(current.refresh_token)
                fresh = fresh.with_tenant(current.tenant_id)
            elif current.tenant_id:
                fresh = self.oauth.client_credentials(current.tenant_id)
            else:
                raise NeedsReauthorization("access token expired and there is no refresh token")
            self.store.save(fresh)
            return fresh
