"""What to do about a failed sync, in clear Swedish, next to the reason the engine recorded.

The engine stores the reason as the Swedish ``user_message`` of the Fortnox error (or its
own message); each Fortnox error class has a fixed default message, so the advice is chosen
by which of those the reason is, and by the connection's status, which says more than the
text when Fortnox no longer accepts the grant.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bokslut import fortnox as fx
from bokslut.integrations.models import Connection, ConnectionStatus
from bokslut.sync.models import SyncRun

__all__ = ["run_advice"]

_REAPPROVE = _(
    "Gå till Integrationer och klicka på Godkänn igen. Logga in i Fortnox, godkänn "
    "kopplingen och starta sedan synkroniseringen på nytt."
)
_CONNECT = _("Gå till Integrationer och anslut klienten till Fortnox innan du synkroniserar.")
_CONFIRM = _(
    "Organisationsnumret i Fortnox skiljer sig från klientens. Kontrollera att rätt företag "
    "är anslutet och bekräfta kopplingen under Integrationer."
)

_BY_MESSAGE: dict[str, Promise] = {
    fx.NeedsReauthorization.default_user_message: _REAPPROVE,
    fx.InvalidClient.default_user_message: _(
        "bokslut:s inloggningsuppgifter hos Fortnox godtas inte. Be den som driftar bokslut "
        "att kontrollera klient-id och hemlighet för Fortnox-integrationen."
    ),
    fx.LicenceMissing.default_user_message: _(
        "Kontrollera företagets licenser i Fortnox, eller stäng av dataområdet under "
        "Inställningar för Fortnox och synkronisera igen."
    ),
    fx.RateLimited.default_user_message: _(
        "Vänta några minuter och starta synkroniseringen igen; det som redan hämtats finns kvar."
    ),
    fx.ServerError.default_user_message: _(
        "Fortnox har tillfälliga problem. Försök igen om en stund; det som redan hämtats "
        "finns kvar."
    ),
    fx.FortnoxUnavailable.default_user_message: _(
        "Kontrollera internetanslutningen och försök igen om en stund."
    ),
    fx.UnexpectedResponse.default_user_message: _(
        "Starta synkroniseringen igen. Händer det flera gånger, kontakta supporten och ange "
        "synkroniseringens nummer."
    ),
}

_FALLBACK = _(
    "Försök synkronisera igen. Kvarstår felet, kontakta supporten och ange "
    "synkroniseringens nummer."
)


def run_advice(run: SyncRun | None, connection: Connection | None) -> str | Promise:
    """The next step after ``run`` failed ("" when it did not fail)."""
    if run is None or run.status != SyncRun.Status.FAILED:
        return ""
    if connection is None or connection.status in (
        ConnectionStatus.EJ_ANSLUTEN,
        ConnectionStatus.FRANKOPPLAD,
    ):
        return _CONNECT
    if connection.status == ConnectionStatus.BEHOVER_GODKANNAS:
        return _REAPPROVE
    if connection.org_number_mismatch and not connection.org_number_confirmed:
        return _CONFIRM
    for message, advice in _BY_MESSAGE.items():
        if message in run.error:
            return advice
    return _FALLBACK
