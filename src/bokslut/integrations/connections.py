"""Services for the connection lifecycle: connect, confirm, disconnect, service accounts, errors."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, MutableMapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from bokslut.firms.models import Client
from bokslut.fortnox import (
    FortnoxClient,
    FortnoxError,
    FortnoxUnavailable,
    NeedsReauthorization,
    RateLimited,
    ServerError,
    TokenSet,
    UnexpectedResponse,
)
from bokslut.integrations.areas import REQUESTED_SCOPES
from bokslut.integrations.clients import fortnox_client_for, fortnox_oauth
from bokslut.integrations.errors import ConnectionNotReady, ConsentDenied, OAuthStateError
from bokslut.integrations.licences import detect_licences
from bokslut.integrations.models import Connection, ConnectionKind, ConnectionStatus
from bokslut.integrations.oauth_state import state_issue, state_take
from bokslut.integrations.signals import connection_status_changed
from bokslut.integrations.tokens import DatabaseTokenStore

__all__ = [
    "connection_assert_can_sync",
    "connection_complete",
    "connection_confirm_org_number",
    "connection_detect_licences",
    "connection_disconnect",
    "connection_get_or_create",
    "connection_record_error",
    "connection_record_success",
    "connection_refresh_licences",
    "connection_service_account",
    "connection_set_status",
    "connection_start",
]

logger = logging.getLogger(__name__)

#: Views pass ``request.user``; tasks and the CLI pass a user or None.
UserLike = AbstractBaseUser | AnonymousUser


def _user_id(user: UserLike) -> int:
    if not user.is_authenticated or user.pk is None:
        raise OAuthStateError("Logga in för att ansluta Fortnox.")
    return int(user.pk)


def connection_get_or_create(*, client: Client) -> Connection:
    """The client's connection, created as ``ej ansluten`` if it has none."""
    connection, _ = Connection.objects.get_or_create(client=client)
    return connection


def connection_set_status(
    *, connection: Connection, status: ConnectionStatus, last_error: str | None = None
) -> Connection:
    """Change the status (and optionally the error), sending the signal only on a change."""
    old = Connection.objects.filter(pk=connection.pk).values_list("status", flat=True).first()
    fields: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if last_error is not None:
        fields["last_error"] = last_error
        fields["last_error_at"] = timezone.now() if last_error else None
    Connection.objects.filter(pk=connection.pk).update(**fields)
    for name, value in fields.items():
        setattr(connection, name, value)
    if old != status:
        connection_status_changed.send(
            sender=Connection, connection=connection, old_status=old, new_status=status
        )
    return connection


#: Errors that may pass by themselves (rate limit, Fortnox down or answering garbage):
#: one of them leaves the status alone, :data:`FAILURES_BEFORE_FEL` in a row make it ``fel``.
TRANSIENT_ERRORS = (RateLimited, ServerError, FortnoxUnavailable, UnexpectedResponse)
#: Failed syncs in a row (the last one included) after which even transient errors mean ``fel``.
FAILURES_BEFORE_FEL = 3


def connection_record_error(
    *, connection: Connection, error: BaseException, failures: int = 1
) -> Connection:
    """Record a failure and set the status it calls for.

    * re-approval needed → ``behöver godkännas igen``;
    * any other Fortnox error that will not pass by waiting (a missing licence, a refused
      request, an unknown app) → ``fel``;
    * a transient error (:data:`TRANSIENT_ERRORS`) or one outside Fortnox (a SIE file that
      cannot be read …) → ``fel`` once ``failures`` (failed syncs in a row, this one
      included) reaches :data:`FAILURES_BEFORE_FEL`; before that the status is kept, since
      the next sync will likely succeed.

    A connection that is not ``aktiv`` (disconnected, never connected) keeps its status.
    The message stored is the Swedish ``user_message`` of a Fortnox error.
    """
    message = error.user_message if isinstance(error, FortnoxError) else str(error)
    if isinstance(error, NeedsReauthorization):
        return connection_set_status(
            connection=connection, status=ConnectionStatus.BEHOVER_GODKANNAS, last_error=message
        )
    lasting = isinstance(error, FortnoxError) and not isinstance(error, TRANSIENT_ERRORS)
    if connection.status in (ConnectionStatus.AKTIV, ConnectionStatus.FEL) and (
        lasting or failures >= FAILURES_BEFORE_FEL
    ):
        return connection_set_status(
            connection=connection, status=ConnectionStatus.FEL, last_error=message
        )
    now = timezone.now()
    Connection.objects.filter(pk=connection.pk).update(
        last_error=message, last_error_at=now, updated_at=now
    )
    connection.last_error, connection.last_error_at = message, now
    return connection


def connection_record_success(*, connection: Connection) -> Connection:
    """After a successful sync: clear the error; an errored connection is active again."""
    if connection.status == ConnectionStatus.FEL:
        return connection_set_status(
            connection=connection, status=ConnectionStatus.AKTIV, last_error=""
        )
    Connection.objects.filter(pk=connection.pk).update(last_error="", last_error_at=None)
    connection.last_error, connection.last_error_at = "", None
    return connection


def connection_assert_can_sync(*, connection: Connection) -> None:
    """Raise :class:`ConnectionNotReady` (Swedish message) unless a sync may run."""
    # ``fel`` may sync: it is how the connection proves itself again (see
    # connection_record_success); the tokens are still there.
    if connection.status not in (ConnectionStatus.AKTIV, ConnectionStatus.FEL):
        raise ConnectionNotReady(
            f"Fortnox-kopplingen är inte aktiv (status: {connection.get_status_display()})."
            + (f" {connection.last_error}" if connection.last_error else "")
        )
    if connection.org_number_mismatch and not connection.org_number_confirmed:
        raise ConnectionNotReady(
            f"Organisationsnumret i Fortnox ({connection.org_number}) skiljer sig från "
            f"klientens ({connection.client.org_number}). Bekräfta kopplingen innan du synkar."
        )


def connection_start(
    *,
    client: Client,
    user: UserLike,
    session: MutableMapping[str, Any],
    next_url: str = "/",
) -> str:
    """The Fortnox authorization URL to send ``user`` to; the state is kept in ``session``."""
    state = state_issue(session, client_id=client.pk, user_id=_user_id(user), next_url=next_url)
    url, _ = fortnox_oauth().authorization_url(scopes=REQUESTED_SCOPES, state=state)
    return url


def connection_complete(
    *,
    session: MutableMapping[str, Any],
    state: str,
    code: str,
    user: UserLike,
    error: str = "",
) -> Connection:
    """Finish the consent: check the state, trade the code, read the company, detect licences.

    Raises :class:`OAuthStateError` for a forged, replayed or expired state (before anything
    is sent to Fortnox), :class:`ConsentDenied` if the user declined, and Fortnox's typed
    errors if the exchange fails. A differing org.nr leaves ``org_number_confirmed`` False,
    which blocks syncs until :func:`connection_confirm_org_number`.
    """
    pending = state_take(session, state, user_id=_user_id(user))
    client = Client.objects.get(pk=pending.client_id)
    if error or not code:
        raise ConsentDenied(
            "Anslutningen till Fortnox avbröts eller nekades. Inga uppgifter har hämtats."
        )
    tokens = fortnox_oauth().exchange_code(code)
    return _connect(client=client, tokens=tokens, user=user, kind=ConnectionKind.AUTHORIZATION_CODE)


def connection_service_account(
    *, client: Client, tenant_id: str | int, user: UserLike | None
) -> Connection:
    """Connect with client credentials for ``tenant_id`` (Fortnox's service-account flow)."""
    tokens = fortnox_oauth().client_credentials(tenant_id)
    return _connect(
        client=client,
        tokens=tokens,
        user=user,
        kind=ConnectionKind.SERVICE_ACCOUNT,
        tenant_id=str(tenant_id),
    )


def _connect(
    *,
    client: Client,
    tokens: TokenSet,
    user: UserLike | None,
    kind: ConnectionKind,
    tenant_id: str = "",
) -> Connection:
    connection = connection_get_or_create(client=client)
    old_status = connection.status
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        connection.kind = kind
        connection.tenant_id = tenant_id
        connection.scopes = sorted(set(tokens.scope.split()))
        connection.org_number_confirmed = False
        connection.connected_at = timezone.now()
        connection.connected_by = user if user is not None and user.is_authenticated else None  # type: ignore[assignment]
        connection.save()
        DatabaseTokenStore(connection.pk).save(tokens)
    try:
        with fortnox_client_for(connection=connection) as fortnox:
            info = fortnox.company_information()
            connection.tenant_id = str(info.database_number or tenant_id)
            connection.company_name = info.company_name
            connection.org_number = info.organization_number or ""
            connection.save(update_fields=["tenant_id", "company_name", "org_number"])
            _store_licences(connection, fortnox)
    except FortnoxError as exc:
        connection_set_status(
            connection=connection, status=ConnectionStatus.FEL, last_error=exc.user_message
        )
        raise
    connection.refresh_from_db()
    connection.status = old_status  # so the signal sees the real transition
    return connection_set_status(
        connection=connection, status=ConnectionStatus.AKTIV, last_error=""
    )


def _store_licences(connection: Connection, fortnox: FortnoxClient) -> None:
    connection.licences = detect_licences(fortnox, connection.scopes, known=("companyinformation",))
    connection.licences_checked_at = timezone.now()
    connection.save(update_fields=["licences", "licences_checked_at"])


def connection_detect_licences(*, connection: Connection) -> Connection:
    """Probe again which granted scopes answer (after the customer changed licences)."""
    try:
        with fortnox_client_for(connection=connection) as fortnox:
            _store_licences(connection, fortnox)
    except FortnoxError as exc:
        connection_record_error(connection=connection, error=exc)
        raise
    return connection


#: How often granted scopes without a licence are probed again (a licence may be bought).
LICENCE_RECHECK = dt.timedelta(days=1)


def connection_refresh_licences(
    *,
    connection: Connection,
    fortnox: FortnoxClient,
    answered: Iterable[str],
    refused: Iterable[str],
    now: dt.datetime | None = None,
) -> list[str]:
    """After a sync: bring the stored licences up to date; returns the scopes now licensed.

    ``answered`` and ``refused`` are the scopes whose endpoints the sync saw answer or refuse
    for a missing licence. A refusal (a licence gone) makes this probe every granted scope
    again, so the settings page shows each unavailable area with its reason. Otherwise the
    scopes seen answering are added for free, and at most once per :data:`LICENCE_RECHECK`
    only the granted scopes still without a licence are probed: none when every granted
    scope is licensed, so a sync with nothing new costs no request more. Fortnox errors
    other than a missing licence propagate (a transient failure proves nothing).
    """
    moment = now or timezone.now()
    granted = set(connection.scopes or [])
    seen, gone = set(answered) & granted, set(refused) & granted
    stored = set(connection.licences or [])
    checked = connection.licences_checked_at
    recheck = checked is None or moment - checked >= LICENCE_RECHECK
    licences = stored | seen
    if gone:
        licences = set(detect_licences(fortnox, granted, known=seen))
    elif recheck:
        unlicensed = granted - licences
        if unlicensed:
            licences |= set(detect_licences(fortnox, unlicensed))
    elif licences == stored:
        return sorted(stored)
    connection.licences = sorted(licences)
    if gone or recheck:
        connection.licences_checked_at = moment
    connection.save(update_fields=["licences", "licences_checked_at", "updated_at"])
    return sorted(licences)


def connection_confirm_org_number(*, connection: Connection, user: UserLike) -> Connection:
    """A person accepts that Fortnox's org.nr differs from the client's; syncs may run."""
    connection.org_number_confirmed = True
    connection.save(update_fields=["org_number_confirmed", "updated_at"])
    logger.info("org.nr difference confirmed for connection %s by user %s", connection.pk, user.pk)
    return connection


def connection_disconnect(*, connection: Connection, user: UserLike | None) -> Connection:
    """Revoke the grant at Fortnox, forget the tokens and mark the connection ``frånkopplad``.

    A revoke that fails (Fortnox unreachable) is recorded in ``last_error``; the tokens are
    forgotten regardless, since the user asked us to stop using them.
    """
    store = DatabaseTokenStore(connection.pk)
    revoke_error = ""
    with transaction.atomic(durable=True):
        list(Connection.objects.select_for_update().filter(pk=connection.pk).values_list("pk"))
        tokens = store.load()
        if tokens is not None:
            token = tokens.refresh_token or tokens.access_token
            hint = "refresh_token" if tokens.refresh_token else "access_token"
            try:
                fortnox_oauth().revoke(token, token_type_hint=hint)
            except FortnoxError as exc:
                revoke_error = (
                    "Kopplingen kunde inte återkallas i Fortnox "
                    f"({exc.user_message}) men bokslut använder den inte längre."
                )
        Connection.objects.filter(pk=connection.pk).update(
            access_token_encrypted="", refresh_token_encrypted="", token_expires_at=None
        )
    connection.refresh_from_db()
    logger.info("connection %s disconnected by %s", connection.pk, getattr(user, "pk", None))
    return connection_set_status(
        connection=connection, status=ConnectionStatus.FRANKOPPLAD, last_error=revoke_error
    )
