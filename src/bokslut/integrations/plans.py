"""Subscription plans as configuration: which areas and schedules each plan allows.

The default catalogue (Bas, Plus, Byrå) can be replaced with ``settings.BOKSLUT_PLANS``, a
dict ``{code: {"label": str, "areas": [area codes], "schedules": [schedule codes]}}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bokslut.integrations.areas import BOOKKEEPING_AREAS, LEDGER_AREAS, Area

#: The plan of a firm that has no FirmPlan row: the embedded install gets everything.
DEFAULT_PLAN = "byra"

_DEFAULT_CATALOGUE: dict[str, dict[str, object]] = {
    "bas": {
        "label": "Bas",
        "areas": [a.value for a in BOOKKEEPING_AREAS],
        "schedules": ["manual"],
    },
    "plus": {
        "label": "Plus",
        "areas": [a.value for a in (*BOOKKEEPING_AREAS, *LEDGER_AREAS)],
        "schedules": ["manual"],
    },
    "byra": {
        "label": "Byrå",
        "areas": [a.value for a in Area],
        "schedules": ["manual", "nightly", "hourly"],
    },
}


@dataclass(frozen=True, slots=True)
class Plan:
    """What one plan allows."""

    code: str
    label: str
    areas: frozenset[Area]
    schedules: frozenset[str]


def _parse(code: str, raw: object) -> Plan:
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"BOKSLUT_PLANS[{code!r}] must be a dict")
    try:
        areas = frozenset(Area(value) for value in raw.get("areas", ()))
    except ValueError as exc:
        raise ImproperlyConfigured(f"BOKSLUT_PLANS[{code!r}]: {exc}") from exc
    schedules = frozenset(str(s) for s in raw.get("schedules", ("manual",)))
    unknown = schedules - {"manual", "nightly", "hourly"}
    if unknown:
        raise ImproperlyConfigured(f"BOKSLUT_PLANS[{code!r}]: unknown schedules {sorted(unknown)}")
    return Plan(code, str(raw.get("label", code)), areas, schedules)


def plan_catalogue() -> dict[str, Plan]:
    """Every configured plan by code (read on each call so tests can override settings)."""
    raw = getattr(settings, "BOKSLUT_PLANS", None) or _DEFAULT_CATALOGUE
    return {code: _parse(code, value) for code, value in raw.items()}


def get_plan(code: str) -> Plan:
    """The plan ``code``; an unknown code is a configuration error."""
    catalogue = plan_catalogue()
    try:
        return catalogue[code]
    except KeyError:
        raise ImproperlyConfigured(f"unknown plan {code!r}; known: {sorted(catalogue)}") from None


def plan_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for forms and admin."""
    return [(plan.code, plan.label) for plan in plan_catalogue().values()]
