"""Organisationsnummer validation (python-stdnum), shared by models, forms and importers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from stdnum.se import orgnr, personnummer


def normalise_org_number(value: str) -> str:
    """Return ``NNNNNN-NNNN`` for a valid Swedish org.nr or personnummer (sole traders).

    Raises :class:`ValueError` with a Swedish message if the number is not valid.
    """
    compact = orgnr.compact(value)
    if len(compact) == 12 and compact[:2] in {"16", "19", "20"}:
        # 16-prefixed org.nr and 12-digit personnummer both appear in SIE files.
        compact = compact[2:]
    if orgnr.is_valid(compact) or personnummer.is_valid(compact):
        return f"{compact[:6]}-{compact[6:]}"
    raise ValueError(f"Ogiltigt organisationsnummer: {value!r} (kontrollsiffran stämmer inte).")


def validate_org_number(value: str) -> None:
    """Django validator form of :func:`normalise_org_number`."""
    try:
        normalise_org_number(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_org_number") from exc
