"""Forms of the avstämning pages."""

from __future__ import annotations

from django import forms

from bokslut.avstamning.models import ReconciliationSettings


class ManualUnderlagForm(forms.Form):
    """A typed-in amount with an optional file."""

    amount = forms.DecimalField(label="Belopp", max_digits=18, decimal_places=2, localize=True)
    description = forms.CharField(label="Beskrivning", max_length=300, required=False)
    file = forms.FileField(label="Bifoga fil", required=False)


class StatementForm(forms.Form):
    """A bank statement or tax-account file."""

    kind = forms.ChoiceField(
        label="Typ",
        choices=(
            ("auto", "Känn igen automatiskt"),
            ("camt053", "Kontoutdrag camt.053 (XML)"),
            ("bank_csv", "Kontoutdrag från banken (CSV)"),
            ("skattekonto", "Skattekontots transaktioner"),
        ),
        initial="auto",
    )
    file = forms.FileField(label="Fil")


class CommentForm(forms.Form):
    """A comment."""

    text = forms.CharField(label="Kommentar", widget=forms.Textarea(attrs={"rows": 3}))


class ExplanationForm(forms.Form):
    """Why a difference is acceptable."""

    text = forms.CharField(
        label="Förklaring av differensen", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PeriodForm(forms.Form):
    """The client's reconciliation period."""

    period = forms.ChoiceField(label="Period", choices=ReconciliationSettings.Period.choices)
