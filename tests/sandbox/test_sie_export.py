"""GET /3/sie/{1..4}: the export, read back by bokslut.sie, equals the seed it was built from."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import httpx
import pytest

from bokslut.sandbox import ManualClock, company_from_document, run_in_thread
from bokslut.sie.model import Document
from bokslut.sie.reader import read_document

from .conftest import client_token, corpus_dir

ROUND_TRIP = [
    "jsisie/BL0001_typ1.SE",
    "jsisie/BL0001_typ2.SE",
    "jsisie/BL0001_typ3.SE",
    "jsisie/Sie4.se",
    "jsisie/Bokslut_Norstedts_SIE_4E.se",
    "jsisie/transaktioner_ovnbolag.se",
    "sie4j/BLBLOV_SIE4.SE",
    "sie4j/SIE_test_av_KST_projekt_Testbolaget_e_kopia.SE",
    "sie4j/Testbolaget_Enskild_firma.SE",
]


def _essence(doc: Document) -> dict[str, object]:
    # What a Fortnox export must carry over; #PROGRAM, #GEN and #FLAGGA are the exporter's own.
    return {
        "name": doc.header.company_name,
        "org": doc.header.org_number,
        "years": doc.header.years,
        "accounts": {n: (a.name, a.type, a.sru, a.unit) for n, a in doc.accounts.items()},
        "dimensions": doc.dimensions,
        "objects": doc.objects,
        "balances": Counter(doc.balances),
        "object_balances": Counter(doc.object_balances),
        "period_balances": Counter(doc.period_balances),
        "vouchers": sorted(doc.vouchers, key=lambda v: (v.series, int(v.number))),
    }


@pytest.mark.corpus
@pytest.mark.parametrize("name", ROUND_TRIP)
def test_export_read_back_equals_the_seed(name: str, clock: ManualClock) -> None:
    seed, _ = read_document(corpus_dir() / name)
    sie_type = seed.header.sie_type or 4
    running = run_in_thread([company_from_document(seed, 3001)], clock=clock)
    with running, httpx.Client(base_url=running.base_url) as http:
        auth = client_token(http, 3001, "bookkeeping")
        current = seed.header.years[0]
        years = http.get("/3/financialyears", headers=auth,
                         params={"date": current.start.isoformat()}).json()  # fmt: skip
        year_id = years["FinancialYears"][0]["Id"]
        answer = http.get(f"/3/sie/{sie_type}", headers=auth, params={"financialyear": year_id})
    assert answer.status_code == 200
    exported, _ = read_document(io.BytesIO(answer.content))
    assert exported.header.format == "PC8"
    assert _essence(exported) == _essence(seed)


def test_export_is_cp437_with_every_voucher(
    http: httpx.Client, auth: dict[str, str], sandbox: object
) -> None:
    years = http.get("/3/financialyears", headers=auth, params={"date": "2025-01-01"}).json()
    year_id = years["FinancialYears"][0]["Id"]
    answer = http.get("/3/sie/4", headers=auth, params={"financialyear": year_id})
    assert answer.status_code == 200
    text = answer.content.decode("cp437")
    listed = http.get("/3/vouchers", headers=auth, params={"financialyear": year_id})
    assert text.count("#VER ") == listed.json()["MetaInformation"]["@TotalResources"]
    assert "#RAR -1 20240101 20241231" in text
    assert "Ö".encode("cp437") in answer.content or "ö".encode("cp437") in answer.content


def test_posted_voucher_moves_the_exported_closing_balance(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    def ub_1930() -> str:
        text = http.get("/3/sie/1", headers=auth).content.decode("cp437")
        return next(line for line in text.splitlines() if line.startswith("#UB 0 1930 "))

    before = ub_1930()
    body = b'{"Voucher":{"VoucherSeries":"A","TransactionDate":"2025-09-01","VoucherRows":[' \
        b'{"Account":1930,"Debit":10},{"Account":6570,"Credit":10}]}}'  # fmt: skip
    assert http.post("/3/vouchers", headers=auth, content=body).status_code == 201
    after = ub_1930()
    from decimal import Decimal

    assert Decimal(after.split()[3]) - Decimal(before.split()[3]) == Decimal(10)


def test_unknown_sie_type_is_400(http: httpx.Client, auth: dict[str, str]) -> None:
    assert http.get("/3/sie/5", headers=auth).status_code == 400


def test_seed_file_with_json_extras(tmp_path: Path) -> None:
    from bokslut.sandbox.cli import load_seed

    source = corpus_dir() / "sie4j" / "BLBLOV_SIE4.SE"
    copy = tmp_path / "bolag.se"
    copy.write_bytes(source.read_bytes())
    (tmp_path / "bolag.json").write_text(
        '{"Customers":[{"CustomerNumber":"7","Name":"Kund Sju AB"}],'
        '"LockedPeriod":{"EndDate":"2015-03-31"},"Licences":["bookkeeping"]}',
        "utf-8",
    )
    company = load_seed(copy, 4242)
    assert list(company.customers) == ["7"]
    assert str(company.locked_until) == "2015-03-31"
    assert company.licences == {"bookkeeping"}
    assert company.years
