"""Labels the Fortnox pages show from other apps' choices, marked here for translation.

The integrations app defines its choices in Swedish without gettext; the templates pass
them through ``{% translate %}``, and these markers put them in the English catalogue.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

__all__ = ["CHOICE_LABELS"]

CHOICE_LABELS: tuple[str, ...] = (
    # integrations.areas.Area
    gettext_noop("Företagsinformation"),
    gettext_noop("Räkenskapsår"),
    gettext_noop("Kontoplan"),
    gettext_noop("Ingående och utgående balanser"),
    gettext_noop("Periodsaldon"),
    gettext_noop("Verifikationer"),
    gettext_noop("Verifikationsserier"),
    gettext_noop("Kostnadsställen"),
    gettext_noop("Projekt"),
    gettext_noop("Kunder"),
    gettext_noop("Leverantörer"),
    gettext_noop("Kundfakturor"),
    gettext_noop("Leverantörsfakturor"),
    gettext_noop("Anläggningstillgångar"),
    gettext_noop("Låst period"),
    # integrations.models.ChartPolicy, BalancePolicy, Schedule
    gettext_noop("Ta namn, SRU-koder och aktiv-flagga från Fortnox"),
    gettext_noop("Behåll lokala ändringar, lägg bara till nya konton"),
    gettext_noop("Ingående balanser från Fortnox"),
    gettext_noop("Ingående balanser från föregående års utgående"),
    gettext_noop("Manuellt"),
    gettext_noop("Varje natt"),
    gettext_noop("Varje timme"),
)
