"""The NinjaAPI instance mounted at ``/api/``: OpenAPI at ``/api/openapi.json``, docs at
``/api/docs``. Every route requires a personal API token (``Authorization: Bearer``).
"""

from __future__ import annotations

from ninja import NinjaAPI

from bokslut.api.auth import ApiTokenAuth
from bokslut.api.routers import clients, ledger, sync, tokens

api = NinjaAPI(
    title="bokslut API",
    version="1",
    description=(
        "Klienter, Fortnox-kopplingar, synkningar och bokföring. Autentisera med en personlig "
        "API-nyckel: `Authorization: Bearer bks_…` (skapas med `bokslut api-token create`). "
        "Belopp är exakta decimalsträngar i kronor med två decimaler, debet positivt."
    ),
    auth=ApiTokenAuth(),
    urls_namespace="api",
)
api.add_router("", clients.router)
api.add_router("", sync.router)
api.add_router("", ledger.router)
api.add_router("", tokens.router)
