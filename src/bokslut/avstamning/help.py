"""In-app help of the avstämning pages, in Swedish."""

from __future__ import annotations

HELP = {
    "grid": {
        "title": "Om avstämningen",
        "text": (
            "Här stämmer du av varje balanskonto mot dess underlag, period för period. "
            "Grönt betyder avstämt och signerat, gult en förklarad differens, rött en "
            "differens eller ett konto som inte är klart, grått att kontot saknar aktivitet. "
            "Kontrollerna körs automatiskt efter varje synkronisering; du kan också köra dem "
            "när du vill. Ditt arbete sparas separat från den synkade bokföringen och finns "
            "kvar efter varje ny synk. Ändras ett saldo efter att du signerat visas det som "
            "”ändrat efter avstämning” med gammalt och nytt belopp."
        ),
    },
    "cell": {
        "title": "Så stämmer du av ett konto",
        "text": (
            "Lägg till underlag: ladda upp ett kontoutdrag (camt.053 eller bankens CSV-export) "
            "för bankkonton 1910–1940, skattekontots transaktioner för 1630, eller ange ett "
            "belopp och bifoga filen det kommer från. För 1510 och 2440 används kund- och "
            "leverantörsreskontran automatiskt, och för anläggningskontona (t.ex. 1220/1229) "
            "anläggningsregistret: anskaffningsvärden per grupp och, vid årets slut, "
            "ackumulerade avskrivningar. När differensen är noll signerar du "
            "avstämningen; finns en differens som är i sin ordning, förklara den. Tillåtna "
            "filer: PDF, PNG, JPG, CSV, TXT, XML och XLSX, högst 10 MB."
        ),
    },
}
