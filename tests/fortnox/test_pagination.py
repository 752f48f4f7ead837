"""Paging to the end with limit=500, whatever page size the server really uses."""

from __future__ import annotations

import httpx
from fortnox_fakes import FakeFortnox


def paged_accounts(total: int, page_size: int) -> object:
    """A handler serving ``total`` accounts ``page_size`` at a time, ignoring ``limit``."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        pages = -(-total // page_size)
        start = (page - 1) * page_size
        numbers = range(1000 + start, 1000 + min(start + page_size, total))
        return httpx.Response(
            200,
            json={
                "MetaInformation": {
                    "@TotalResources": total,
                    "@TotalPages": pages,
                    "@CurrentPage": page,
                },
                "Accounts": [{"Number": n, "Description": f"Konto {n}"} for n in numbers],
            },
        )

    return handler


def test_server_capping_pages_at_100_is_read_to_the_end(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/accounts", paged_accounts(total=250, page_size=100))
    accounts = list(make_client().accounts(financial_year=1))
    assert [a.number for a in accounts] == list(range(1000, 1250))
    assert [r.url.params["page"] for r in fake.requests] == ["1", "2", "3"]
    assert {r.url.params["limit"] for r in fake.requests} == {"500"}


def test_many_pages_of_500(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/accounts", paged_accounts(total=1201, page_size=500))
    assert len(list(make_client().accounts())) == 1201
    assert len(fake.requests) == 3


def test_one_page_takes_one_request(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/accounts", paged_accounts(total=7, page_size=500))
    assert len(list(make_client().accounts())) == 7
    assert len(fake.requests) == 1


def test_empty_list_has_zero_pages_and_takes_one_request(fake: FakeFortnox, make_client) -> None:
    fake.add(
        "GET",
        "/3/vouchers",
        httpx.Response(
            200,
            json={
                "MetaInformation": {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1},
                "Vouchers": [],
            },
        ),
    )
    assert list(make_client().vouchers(financial_year=3)) == []
    assert len(fake.requests) == 1


def test_pages_count_against_the_endpoint(fake: FakeFortnox, make_client) -> None:
    fake.add("GET", "/3/accounts", paged_accounts(total=250, page_size=100))
    client = make_client()
    list(client.accounts())
    stats = client.stats.by_endpoint()["GET /3/accounts"]
    assert stats.requests == 3
    assert stats.statuses[200] == 3
    assert stats.bytes_received > 250 * 20
