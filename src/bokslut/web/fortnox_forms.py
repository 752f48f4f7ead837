"""The forms of the Fortnox pages: a new client and the sync settings.

The settings form only parses input: what the plan and the Fortnox licences allow is
decided by ``integrations.sync_settings_update``, whose per-field errors the view puts back
on this form. The form therefore accepts every area and schedule, so that a forged request
for an unavailable option reaches the service and is refused there, with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bokslut.firms.models import Client, Firm
from bokslut.firms.validators import normalise_org_number, validate_org_number
from bokslut.integrations.areas import Area
from bokslut.integrations.models import BalancePolicy, ChartPolicy, Schedule, SyncSettings
from bokslut.integrations.sync_settings import MAX_YEARS_BACK, available_areas, firm_plan

__all__ = [
    "AreaOption",
    "ClientCreateForm",
    "ScheduleOption",
    "SyncSettingsForm",
    "area_options",
    "schedule_options",
]


class ClientCreateForm(forms.Form):
    """A client company: name and organisationsnummer (unique within the firm)."""

    name = forms.CharField(label=_("Företagsnamn"), max_length=200)
    org_number = forms.CharField(label=_("Organisationsnummer"), max_length=13)

    def __init__(self, *args: Any, firm: Firm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.firm = firm

    def clean_org_number(self) -> str:
        """The canonical org.nr; refused if invalid or already a client of the firm."""
        raw = self.cleaned_data["org_number"].strip()
        validate_org_number(raw)
        canonical = normalise_org_number(raw)
        if Client.objects.filter(firm=self.firm, org_number=canonical).exists():
            raise forms.ValidationError(_("Byrån har redan en klient med det organisationsnumret."))
        return canonical


@dataclass(frozen=True)
class AreaOption:
    """A data-area checkbox: chosen, and why it cannot be chosen (None when it can)."""

    code: str
    label: str
    checked: bool
    reason: str | None


@dataclass(frozen=True)
class ScheduleOption:
    """A schedule radio button, disabled with a reason when the plan lacks it."""

    code: str
    label: str
    checked: bool
    reason: str | None


class SyncSettingsForm(forms.Form):
    """Data areas, years back, chart-of-accounts and balance policies, schedule."""

    areas = forms.MultipleChoiceField(label=_("Dataområden"), choices=Area.choices, required=False)
    years_back = forms.IntegerField(
        label=_("Antal år bakåt"), min_value=0, max_value=MAX_YEARS_BACK
    )
    chart_policy = forms.ChoiceField(label=_("Kontoplan"), choices=ChartPolicy.choices)
    balance_policy = forms.ChoiceField(label=_("Ingående balanser"), choices=BalancePolicy.choices)
    schedule = forms.ChoiceField(label=_("Schema"), choices=Schedule.choices)
    nightly_at = forms.TimeField(
        label=_("Tid för nattlig synkronisering"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    @classmethod
    def initial_from(cls, settings: SyncSettings) -> dict[str, Any]:
        """The form's initial values from the stored settings."""
        return {
            "areas": list(settings.areas),
            "years_back": settings.years_back,
            "chart_policy": settings.chart_policy,
            "balance_policy": settings.balance_policy,
            "schedule": settings.schedule,
            "nightly_at": settings.nightly_at,
        }

    def changes(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of ``sync_settings_update``."""
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if name in data}


def area_options(*, client: Client, chosen: list[str]) -> list[AreaOption]:
    """Every data area, in catalogue order, with the plan's or licence's reason if unavailable."""
    available = available_areas(client=client)
    return [
        AreaOption(area.value, str(area.label), area.value in chosen, available[area])
        for area in Area
    ]


def schedule_options(*, client: Client, chosen: str) -> list[ScheduleOption]:
    """Every schedule, disabled with the plan's name when the firm's plan lacks it."""
    plan = firm_plan(firm=client.firm)
    options = []
    for schedule in Schedule:
        reason = None
        if schedule.value not in plan.schedules:
            reason = str(_("Ingår inte i abonnemanget %(plan)s.") % {"plan": plan.label})
        options.append(
            ScheduleOption(schedule.value, str(schedule.label), schedule.value == chosen, reason)
        )
    return options
