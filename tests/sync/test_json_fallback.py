"""When Fortnox refuses the SIE export, the JSON path gives the same ledger and says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from ledger_compare import ledger_of, sandbox_ledger
from sync_world import World, client_for, connect, small_company

from bokslut.sync.models import SyncRun
from bokslut.sync.services import sync_run


class RefuseSie(httpx.BaseTransport):
    """Real HTTP, except that ``/3/sie/`` answers like a company without the licence."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.refused = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if "/3/sie/" in request.url.path:
            self.refused += 1
            body = {
                "ErrorInformation": {
                    "error": 1,
                    "message": "Det finns ingen aktiv licens för önskat scope.",
                    "code": 2001101,
                }
            }
            return httpx.Response(403, json=body, request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _without_json_gaps(ledger: dict[str, Any]) -> dict[str, Any]:
    """What JSON cannot carry: #RTRANS is an ordinary row there, #OIB/#OUB do not exist."""
    for year in ledger["years"].values():
        year["object_balances"] = None
        year["balances"] = {k: v for k, v in year["balances"].items() if v}
        year["vouchers"] = {
            key: (
                date,
                text,
                registered,
                tuple(("normal" if r[0] == "added" else r[0], *r[1:]) for r in rows),
            )
            for key, (date, text, registered, rows) in year["vouchers"].items()
        }
    return ledger


def test_refused_sie_export_falls_back_to_json_with_the_same_ledger(
    make_world: Callable[..., World],
) -> None:
    world = make_world(small_company(vouchers_per_year=15))
    refusing = RefuseSie()
    fortnox = connect(world.running, transport=refusing)
    other = client_for(world.company, firm_name="Annan byrå AB")

    bulk = sync_run(client=world.client, fortnox=world.fortnox, trigger="api")
    # Both API clients share the sandbox's per-tenant window; start the second afresh.
    world.control("POST", "ratelimit/reset")
    fallback = sync_run(client=other, fortnox=fortnox, trigger="api")

    assert fallback.status == SyncRun.Status.DONE, fallback.error
    assert refusing.refused >= 3
    assert set(fallback.paths.values()) == {"json"}
    assert any("via JSON" in w for w in fallback.warnings)
    per_voucher = fallback.requests["GET /3/vouchers/{series}/{number}"]
    assert per_voucher["requests"] - per_voucher["retries"] == sum(
        len(y.vouchers) for y in world.company.years.values()
    )
    assert bulk.status == "done"
    ours = _without_json_gaps(ledger_of(other, registered=False))
    theirs = _without_json_gaps(ledger_of(world.client, registered=False))
    for start, year in theirs["years"].items():
        # The seeded sandbox states #PSALDO only for its two latest years; the JSON path
        # derives them for every year, as Fortnox's export would state them.
        if not year["period_balances"]:
            ours["years"][start]["period_balances"] = {}
    assert ours == theirs
    assert _without_json_gaps(sandbox_ledger(world.company, registered=False)) == ours
    fortnox.close()
