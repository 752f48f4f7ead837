"""The Avstämning pages: grid, reconciling an account over HTTP, files, exports, access."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from bokslut.avstamning.models import UnderlagItem
from bokslut.avstamning.selectors import cell_get
from bokslut.firms.models import Firm, Membership
from bokslut.money import from_ore

from .camt import camt053
from .conftest import PASSWORD, Synced


def _browser(user: User) -> HttpClient:
    browser = HttpClient()
    browser.force_login(user)
    return browser


def test_grid_shows_the_checks_and_the_balance_accounts_in_swedish(synced: Synced) -> None:
    client = synced.world.client
    page = _browser(synced.user).get(reverse("avstamning:grid", args=[client.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Automatiska kontroller" in html
    assert "Saldobalansen summerar till noll" in html
    assert 'data-account="1930"' in html
    assert "Om avstämningen" in html  # the help text


def test_uploading_a_camt053_and_signing_makes_1930_green(synced: Synced) -> None:
    client, year = synced.world.client, synced.year
    browser = _browser(synced.user)
    url = reverse("avstamning:cell", args=[client.pk, year.pk, "1930", year.end.isoformat()])
    balance = cell_get(client=client, year=year, account="1930", period_end=year.end).balance_ore
    upload = SimpleUploadedFile("dec.xml", camt053(from_ore(balance), year.end), "text/xml")

    browser.post(url, {"action": "statement", "kind": "auto", "file": upload})
    browser.post(url, {"action": "signoff"})
    page = browser.get(url)

    assert 'data-status="green"' in page.content.decode()
    assert "Stämmer" in page.content.decode()


def test_a_refused_upload_shows_why_and_adds_nothing(synced: Synced) -> None:
    client, year = synced.world.client, synced.year
    url = reverse("avstamning:cell", args=[client.pk, year.pk, "1930", year.end.isoformat()])
    upload = SimpleUploadedFile("dec.pdf", b"not a pdf", "application/pdf")

    page = _browser(synced.user).post(
        url, {"action": "statement", "kind": "auto", "file": upload}, follow=True
    )

    assert "Filen togs inte emot" in page.content.decode()
    assert UnderlagItem.objects.count() == 0


def test_exports_download_as_excel_and_pdf(synced: Synced) -> None:
    browser = _browser(synced.user)
    client = synced.world.client

    xlsx = browser.get(reverse("avstamning:export", args=[client.pk, "xlsx"]))
    pdf = browser.get(reverse("avstamning:export", args=[client.pk, "pdf"]))

    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert pdf.content.startswith(b"%PDF-")


def test_another_firms_user_gets_404_for_pages_and_attachments(synced: Synced) -> None:
    other_firm = Firm.objects.create(name="Annan byrå AB")
    stranger = User.objects.create_user(username="olle", password=PASSWORD)
    Membership.objects.create(user=stranger, firm=other_firm, role=Membership.Role.ADMIN)
    client = synced.world.client

    browser = _browser(stranger)

    assert browser.get(reverse("avstamning:grid", args=[client.pk])).status_code == 404
    assert browser.get(reverse("avstamning:attachment", args=[client.pk, 1])).status_code == 404
