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
from bokslut.registers.models import CustomerInvoice

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


def test_the_customer_ledger_cell_lists_open_items_per_customer(synced: Synced) -> None:
    client, year = synced.world.client, synced.year
    invoices = CustomerInvoice.objects.filter(client=client)
    synced_one = invoices.first()
    assert synced_one is not None
    invoices.update(booked=False)  # only the three below are open at the year end
    day = year.end.replace(day=1)
    common = {
        "client": client,
        "source": synced_one.source,
        "booked": True,
        "invoice_date": day,
        "due_date": year.end,
    }
    CustomerInvoice.objects.create(
        number="90001", customer_number="7", customer_name="Ångström AB",
        total_ore=125_000_00, balance_ore=125_000_00, **common,
    )  # fmt: skip
    CustomerInvoice.objects.create(
        number="90002", customer_number="7", customer_name="Ångström AB",
        total_ore=500_00, balance_ore=250_50, **common,
    )  # fmt: skip
    CustomerInvoice.objects.create(
        number="90003", customer_number="3", customer_name="Berg & Son HB",
        total_ore=1_000_00, balance_ore=1_000_00, **common,
    )  # fmt: skip

    cell = cell_get(client=client, year=year, account="1510", period_end=year.end)
    assert cell.auto is not None
    assert [(p.number, p.name, p.open_ore) for p in cell.auto.parties] == [
        ("3", "Berg & Son HB", 1_000_00),
        ("7", "Ångström AB", 125_250_50),
    ]
    assert [i.number for i in cell.auto.parties[1].invoices] == ["90001", "90002"]
    assert cell.auto.amount_ore == 126_250_50
    assert cell.auto.items == 3

    url = reverse("avstamning:cell", args=[client.pk, year.pk, "1510", year.end.isoformat()])
    page = _browser(synced.user).get(url).content.decode()
    table = page[page.index('id="ledger-parties"') :]
    table = table[: table.index("</table>")]
    assert "Ångström AB" in table
    assert "Berg &amp; Son HB" in table
    assert "125\xa0250,50" in table  # the customer's open amount
    assert "<td>90002</td>" in table  # and its invoices
    assert "<td>250,50</td>" in table
    assert table.index("Berg") < table.index("Ångström")
