"""A separate process for the concurrent-refresh test (run as a script, not collected).

``setup DB_KIND TOKENS_JSON``: create a firm, client and connection holding the tokens.
``call CONNECTION_ID START_AT``: at START_AT (epoch seconds), read companyinformation, with
a token endpoint made slow (half a second) so that two unserialised refreshes would overlap.
Configuration comes from the environment (database URL, Fortnox URLs, Fernet keys).
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bokslut.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bokslut.firms.models import Client, Firm
    from bokslut.fortnox import FortnoxOAuth, TokenSet
    from bokslut.integrations.clients import fortnox_client_for
    from bokslut.integrations.models import Connection
    from bokslut.integrations.tokens import DatabaseTokenStore

    role = argv[0]
    if role == "setup":
        if argv[1] == "sqlite":
            call_command("migrate", verbosity=0)
        firm = Firm.objects.create(name="Byrån")
        client = Client.objects.create(firm=firm, name="Vinterviks", org_number="551655-9795")
        connection = Connection.objects.create(client=client, status="aktiv", tenant_id="1001")
        DatabaseTokenStore(connection.pk).save(TokenSet.from_json(argv[2]))
        print(connection.pk)
        return 0
    connection = Connection.objects.get(pk=int(argv[1]))
    real_refresh = FortnoxOAuth.refresh

    def slow_refresh(self: FortnoxOAuth, refresh_token: str) -> TokenSet:
        time.sleep(0.5)
        return real_refresh(self, refresh_token)

    FortnoxOAuth.refresh = slow_refresh  # type: ignore[method-assign]
    time.sleep(max(0.0, float(argv[2]) - time.time()))
    with fortnox_client_for(connection=connection) as fortnox:
        number = fortnox.company_information().database_number
    print(json.dumps({"database_number": number}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
