"""Telling the firm when a client needs a person: once per incident, in the app and by e-mail.

An incident is a (kind, client) pair. :func:`notice_raise` creates the in-app
:class:`~bokslut.automation.models.Notice` and sends the e-mail only if no notice for the
same incident is still open; the partial unique constraint on ``dedupe_key`` makes that
hold across processes. :func:`notice_clear` closes the incident when the condition is gone,
so the next time it happens the firm hears about it again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from bokslut.automation.models import Notice, NoticeKind
from bokslut.firms.models import Client, Firm

logger = logging.getLogger(__name__)


def dedupe_key(*, kind: str, client: Client) -> str:
    """The incident's name: one open notice per kind and client."""
    return f"{kind}:client:{client.pk}"


def notification_recipients(firm: Firm) -> list[str]:
    """Who is mailed: ``settings.BOKSLUT_NOTIFY_EMAILS`` if set, else the firm's active users."""
    configured = getattr(settings, "BOKSLUT_NOTIFY_EMAILS", None)
    if configured:
        return sorted({address.strip() for address in configured if address.strip()})
    users = get_user_model().objects.filter(membership__firm=firm, is_active=True, email__gt="")
    return sorted({user.email for user in users})


def notice_raise(*, client: Client, kind: NoticeKind, text: str) -> Notice | None:
    """Open an incident and notify the firm, or return None if it is already open."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                firm_id=client.firm_id,
                client=client,
                kind=kind,
                text=text,
                dedupe_key=dedupe_key(kind=kind, client=client),
            )
    except IntegrityError:
        return None
    _send_email(notice, client)
    return notice


def notice_clear(*, client: Client, kind: NoticeKind) -> int:
    """Close the client's open incident of ``kind``; returns how many were open (0 or 1)."""
    return Notice.objects.filter(
        dedupe_key=dedupe_key(kind=kind, client=client), cleared_at__isnull=True
    ).update(cleared_at=timezone.now())


def notice_mark_read(*, notice: Notice) -> Notice:
    """Record that someone in the firm has seen the notice."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def _send_email(notice: Notice, client: Client) -> None:
    recipients = notification_recipients(client.firm)
    if not recipients:
        return
    subject = f"bokslut: {client.name} – {notice.get_kind_display()}"
    try:
        send_mail(subject, notice.text, None, recipients, fail_silently=False)
    except Exception:
        # The in-app notice already stands; a mail server outage must not fail the sync.
        logger.exception("could not e-mail notice %s", notice.pk)
        return
    Notice.objects.filter(pk=notice.pk).update(emailed_to=", ".join(recipients))


def needs_reapproval_text(client: Client) -> str:
    """The notice for a connection that Fortnox no longer accepts."""
    return (
        f"Fortnox-kopplingen för {client.name} ({client.org_number}) behöver godkännas igen. "
        "Synkningen är pausad tills någon med behörighet i Fortnox har godkänt kopplingen "
        "på nytt under Integrationer."
    )


def scheduled_sync_failing_text(client: Client, *, failures: int, error: str) -> str:
    """The notice for a scheduled sync that keeps failing."""
    text = (
        f"Den schemalagda synkningen för {client.name} ({client.org_number}) har misslyckats "
        f"{failures} gånger i rad."
    )
    if error:
        text += f" Senaste fel: {error}"
    return text
