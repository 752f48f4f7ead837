"""Walking Fortnox's paged lists to the end, whatever page size the server really uses."""

from __future__ import annotations

from collections.abc import Iterator

from bokslut.fortnox import _coerce as c
from bokslut.fortnox._coerce import JsonObject
from bokslut.fortnox._session import Params, Session

__all__ = ["PAGE_LIMIT", "iter_list"]

PAGE_LIMIT = 500


def iter_list(
    session: Session, path: str, *, key: str, endpoint: str, params: Params | None = None
) -> Iterator[JsonObject]:
    """Every object of the list under ``key``, fetched ``PAGE_LIMIT`` at a time.

    Paging stops when ``@CurrentPage >= @TotalPages`` (an empty list has 0 pages and
    page 1), so a server that caps pages at 100 whatever ``limit`` says is still
    read to the end: the page count it reports follows its real page size.
    """
    page = 1
    while True:
        query: dict[str, str | int] = {**(params or {}), "limit": PAGE_LIMIT, "page": page}
        data = c.obj(session.request_json("GET", path, endpoint=endpoint, params=query))
        yield from c.objects(data.get(key))
        meta = c.obj(data.get("MetaInformation"))
        total_pages = c.integer(meta.get("@TotalPages")) or 0
        current = c.integer(meta.get("@CurrentPage")) or page
        if not meta or current >= total_pages:
            return
        # Never ask for the same page twice, even if the server echoes a stale number.
        page = max(current, page) + 1
