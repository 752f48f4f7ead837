"""``bokslut api-token``: create (the token is printed once), list and revoke API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bokslut.api.tokens import token_create, token_list, token_revoke


class Command(BaseCommand):
    """Personal API tokens of one user."""

    help = "skapa, lista eller återkalla personliga API-nycklar (Authorization: Bearer)"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="skapa en nyckel (visas bara nu)")
        create.add_argument("--user", required=True, help="användarnamn")
        create.add_argument("--name", default="API-nyckel", help="vad nyckeln används till")
        listing = actions.add_parser("list", help="lista användarens nycklar")
        listing.add_argument("--user", required=True, help="användarnamn")
        revoke = actions.add_parser("revoke", help="återkalla en nyckel")
        revoke.add_argument("--user", required=True, help="användarnamn")
        revoke.add_argument("--id", type=int, required=True, help="nyckelns id (se list)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["user"])
        action = options["action"]
        if action == "create":
            token, secret = token_create(user=user, name=options["name"])
            self.stdout.write(f"API-nyckel {token.pk} ({token.name}) för {user.username}:")
            self.stdout.write(secret)
            self.stdout.write("Spara den nu: den visas inte igen, bara dess prefix.")
        elif action == "list":
            for token in token_list(user=user):
                state = "aktiv" if token.active else "återkallad"
                used = f"{token.last_used:%Y-%m-%d %H:%M}" if token.last_used else "aldrig"
                self.stdout.write(
                    f"{token.pk:>5}  {token.prefix}…  {token.name}  {state}  använd: {used}"
                )
        else:
            revoked = token_revoke(user=user, token_id=options["id"])
            if revoked is None:
                raise CommandError(f"{user.username} har ingen API-nyckel {options['id']}")
            self.stdout.write(f"API-nyckel {revoked.pk} ({revoked.prefix}…) är återkallad.")


def _user(username: str) -> User:
    found = get_user_model().objects.filter(username=username).first()
    if not isinstance(found, User):
        raise CommandError(f"användaren {username!r} finns inte")
    return found
