"""Filter forms of the list pages (all GET: they change what is shown, never data)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bokslut.web.status import StatusFilter

__all__ = ["ClientFilterForm", "LedgerAccountForm", "VoucherFilterForm"]

STATUS_CHOICES = [
    ("", _("Alla")),
    (StatusFilter.NEEDS_REAUTH.value, _("Behöver godkännas igen")),
    (StatusFilter.ERROR.value, _("Fel")),
    (StatusFilter.STALE.value, _("Ej synkad på 7 dagar")),
]


class ClientFilterForm(forms.Form):
    """Search by name or org.nr and filter by Fortnox status."""

    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)


class LedgerAccountForm(forms.Form):
    """The account whose huvudbok to show."""

    konto = forms.RegexField(
        label=_("Konto"), regex=r"^[0-9A-Za-z]{1,20}$", required=False, max_length=20
    )


class VoucherFilterForm(forms.Form):
    """Filters of the Verifikationer page."""

    serie = forms.CharField(label=_("Serie"), required=False, max_length=20)
    fran = forms.DateField(
        label=_("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    till = forms.DateField(
        label=_("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    konto = forms.RegexField(
        label=_("Konto"), regex=r"^[0-9A-Za-z]{1,20}$", required=False, max_length=20
    )
    text = forms.CharField(label=_("Text"), required=False, max_length=100)
