"""The ledger pages show exactly what the imported file holds, in Swedish format."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse

from bokslut.ledger.models import Balance, Voucher, VoucherRow
from bokslut.money import format_sek, from_ore
from bokslut.web.selectors import LEDGER_PAGE_SIZE, VOUCHER_PAGE_SIZE

from .conftest import FirmWorld, signed_in

NEXT = re.compile(r'href="\?([^"]*efter=[^"]+)"')


def cells(html: str, row_attr: str) -> list[str]:
    match = re.search(rf"<tr {row_attr}[^>]*>(.*?)</tr>", html, re.S)
    assert match, row_attr
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1], re.S)
    ]


def test_saldobalans_shows_the_files_ub_for_every_balance_account(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    html = http.get(reverse("web:trial_balance", args=[world_a.client.pk])).text
    ub = Balance.objects.filter(year=world_a.year, kind=Balance.Kind.UB)
    assert ub.count() > 10

    for balance in ub:
        row = cells(html, f'data-account="{balance.account}"')
        assert row[4] == format_sek(from_ore(balance.amount_ore)), balance.account
        assert row[5] == row[4], balance.account  # computed UB equals the stated one


def test_saldobalans_formats_amounts_the_swedish_way(world_a: FirmWorld) -> None:
    html = signed_in(world_a.admin).get(reverse("web:trial_balance", args=[world_a.client.pk]))
    # A thousands separator (non-breaking space) and a decimal comma, never a decimal point.
    assert re.search(r"\d\u00a0\d{3},\d{2}", html.text)
    assert not re.search(r">-?\d+\.\d{2}<", html.text)


def test_huvudbok_pages_together_hold_every_counting_row_and_end_at_ub(
    world_a: FirmWorld,
) -> None:
    http = signed_in(world_a.admin)
    url = reverse("web:ledger", args=[world_a.client.pk])
    rows = VoucherRow.objects.filter(year=world_a.year, account="1930").exclude(
        kind=VoucherRow.Kind.REMOVED
    )
    expected = rows.count()
    assert expected > LEDGER_PAGE_SIZE, "the test needs more than one page"
    ub = Balance.objects.get(year=world_a.year, kind="UB", account="1930").amount_ore

    seen, query, pages = 0, f"ar={world_a.year.pk}&konto=1930", 0
    last_balance = ""
    while True:
        html = http.get(f"{url}?{query}").text
        pages += 1
        body = html.split('id="ledger-rows"')[1].split("</tbody>")[0]
        lines = re.findall(r"<tr>\s*<td>\d{4}-\d{2}-\d{2}</td>.*?</tr>", body, re.S)
        seen += len(lines)
        if lines:
            last_balance = re.findall(r"<td[^>]*>([^<]*)</td>\s*</tr>", lines[-1], re.S)[-1]
        found = NEXT.search(body)
        if not found:
            break
        query = found[1].replace("&amp;", "&")

    assert seen == expected
    assert pages == -(-expected // LEDGER_PAGE_SIZE)
    assert last_balance == format_sek(from_ore(ub))
    assert format_sek(from_ore(ub)) in html.split('id="ledger-closing"')[1][:200]


def test_huvudbok_htmx_request_for_a_later_page_returns_only_rows(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    url = reverse("web:ledger", args=[world_a.client.pk])
    first = http.get(url, {"ar": str(world_a.year.pk), "konto": "1930"}).text
    query = NEXT.search(first)
    assert query
    partial = http.get(f"{url}?{query[1].replace('&amp;', '&')}", headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    on_1930 = VoucherRow.objects.filter(account="1930", year=world_a.year).count()
    assert partial.text.count("<tr>") == min(LEDGER_PAGE_SIZE, on_1930 - LEDGER_PAGE_SIZE)


def test_verifikationer_pages_list_every_voucher_once_in_date_order(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    url = reverse("web:voucher_list", args=[world_a.client.pk])
    ids: list[int] = []
    query = f"ar={world_a.year.pk}"
    while True:
        html = http.get(f"{url}?{query}").text
        ids += [int(i) for i in re.findall(r"/verifikationer/(\d+)/", html)]
        found = NEXT.search(html)
        if not found:
            break
        query = found[1].replace("&amp;", "&")

    vouchers = Voucher.objects.filter(year=world_a.year)
    assert len(ids) == len(set(ids)) == vouchers.count() > VOUCHER_PAGE_SIZE
    expected = list(
        vouchers.order_by("date", "series", "number_sort", "id").values_list("id", flat=True)
    )
    assert ids == expected


def test_verifikationer_filters_by_series_account_text_and_dates(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    url = reverse("web:voucher_list", args=[world_a.client.pk])
    year = world_a.year
    vouchers = Voucher.objects.filter(year=year)

    def listed(**params: str) -> set[int]:
        html = http.get(url, {"ar": str(year.pk), **params}).text
        return {int(i) for i in re.findall(r"/verifikationer/(\d+)/", html)}

    series_d = set(vouchers.filter(series="D").values_list("id", flat=True)[:VOUCHER_PAGE_SIZE])
    assert series_d
    assert {v.series for v in vouchers.filter(pk__in=listed(serie="D"))} == {"D"}
    on_6991 = set(
        VoucherRow.objects.filter(year=year, account="6991").values_list("voucher_id", flat=True)
    )
    assert on_6991
    assert listed(konto="6991") == on_6991
    supplier = vouchers.filter(text__icontains="leverantörsfaktura").count()
    assert supplier
    assert len(listed(text="LEVERANTÖRSFAKTURA")) == min(supplier, VOUCHER_PAGE_SIZE)
    march = vouchers.filter(date__gte="2024-03-01", date__lte="2024-03-05")
    assert listed(fran="2024-03-01", till="2024-03-05") == set(
        march.values_list("id", flat=True)[:VOUCHER_PAGE_SIZE]
    )


def test_voucher_page_shows_struck_rows_struck_and_sums_only_counting_rows(
    world_a: FirmWorld,
) -> None:
    http = signed_in(world_a.admin)
    voucher = world_a.voucher
    html = http.get(reverse("web:voucher_detail", args=[world_a.client.pk, voucher.pk])).text
    struck = voucher.rows.get(kind=VoucherRow.Kind.REMOVED)

    row = re.search(r'<tr class="row-removed"[^>]*>(.*?)</tr>', html, re.S)
    assert row
    assert f"<s>{struck.account}</s>" in row[1]
    assert f"<s>{format_sek(from_ore(abs(struck.amount_ore)))}</s>" in row[1]
    assert "Struken" in row[1]
    debit = (
        voucher.rows.exclude(kind=VoucherRow.Kind.REMOVED)
        .filter(amount_ore__gt=0)
        .aggregate(s=Sum("amount_ore"))["s"]
    )
    assert format_sek(from_ore(debit)) in html.split("<tfoot>")[1]


def test_klienter_shows_not_connected_badge_and_searches(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    html = http.get(reverse("web:client_list")).text
    assert "Ej ansluten" in html
    assert world_a.client.name in html
    assert world_a.client.name not in http.get(reverse("web:client_list"), {"q": "finns-inte"}).text
    assert world_a.client.name in http.get(reverse("web:client_list"), {"q": "556036"}).text
    # No client can need re-approval or be in error before connections exist.
    assert world_a.client.name not in http.get(reverse("web:client_list"), {"status": "fel"}).text
    stale = http.get(reverse("web:client_list"), {"status": "ej-synkad"}).text
    assert world_a.client.name in stale


def test_pages_switch_to_english(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    response = http.post(reverse("web:set_language"), {"language": "en", "next": "/klienter/"})
    assert response.status_code == 302
    html = http.get(reverse("web:trial_balance", args=[world_a.client.pk])).text
    assert "Trial balance" in html
    assert "Opening balance" in html
    assert "Saldobalans" not in html


def test_year_switcher_lists_the_clients_years(world_a: FirmWorld) -> None:
    html = signed_in(world_a.admin).get(reverse("web:trial_balance", args=[world_a.client.pk])).text
    assert f'<option value="{world_a.year.pk}" selected>' in html


def test_amount_in_voucher_list_is_the_debit_total(world_a: FirmWorld) -> None:
    http = signed_in(world_a.admin)
    first = Voucher.objects.filter(year=world_a.year).order_by(
        "date", "series", "number_sort", "id"
    )[0]
    total = (
        first.rows.exclude(kind=VoucherRow.Kind.REMOVED)
        .filter(amount_ore__gt=0)
        .aggregate(s=Sum("amount_ore"))["s"]
    )
    html = http.get(reverse("web:voucher_list", args=[world_a.client.pk])).text
    row = html.split(f"/verifikationer/{first.pk}/")[1].split("</tr>")[0]
    assert format_sek(Decimal(total) / 100) in row
