"""A posted voucher moves the SIE export's #PSALDO and #OUB, not only #UB/#RES.

Every check downloads the export over HTTP and reads it back with :mod:`bokslut.sie`, the way
a sync would. The seeds state #PSALDO as a month's movement (per account and per single
object) and #OUB per (account, object), so after any posting the export must still satisfy
what the seed did: UB = IB + movements, RES = movements, each #PSALDO = its month's
movements, #OUB = #OIB + the object's movements.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import httpx
import pytest

from bokslut.sandbox import ManualClock, company_from_document, run_in_thread
from bokslut.sandbox.jsonio import dumps
from bokslut.sie.model import (
    Account,
    Balance,
    Document,
    FinancialYear,
    Header,
    ObjectRef,
)
from bokslut.sie.reader import read_document

from .conftest import DEMO_DB, client_token

_RESULT_CLASSES = ("3", "4", "5", "6", "7", "8")
PeriodKey = tuple[str, str, tuple[ObjectRef, ...]]


def _year_id(http: httpx.Client, auth: dict[str, str], day: str) -> int:
    years = http.get("/3/financialyears", headers=auth, params={"date": day}).json()
    year_id: int = years["FinancialYears"][0]["Id"]
    return year_id


def _export(http: httpx.Client, auth: dict[str, str], day: str, sie_type: int = 4) -> Document:
    answer = http.get(
        f"/3/sie/{sie_type}", headers=auth, params={"financialyear": _year_id(http, auth, day)}
    )
    assert answer.status_code == 200, answer.text
    document, _ = read_document(io.BytesIO(answer.content))
    return document


def _post(http: httpx.Client, auth: dict[str, str], day: str, amount: str,
          debit_row: dict[str, object]) -> None:  # fmt: skip
    body = {
        "Voucher": {
            "VoucherSeries": "A",
            "TransactionDate": day,
            "Description": "Bankavgift",
            "VoucherRows": [
                {"Account": 6570, "Debit": Decimal(amount), **debit_row},
                {"Account": 1930, "Credit": Decimal(amount)},
            ],
        }
    }
    answer = http.post("/3/vouchers", headers={**auth, "Content-Type": "application/json"},
                       content=dumps(body))  # fmt: skip
    assert answer.status_code == 201, answer.text


def _psaldo(doc: Document, year: int = 0) -> dict[PeriodKey, Decimal]:
    return {
        (b.period, b.account, b.objects): b.amount
        for b in doc.period_balances
        if b.year == year and b.kind == "PSALDO"
    }


def _oub(doc: Document, year: int = 0) -> dict[tuple[str, ObjectRef], Decimal]:
    return {(b.account, b.object): b.amount for b in doc.object_balances
            if b.year == year and b.kind == "OUB"}  # fmt: skip


def _changes(before: dict[object, Decimal], after: dict[object, Decimal]) -> dict[object, Decimal]:
    keys = set(before) | set(after)
    moved = {k: after.get(k, Decimal(0)) - before.get(k, Decimal(0)) for k in keys}
    return {k: v for k, v in moved.items() if v}


def assert_consistent(doc: Document, *, object_balances: bool = True) -> None:
    """Year 0 of a SIE 4E export: every stated balance equals what its vouchers make it.

    ``object_balances=False`` for a year whose seed states no #OIB/#OUB at all.
    """
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    per_period: dict[PeriodKey, Decimal] = defaultdict(Decimal)
    per_object: dict[tuple[str, ObjectRef], Decimal] = defaultdict(Decimal)
    for voucher in doc.vouchers:
        for row in voucher.rows:
            if not row.counts:
                continue
            day = row.date or voucher.date
            assert day is not None
            per_account[row.account] += row.amount
            per_period[(f"{day:%Y%m}", row.account, ())] += row.amount
            for ref in row.objects:
                per_period[(f"{day:%Y%m}", row.account, (ref,))] += row.amount
                per_object[(row.account, ref)] += row.amount
    stated = {(b.kind, b.account): b.amount for b in doc.balances if b.year == 0}
    for account in {a for _, a in stated} | set(per_account):
        moved = per_account.get(account, Decimal(0))
        if account.startswith(_RESULT_CLASSES):
            assert stated.get(("RES", account), Decimal(0)) == moved, account
        else:
            opening = stated.get(("IB", account), Decimal(0))
            assert stated.get(("UB", account), Decimal(0)) == opening + moved, account
    psaldo = _psaldo(doc)
    for key in set(psaldo) | set(per_period):
        assert psaldo.get(key, Decimal(0)) == per_period.get(key, Decimal(0)), key
    if not object_balances:
        return
    opening_objects = {(b.account, b.object): b.amount for b in doc.object_balances
                       if b.year == 0 and b.kind == "OIB"}  # fmt: skip
    oub = _oub(doc)
    for key in set(oub) | set(per_object):
        start = opening_objects.get(key, Decimal(0))
        assert oub.get(key, Decimal(0)) == start + per_object.get(key, Decimal(0)), key


def test_the_seed_itself_is_consistent(http: httpx.Client, auth: dict[str, str]) -> None:
    # The premise of the tests below: the demo seed holds together before anything is posted.
    document = _export(http, auth, "2025-01-01")
    assert _psaldo(document)
    assert _oub(document)
    assert_consistent(document)


def test_voucher_without_objects_moves_only_its_months_psaldo(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    before = _export(http, auth, "2025-01-01")
    _post(http, auth, "2025-09-17", "100.50", {})
    after = _export(http, auth, "2025-01-01")

    assert _changes(_psaldo(before), _psaldo(after)) == {
        ("202509", "6570", ()): Decimal("100.50"),
        ("202509", "1930", ()): Decimal("-100.50"),
    }
    assert _psaldo(after, -1) == _psaldo(before, -1)
    assert _oub(after) == _oub(before)
    assert_consistent(after)


def test_voucher_with_cost_centre_and_project_moves_object_balances(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    before = _export(http, auth, "2025-01-01")
    _post(http, auth, "2025-10-02", "250.00", {"CostCenter": "10", "Project": "P101"})
    after = _export(http, auth, "2025-01-01")

    cost_centre, project = (1, "10"), (6, "P101")
    assert _changes(_psaldo(before), _psaldo(after)) == {
        ("202510", "6570", ()): Decimal("250.00"),
        ("202510", "6570", (cost_centre,)): Decimal("250.00"),
        ("202510", "6570", (project,)): Decimal("250.00"),
        ("202510", "1930", ()): Decimal("-250.00"),
    }
    assert _changes(_oub(before), _oub(after)) == {
        ("6570", cost_centre): Decimal("250.00"),
        ("6570", project): Decimal("250.00"),
    }
    assert _psaldo(after, -1) == _psaldo(before, -1)
    assert_consistent(after)
    # SIE 2 carries period balances without objects; SIE 3 the object ones too.
    type2 = _export(http, auth, "2025-01-01", sie_type=2)
    assert all(not b.objects for b in type2.period_balances)
    assert _psaldo(type2)[("202510", "6570", ())] == _psaldo(after)[("202510", "6570", ())]
    type3 = _export(http, auth, "2025-01-01", sie_type=3)
    assert _psaldo(type3) == _psaldo(after)
    assert _oub(type3) == _oub(after)


def test_previous_year_moves_where_its_seed_states_period_balances(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    before = _export(http, auth, "2025-01-01")
    previous_before = _export(http, auth, "2024-01-01")
    oldest_before = _export(http, auth, "2023-01-01")
    for day in ("2024-03-05", "2023-03-05"):
        # Past the locked period: only the control API books there.
        answer = http.post(
            f"/control/companies/{DEMO_DB}/vouchers",
            content=dumps({"Voucher": {"VoucherSeries": "A", "TransactionDate": day,
                                       "VoucherRows": [
                                           {"Account": 6570, "Debit": 40, "CostCenter": "20"},
                                           {"Account": 1930, "Credit": 40}]}}),
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
    after = _export(http, auth, "2025-01-01")
    previous_after = _export(http, auth, "2024-01-01")
    oldest_after = _export(http, auth, "2023-01-01")

    moved = {
        ("202403", "6570", ()): Decimal(40),
        ("202403", "6570", ((1, "20"),)): Decimal(40),
        ("202403", "1930", ()): Decimal(-40),
    }
    # 2024 is year -1 of the 2025 export and year 0 of its own.
    assert _changes(_psaldo(before, -1), _psaldo(after, -1)) == moved
    assert _psaldo(after) == _psaldo(before)
    assert _changes(_psaldo(previous_before), _psaldo(previous_after)) == moved
    assert_consistent(previous_after, object_balances=False)
    # The seed states no #OUB for 2024 and no #PSALDO at all for 2023: a posted voucher
    # must not invent part of them (their sum would then contradict UB - IB).
    assert _oub(previous_after) == _oub(previous_before) == {}
    assert _psaldo(oldest_after) == _psaldo(oldest_before) == {}


def test_a_seed_without_movements_gets_period_balances_from_posted_vouchers(
    clock: ManualClock,
) -> None:
    # A year seeded with opening balances only: the posted vouchers are all its movements.
    names = {"1930": "Företagskonto", "2081": "Aktiekapital", "6570": "Bankkostnader"}
    opening = {"1930": Decimal(25000), "2081": Decimal(-25000)}
    seed = Document(
        header=Header(
            company_name="Tyst AB",
            sie_type=4,
            years={0: FinancialYear(0, date(2025, 1, 1), date(2025, 12, 31))},
        ),
        accounts={number: Account(number, name) for number, name in names.items()},
        balances=[
            Balance(kind, 0, n, amount) for kind in ("IB", "UB") for n, amount in opening.items()
        ],
    )
    with (
        run_in_thread([company_from_document(seed, 3001)], clock=clock) as running,
        httpx.Client(base_url=running.base_url) as http,
    ):
        auth = client_token(http, 3001, "bookkeeping")
        assert _export(http, auth, "2025-01-01").period_balances == []
        _post(http, auth, "2025-04-30", "75.25", {})
        after = _export(http, auth, "2025-01-01")
    assert _psaldo(after) == {
        ("202504", "6570", ()): Decimal("75.25"),
        ("202504", "1930", ()): Decimal("-75.25"),
    }
    assert_consistent(after)


@pytest.mark.parametrize("day", ["2025-08-01", "2025-12-31"])
def test_many_postings_keep_the_export_consistent(
    http: httpx.Client, auth: dict[str, str], day: str
) -> None:
    for amount in ("1.00", "2.50", "1000.00"):
        _post(http, auth, day, amount, {"CostCenter": "30"})
    after = _export(http, auth, "2025-01-01")
    assert_consistent(after)
    assert _psaldo(after)[(day[:4] + day[5:7], "6570", ((1, "30"),))] >= Decimal("1003.50")
