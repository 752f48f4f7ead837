"""Sync settings per client, with the plan and the Fortnox licences enforced server-side."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bokslut.firms.models import Client, Firm
from bokslut.integrations.areas import AREA_SCOPES, Area
from bokslut.integrations.models import (
    BalancePolicy,
    ChartPolicy,
    Connection,
    FirmPlan,
    Schedule,
    SyncSettings,
)
from bokslut.integrations.plans import DEFAULT_PLAN, Plan, get_plan

__all__ = [
    "available_areas",
    "effective_areas",
    "effective_schedule",
    "firm_plan",
    "firm_plan_set",
    "scope_label",
    "sync_settings_for",
    "sync_settings_update",
]

MAX_YEARS_BACK = 10

#: Fortnox scopes as the pages name them (lazy: translated when shown).
SCOPE_LABELS: dict[str, Promise] = {
    "bookkeeping": gettext_lazy("Bokföring"),
    "companyinformation": gettext_lazy("Företagsinformation"),
    "settings": gettext_lazy("Inställningar"),
    "costcenter": gettext_lazy("Kostnadsställen"),
    "project": gettext_lazy("Projekt"),
    "customer": gettext_lazy("Kunder"),
    "supplier": gettext_lazy("Leverantörer"),
    "invoice": gettext_lazy("Kundfakturor"),
    "supplierinvoice": gettext_lazy("Leverantörsfakturor"),
    "assets": gettext_lazy("Anläggningsregister"),
}


def scope_label(scope: str) -> str:
    """The scope's name in the active language (the code itself if unknown)."""
    label = SCOPE_LABELS.get(scope)
    return str(label) if label is not None else scope


def firm_plan(*, firm: Firm) -> Plan:
    """The firm's plan (the default plan when none is recorded)."""
    code = FirmPlan.objects.filter(firm=firm).values_list("plan", flat=True).first()
    return get_plan(code or DEFAULT_PLAN)


def firm_plan_set(*, firm: Firm, plan: str) -> FirmPlan:
    """Put ``firm`` on ``plan`` (an unknown code is refused)."""
    get_plan(plan)
    row, _created = FirmPlan.objects.update_or_create(firm=firm, defaults={"plan": plan})
    return row


def sync_settings_for(*, client: Client) -> SyncSettings:
    """The client's settings, created with the defaults (every area its plan allows)."""
    existing = SyncSettings.objects.filter(client=client).first()
    if existing is not None:
        return existing
    plan = firm_plan(firm=client.firm)
    settings, _created = SyncSettings.objects.get_or_create(
        client=client, defaults={"areas": [a.value for a in Area if a in plan.areas]}
    )
    return settings


def _licence_reason(connection: Connection | None, area: Area) -> str | None:
    if connection is None or connection.licences_checked_at is None:
        # Not connected yet: nothing known to rule the area out.
        return None
    scope = AREA_SCOPES[area]
    label = scope_label(scope)
    if scope not in (connection.scopes or []):
        return _("Behörigheten %(scope)s beviljades inte när Fortnox anslöts.") % {"scope": label}
    if scope not in (connection.licences or []):
        return _("Företaget saknar licens i Fortnox för %(scope)s.") % {"scope": label}
    return None


def available_areas(*, client: Client) -> dict[Area, str | None]:
    """Every area, with None if it can be synced, else the reason why not.

    Reasons are in the active language (Swedish unless a page asked for English).
    """
    plan = firm_plan(firm=client.firm)
    connection = Connection.objects.filter(client=client).first()
    answer: dict[Area, str | None] = {}
    for area in Area:
        if area not in plan.areas:
            answer[area] = _("Ingår inte i abonnemanget %(plan)s.") % {"plan": plan.label}
        else:
            answer[area] = _licence_reason(connection, area)
    return answer


def effective_areas(*, client: Client) -> frozenset[Area]:
    """The areas a sync of ``client`` fetches: chosen, in the plan, and licensed."""
    known = {area.value for area in Area}
    # `str in EnumType` raises TypeError on Python 3.11, so compare with the values.
    chosen = {Area(code) for code in sync_settings_for(client=client).areas if code in known}
    available = available_areas(client=client)
    return frozenset(area for area in chosen if available[area] is None)


def effective_schedule(*, client: Client) -> tuple[Schedule, dt.time | None]:
    """The schedule to run (manual if the plan no longer allows the chosen one)."""
    settings = sync_settings_for(client=client)
    schedule = Schedule(settings.schedule)
    if schedule not in firm_plan(firm=client.firm).schedules:
        return Schedule.MANUAL, None
    return schedule, settings.nightly_at if schedule == Schedule.NIGHTLY else None


_FIELDS = {"areas", "years_back", "chart_policy", "balance_policy", "schedule", "nightly_at"}


@transaction.atomic
def sync_settings_update(
    *, client: Client, user: AbstractBaseUser | AnonymousUser | None, **changes: Any
) -> SyncSettings:
    """Change the client's settings; everything is checked here, not only in the form.

    Raises ``ValidationError`` (messages in the active language, by field) for unknown
    fields, areas the plan or licences do not cover (naming area and reason), schedules the
    plan lacks, and values out of range.
    """
    unknown = set(changes) - _FIELDS
    if unknown:
        raise ValidationError(
            _("Okända inställningar: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    settings = sync_settings_for(client=client)
    settings = SyncSettings.objects.select_for_update().get(pk=settings.pk)
    errors: dict[str, list[str]] = {}
    if "areas" in changes:
        areas, area_errors = _checked_areas(client, changes["areas"])
        if area_errors:
            errors["areas"] = area_errors
        settings.areas = [a.value for a in Area if a in areas]
    if "years_back" in changes:
        years = changes["years_back"]
        if (
            not isinstance(years, int)
            or isinstance(years, bool)
            or not 0 <= years <= MAX_YEARS_BACK
        ):
            errors["years_back"] = [
                _("Antal år bakåt ska vara ett heltal från 0 till %(max)d.")
                % {"max": MAX_YEARS_BACK}
            ]
        else:
            settings.years_back = years
    for name, choices, label in (
        ("chart_policy", ChartPolicy, gettext_lazy("kontoplan")),
        ("balance_policy", BalancePolicy, gettext_lazy("ingående balanser")),
    ):
        if name in changes:
            if changes[name] not in choices.values:
                errors[name] = [
                    _("Ogiltigt val för %(setting)s: %(value)s.")
                    % {"setting": label, "value": repr(changes[name])}
                ]
            else:
                setattr(settings, name, changes[name])
    if "schedule" in changes:
        schedule_error = _schedule_error(client, changes["schedule"])
        if schedule_error:
            errors["schedule"] = [schedule_error]
        else:
            settings.schedule = changes["schedule"]
    if "nightly_at" in changes:
        if not isinstance(changes["nightly_at"], dt.time):
            errors["nightly_at"] = [_("Ange en tid för den nattliga synkroniseringen.")]
        else:
            settings.nightly_at = changes["nightly_at"]
    if errors:
        raise ValidationError(errors)
    settings.updated_by = user if user is not None and user.is_authenticated else None  # type: ignore[assignment]
    settings.save()
    return settings


def _checked_areas(client: Client, raw: Any) -> tuple[set[Area], list[str]]:
    if isinstance(raw, str) or not hasattr(raw, "__iter__"):
        return set(), [_("Dataområden anges som en lista.")]
    areas: set[Area] = set()
    errors: list[str] = []
    available = available_areas(client=client)
    for code in raw:
        try:
            area = Area(code)
        except ValueError:
            errors.append(_("Okänt dataområde: %(code)s.") % {"code": repr(code)})
            continue
        reason = available[area]
        if reason is not None:
            errors.append(
                _("%(area)s kan inte synkas: %(reason)s") % {"area": area.label, "reason": reason}
            )
        else:
            areas.add(area)
    return areas, errors


def _schedule_error(client: Client, raw: Any) -> str | None:
    if raw not in Schedule.values:
        return _("Ogiltigt schema: %(value)s.") % {"value": repr(raw)}
    schedule = Schedule(raw)
    plan = firm_plan(firm=client.firm)
    if schedule not in plan.schedules:
        return _("Schemat %(schedule)s ingår inte i abonnemanget %(plan)s.") % {
            "schedule": str(schedule.label).lower(),
            "plan": plan.label,
        }
    return None
