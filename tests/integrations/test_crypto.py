"""Tokens at rest: Fernet with rotation (first key encrypts, every key decrypts)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from bokslut.firms.models import Client
from bokslut.fortnox import TokenSet
from bokslut.integrations import crypto
from bokslut.integrations.models import Connection
from bokslut.integrations.rotation import tokens_reencrypt_all
from bokslut.integrations.tokens import DatabaseTokenStore

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_without_configured_keys_a_key_derived_from_secret_key_is_used(settings: Any) -> None:
    settings.BOKSLUT_FERNET_KEYS = []
    secret = crypto.encrypt("rt-123")
    assert "rt-123" not in secret
    assert Fernet(crypto.derived_key(settings.SECRET_KEY)).decrypt(secret.encode()) == b"rt-123"
    settings.SECRET_KEY = "another secret key entirely"
    with pytest.raises(InvalidToken):
        crypto.decrypt(secret)


def test_first_key_encrypts_and_every_key_decrypts(settings: Any) -> None:
    settings.BOKSLUT_FERNET_KEYS = [OLD]
    under_old = crypto.encrypt("access-token")
    settings.BOKSLUT_FERNET_KEYS = [NEW, OLD]
    assert crypto.decrypt(under_old) == "access-token"
    under_new = crypto.encrypt("access-token")
    assert Fernet(NEW.encode()).decrypt(under_new.encode()) == b"access-token"
    settings.BOKSLUT_FERNET_KEYS = [OLD]
    with pytest.raises(InvalidToken):
        crypto.decrypt(under_new)


def test_empty_secret_stays_empty(settings: Any) -> None:
    settings.BOKSLUT_FERNET_KEYS = [OLD]
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""


@pytest.mark.django_db
def test_reencrypt_moves_every_stored_token_to_the_new_key(
    settings: Any, client_1001: Client
) -> None:
    settings.BOKSLUT_FERNET_KEYS = [OLD]
    connection = Connection.objects.create(client=client_1001, status="aktiv")
    unconnected = Connection.objects.create(
        client=Client.objects.create(firm=client_1001.firm, name="B AB", org_number="556036-0793")
    )
    store = DatabaseTokenStore(connection.pk)
    store.save(TokenSet("access-1", "refresh-1", expires_at=2_000_000_000.0))

    settings.BOKSLUT_FERNET_KEYS = [NEW, OLD]
    assert tokens_reencrypt_all() == 1
    settings.BOKSLUT_FERNET_KEYS = [NEW]
    loaded = store.load()
    assert loaded is not None
    assert (loaded.access_token, loaded.refresh_token) == ("access-1", "refresh-1")
    assert loaded.expires_at == 2_000_000_000.0
    unconnected.refresh_from_db()
    assert unconnected.access_token_encrypted == ""


@pytest.mark.django_db
def test_reencrypt_command_reports_the_count(
    settings: Any, client_1001: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.BOKSLUT_FERNET_KEYS = [OLD]
    connection = Connection.objects.create(client=client_1001)
    DatabaseTokenStore(connection.pk).save(TokenSet("a", "r"))
    settings.BOKSLUT_FERNET_KEYS = [NEW, OLD]
    call_command("reencrypt_fortnox_tokens")
    assert "1 kopplingar" in capsys.readouterr().out
    settings.BOKSLUT_FERNET_KEYS = [NEW]
    assert DatabaseTokenStore(connection.pk).load() == TokenSet("a", "r")


def test_malformed_key_is_a_configuration_error(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.BOKSLUT_FERNET_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
