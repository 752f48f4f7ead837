"""The OAuth state: random, bound to session, user and client, single use, ten minutes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bokslut.integrations.errors import OAuthStateError
from bokslut.integrations.oauth_state import STATE_LIFETIME, state_issue, state_take


def test_a_state_is_accepted_once_for_its_client() -> None:
    session: dict[str, Any] = {}
    state = state_issue(session, client_id=7, user_id=3, next_url="/klienter/7", now=1000.0)
    pending = state_take(session, state, user_id=3, now=1001.0)
    assert (pending.client_id, pending.user_id, pending.next_url) == (7, 3, "/klienter/7")


def test_replayed_state_is_refused() -> None:
    session: dict[str, Any] = {}
    state = state_issue(session, client_id=7, user_id=3, now=1000.0)
    state_take(session, state, user_id=3, now=1001.0)
    with pytest.raises(OAuthStateError, match="redan använd"):
        state_take(session, state, user_id=3, now=1002.0)


def test_expired_state_is_refused_and_cannot_be_retried() -> None:
    session: dict[str, Any] = {}
    state = state_issue(session, client_id=7, user_id=3, now=1000.0)
    with pytest.raises(OAuthStateError, match="10 minuter"):
        state_take(session, state, user_id=3, now=1000.0 + STATE_LIFETIME + 1)
    with pytest.raises(OAuthStateError, match="redan använd"):
        state_take(session, state, user_id=3, now=1001.0)


def test_state_from_another_session_is_refused() -> None:
    mine: dict[str, Any] = {}
    theirs: dict[str, Any] = {}
    state = state_issue(theirs, client_id=7, user_id=4, now=1000.0)
    with pytest.raises(OAuthStateError):
        state_take(mine, state, user_id=3, now=1001.0)


def test_state_started_by_another_user_is_refused() -> None:
    session: dict[str, Any] = {}
    state = state_issue(session, client_id=7, user_id=4, now=1000.0)
    with pytest.raises(OAuthStateError, match="annan användare"):
        state_take(session, state, user_id=3, now=1001.0)


def test_empty_state_is_refused() -> None:
    session: dict[str, Any] = {}
    state_issue(session, client_id=7, user_id=3, now=1000.0)
    with pytest.raises(OAuthStateError):
        state_take(session, "", user_id=3, now=1001.0)


@given(st.text(max_size=60))
def test_any_forged_state_is_refused(forged: str) -> None:
    session: dict[str, Any] = {}
    real = state_issue(session, client_id=7, user_id=3, now=1000.0)
    if forged == real:
        return
    with pytest.raises(OAuthStateError):
        state_take(session, forged, user_id=3, now=1001.0)
    # The real one still works: a forgery does not burn other pending consents.
    assert state_take(session, real, user_id=3, now=1001.0).client_id == 7


def test_states_are_random_and_a_session_keeps_only_a_few() -> None:
    session: dict[str, Any] = {}
    states = [state_issue(session, client_id=i, user_id=3, now=1000.0 + i) for i in range(20)]
    assert len(set(states)) == 20
    assert all(len(s) >= 40 for s in states)
    assert len(session["bokslut_fortnox_oauth_states"]) == 5
    assert state_take(session, states[-1], user_id=3, now=1030.0).client_id == 19
