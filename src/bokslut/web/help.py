"""Short in-app help for each page, in Swedish, in the voice of the getting-started article."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["PAGE_HELP", "PageHelp"]


@dataclass(frozen=True)
class PageHelp:
    """A page's help: a title and a few sentences."""

    title: str | Promise
    text: str | Promise


PAGE_HELP: dict[str, PageHelp] = {
    "clients": PageHelp(
        _("Om klientlistan"),
        _(
            "Här ser du alla klienter du arbetar med och hur deras koppling till Fortnox mår. "
            "Statusen visar om anslutningen är aktiv, om den behöver godkännas igen eller om "
            "något gick fel vid senaste synkroniseringen. Använd filtren för att snabbt hitta "
            "klienter som behöver din uppmärksamhet, till exempel de som inte synkats på "
            "en vecka."
        ),
    ),
    "trial_balance": PageHelp(
        _("Om saldobalansen"),
        _(
            "Saldobalansen visar varje kontos ingående balans, årets rörelse och utgående "
            "balans. Den utgående balansen räknas fram ur verifikationerna och jämförs med "
            "den som Fortnox eller SIE-filen anger, så att du direkt ser om något inte "
            "stämmer. Byt räkenskapsår med väljaren överst och klicka på ett konto för att "
            "se dess huvudbok."
        ),
    ),
    "ledger": PageHelp(
        _("Om huvudboken"),
        _(
            "Huvudboken visar ett konto i taget: ingående balans, varje transaktion i "
            "datumordning med saldot efter den, och utgående balans. Strukna rader räknas "
            "inte med. Klicka på en verifikation för att se alla dess rader."
        ),
    ),
    "vouchers": PageHelp(
        _("Om verifikationerna"),
        _(
            "Här hittar du årets verifikationer. Filtrera på serie, datum, konto eller text "
            "för att snabbt hitta det du letar efter. Beloppet är verifikationens summa "
            "debet."
        ),
    ),
    "voucher": PageHelp(
        _("Om verifikationen"),
        _(
            "Verifikationen visas med alla sina rader, precis som den är bokförd. En rad som "
            "har strukits i efterhand visas överstruken och räknas inte med i saldona; en "
            "rad som lagts till i efterhand är markerad."
        ),
    ),
    "client_create": PageHelp(
        _("Om nya klienter"),
        _(
            "Lägg till klientföretaget med namn och organisationsnummer. Därefter kommer du "
            "till Integrationer, där du ansluter företaget till Fortnox så att bokföringen "
            "kan hämtas automatiskt i stället för att exporteras för hand."
        ),
    ),
    "integrations": PageHelp(
        _("Om integrationen med Fortnox"),
        _(
            "För att data ska kunna hämtas behöver kopplingen till Fortnox vara aktiv. "
            "Kontrollera att statusen visar Aktiv. Har du inte anslutit ännu klickar du på "
            "Anslut till Fortnox och godkänner kopplingen i Fortnox. Visar statusen att "
            "kopplingen behöver godkännas igen klickar du på Godkänn igen; dina inställningar "
            "och den data som redan hämtats finns kvar."
        ),
    ),
    "fortnox_settings": PageHelp(
        _("Om inställningarna för Fortnox"),
        _(
            "Här styr du vilken data som ska synkroniseras och hur kontoplaner och saldon "
            "ska hanteras. Säkerställ att inställningarna matchar ditt abonnemang och "
            "företagets licenser i Fortnox: områden som inte ingår visas men går inte att "
            "välja, och skälet står bredvid. Välj också hur många år bakåt som ska hämtas "
            "och om synkroniseringen ska ske automatiskt."
        ),
    ),
    "sync": PageHelp(
        _("Om synkroniseringen"),
        _(
            "När du är redo att arbeta med färsk data klickar du på Synkronisera. Du ser hur "
            "varje dataområde hämtas och får sedan en sammanfattning. En ny synkronisering "
            "uppdaterar det som redan finns i stället för att lägga till dubbletter, och "
            "listan Nytt sedan senaste synkroniseringen visar exakt vad som ändrats. "
            "Fortnox berättar inte när en verifikation tas bort; Fullständig jämförelse "
            "hämtar om alla år och visar även det som försvunnit. "
            "Nästa steg är att göra en avstämning och se att de hämtade värdena stämmer "
            "med ditt underlag."
        ),
    ),
    "sync_run": PageHelp(
        _("Om synkroniseringens detaljer"),
        _(
            "Här ser du vad en synkronisering hämtade per dataområde, hur många anrop den "
            "gjorde till Fortnox och vad som ändrades. Misslyckades den står orsaken överst "
            "tillsammans med vad du kan göra; det som redan hämtats finns kvar."
        ),
    ),
}
