"""``python -m bokslut.selfcheck``: a real sandbox process, read back in full, equals the seed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CORPUS_FILES = (
    # Two financial years, IB/UB/RES and vouchers in both.
    "sie4j/BLBLOV_SIE4.SE",
    # #BTRANS and #RTRANS rows: struck rows must come back as Removed.
    "jsisie/sie_4.SE",
    # Cost centres and projects on voucher rows, a 1 280-account chart.
    "sie4j/SIE_test_av_KST_projekt_Testbolaget_e_kopia.SE",
)


def corpus_dir() -> Path:
    """The real-file SIE corpus beside the repository; missing fails under CI=true, else skips."""
    root = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sie"
    if not root.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"SIE corpus missing at {root} (required under CI)")
        pytest.skip(f"SIE corpus not found at {root}")
    return root


def selfcheck(*args: str) -> tuple[int, Any, str]:
    """Run the check as a separate process; (exit status, parsed --json output, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "bokslut.selfcheck", "--json", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    summary = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, summary, done.stderr


def company(summary: Any, seed: str) -> dict[str, Any]:
    return next(c for c in summary["companies"] if c["seed"] == seed)


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_files_read_back_through_the_client_equal_their_seeds() -> None:
    root = corpus_dir()
    seeds = [str(root / name) for name in CORPUS_FILES]
    status, summary, stderr = selfcheck(*[arg for seed in seeds for arg in ("--seed", seed)])
    assert status == 0, (stderr, summary)
    assert summary["ok"] is True
    assert [c["database_number"] for c in summary["companies"]] == [2001, 2002, 2003]
    for entry in summary["companies"]:
        assert entry["difference_count"] == 0
        compared = entry["compared"]
        # One SIE 4 download per financial year, and every account seen with IB and UB.
        assert compared["SIE downloads"] == compared["years"] >= 1
        assert compared["opening balances"] == compared["closing balances"] > 0
        assert compared["voucher rows"] > 0
    blblov = company(summary, "BLBLOV_SIE4.SE")["compared"]
    assert blblov["years"] == 2
    assert blblov["vouchers"] == 20
    assert company(summary, "sie_4.SE")["compared"]["removed rows (#BTRANS)"] == 1


@pytest.mark.slow
def test_demo_company_reads_back_equal_to_its_seed() -> None:
    status, summary, stderr = selfcheck()
    assert status == 0, (stderr, summary)
    demo = company(summary, "demo")
    assert demo["database_number"] == 1001
    compared = demo["compared"]
    assert compared["years"] == compared["SIE downloads"] == 3
    assert compared["vouchers"] == compared["SIE vouchers"] == 900
    # Registers only Fortnox's JSON holds are compared field by field, lists and details.
    assert compared["Customers (list)"] == 25
    assert compared["Suppliers (list)"] == 15
    assert compared["SupplierInvoices (detail)"] == compared["SupplierInvoices (list)"] > 0
    assert compared["Assets (detail)"] == compared["Assets (list)"] > 0
    # One request per account and year for UB, one per voucher for rows: nothing skipped.
    assert demo["requests"] >= compared["closing balances"] + compared["vouchers"]


@pytest.mark.corpus
def test_seed_extras_are_compared_with_the_json_registers(tmp_path: Path) -> None:
    seed = tmp_path / "bolag.se"
    shutil.copyfile(corpus_dir() / "sie4j" / "BLBLOV_SIE4.SE", seed)
    extras = {
        "Customers": [{"CustomerNumber": "7", "Name": "Kund Sju AB", "City": "Umeå"}],
        "SupplierInvoices": [
            {"GivenNumber": 44, "SupplierNumber": "3", "Total": 1250.10, "Balance": 0.10}
        ],
        "LockedPeriod": {"EndDate": "2015-03-31"},
    }
    seed.with_suffix(".json").write_text(json.dumps(extras), "utf-8")
    status, summary, stderr = selfcheck("--seed", str(seed))
    assert status == 0, (stderr, summary)
    compared = company(summary, "bolag.se")["compared"]
    assert compared["Customers (list)"] == 1
    assert compared["SupplierInvoices (detail)"] == 1


def test_a_sandbox_changed_behind_the_seed_fails_the_check() -> None:
    status, summary, _ = selfcheck("--tamper")
    assert status == 1
    assert summary["ok"] is False
    demo = company(summary, "demo")
    differences = "\n".join(demo["differences"])
    # The renamed account shows in the JSON chart and in every SIE export ...
    assert "Description: expected" in differences
    assert "#KONTO" in differences
    # ... and the extra voucher as a voucher, a moved UB and an extra #VER.
    assert "voucher A " in differences
    assert " UB: expected" in differences
    assert "#VER" in differences


def test_a_seed_that_is_not_sie_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "sida.se"
    broken.write_text("<html><body>404 Not Found</body></html>\n", "utf-8")
    status, summary, stderr = selfcheck("--seed", str(broken))
    assert status == 2
    assert summary is None
    assert "SieFormatError" in stderr
