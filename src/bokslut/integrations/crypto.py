"""Encryption of secrets at rest with MultiFernet, so keys can be rotated.

``settings.BOKSLUT_FERNET_KEYS`` is a list of Fernet keys: the first encrypts, all decrypt.
Without it, one key is derived from ``SECRET_KEY`` so the embedded install works unconfigured.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "fernet", "reencrypt"]


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from Django's SECRET_KEY (domain-separated from other uses)."""
    digest = hashlib.sha256(b"bokslut.integrations.tokens:" + secret_key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest)


def configured_keys() -> list[bytes]:
    """The keys in order of preference (first encrypts)."""
    keys = [str(k).strip() for k in getattr(settings, "BOKSLUT_FERNET_KEYS", None) or []]
    keys = [k for k in keys if k]
    if not keys:
        return [derived_key(settings.SECRET_KEY)]
    return [k.encode("ascii") for k in keys]


def fernet() -> MultiFernet:
    """The MultiFernet of the configured keys (built per call: settings may change in tests)."""
    try:
        return MultiFernet([Fernet(key) for key in configured_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "BOKSLUT_FERNET_KEYS must hold url-safe base64 Fernet keys of 32 bytes"
        ) from exc


def encrypt(plaintext: str) -> str:
    """Encrypt with the first key; ``""`` stays ``""`` (no secret stored)."""
    if not plaintext:
        return ""
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(ciphertext: str) -> str:
    """Decrypt with whichever configured key matches; raises ``InvalidToken`` if none does."""
    if not ciphertext:
        return ""
    return fernet().decrypt(ciphertext.encode("ascii")).decode("utf-8")


def reencrypt(ciphertext: str) -> str:
    """The same secret encrypted with the current first key (``MultiFernet.rotate``)."""
    if not ciphertext:
        return ""
    return fernet().rotate(ciphertext.encode("ascii")).decode("ascii")
