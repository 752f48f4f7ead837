"""The avstämning pages follow the chosen language: Swedish by default, English on request."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client as HttpClient
from django.urls import reverse

from bokslut.ledger.models import Account

from .conftest import FirmWorld, signed_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src/bokslut/avstamning/templates/avstamning"


def in_english(world: FirmWorld) -> HttpClient:
    http = signed_in(world.admin)
    http.post(reverse("web:set_language"), {"language": "en", "next": "/klienter/"})
    return http


def cell_url(world: FirmWorld) -> str:
    account = Account.objects.filter(year=world.year, number__startswith="19").first()
    assert account is not None
    end = world.year.end.isoformat()
    return reverse("avstamning:cell", args=[world.client.pk, world.year.pk, account.number, end])


def test_the_grid_in_english(world_a: FirmWorld) -> None:
    url = reverse("avstamning:grid", args=[world_a.client.pk])

    english = in_english(world_a).get(url).text
    swedish = signed_in(world_a.admin).get(url).text

    for text in ("Automatic checks", "Run the checks now", "Balance sheet accounts"):
        assert text in english
    for text in ("Export to Excel", "Change period", "Green: reconciled and signed off."):
        assert text in english
    for text in ("Automatiska kontroller", "Balanskonton", "Exportera till Excel", "Byt period"):
        assert text not in english
        assert text in swedish


def test_the_cell_page_in_english(world_a: FirmWorld) -> None:
    english = in_english(world_a).get(cell_url(world_a)).text
    swedish = signed_in(world_a.admin).get(cell_url(world_a)).text

    for text in ("Balance in the books", "Supporting evidence", "Sign off the reconciliation"):
        assert text in english
    for text in ("Enter an amount manually", "No comments.", "Save explanation"):
        assert text in english
    for text in ("Saldo enligt bokföringen", "Signera avstämningen", "Inga kommentarer."):
        assert text not in english
        assert text in swedish


def test_no_visible_text_in_the_templates_is_left_untranslated() -> None:
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        # What a reader sees: the source without tags, variables, <style> and translated text.
        visible = re.sub(r"<style>.*?</style>", "", source, flags=re.S)
        visible = re.sub(
            r"{% blocktranslate.*?endblocktranslate %}|{%.*?%}|{{.*?}}|<[^>]*>",
            " ",
            visible,
            flags=re.S,
        )
        words = re.findall(r"[A-Za-zÅÄÖåäö]{2,}", visible)
        assert words == [], (template.name, words)
