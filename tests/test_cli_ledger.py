"""The ledger's console commands through ``bokslut.cli.main``: exit codes and Swedish output."""

from __future__ import annotations

from pathlib import Path

import pytest

from bokslut.cli import main
from bokslut.demo import DEMO_ORG_NUMBER, demo_sie_path
from bokslut.firms.models import Client
from bokslut.ledger import models as m
from bokslut.ledger.selectors import trial_balance
from bokslut.money import format_sek
from bokslut.sie.reader import read_document

pytestmark = pytest.mark.django_db(transaction=True)

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sie"


def test_import_prints_a_swedish_summary_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import-sie", str(demo_sie_path())])

    out = capsys.readouterr().out
    assert code == 0
    assert "Importerade demo_ab.se till Demobolaget AB (559420-2938), ny klient" in out
    assert "verifikationer" in out
    vouchers = len(read_document(demo_sie_path())[0].vouchers)
    line = next(line for line in out.splitlines() if line.startswith("verifikationer"))
    assert line.split()[1:] == [str(vouchers), "0", "0", "0"]


def test_second_import_says_nothing_changed(capsys: pytest.CaptureFixture[str]) -> None:
    main(["import-sie", str(demo_sie_path())])
    capsys.readouterr()

    code = main(["import-sie", str(demo_sie_path()), "--client", DEMO_ORG_NUMBER])

    out = capsys.readouterr().out
    assert code == 0
    assert "Inget ändrades" in out


def test_broken_file_imports_nothing_and_lists_its_problems(
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = CORPUS / "jsisie" / "transaktioner_ovnbolag_imbalanced.se"
    if not broken.exists():
        pytest.skip(f"the SIE corpus is missing at {CORPUS}")

    code = main(["import-sie", str(broken)])

    err = capsys.readouterr().err
    assert code == 1
    assert "transaktioner_ovnbolag_imbalanced.se kunde inte importeras; inget sparades" in err
    assert "rad 3905: Verifikation B 1 balanserar inte" in err
    assert not m.Voucher.objects.exists()


def test_client_that_does_not_match_the_file_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["import-sie", str(demo_sie_path()), "--client", "556036-0793"])

    err = capsys.readouterr().err
    assert code == 1
    assert "Filen gäller organisationsnummer 559420-2938, inte klienten 556036-0793" in err
    assert not m.FinancialYear.objects.exists()


def test_trial_balance_prints_swedish_amounts_and_zero_totals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["import-sie", str(demo_sie_path())])
    capsys.readouterr()

    code = main(["trial-balance", "--client", DEMO_ORG_NUMBER, "--year", "2024"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Saldobalans Demobolaget AB (559420-2938) 2024-01-01–2024-12-31")
    line_1930 = next(line for line in out.splitlines() if line.startswith("1930"))
    assert "Företagskonto" in line_1930
    client = Client.objects.get(org_number=DEMO_ORG_NUMBER)
    bank = next(r for r in trial_balance(client=client, year=2024) if r.account == "1930")
    assert line_1930.split()[-3:] == format_sek(bank.closing).replace("\u00a0", " ").split()
    assert "\u00a0" in line_1930  # thousands separated by a non-breaking space
    total = next(line for line in out.splitlines() if line.startswith("Summa"))
    assert total.split()[1:] == ["0,00", "0,00", "0,00"]  # a trial balance sums to zero


def test_trial_balance_for_a_missing_year_fails_clearly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["import-sie", str(demo_sie_path())])
    capsys.readouterr()

    code = main(["trial-balance", "--client", DEMO_ORG_NUMBER, "--year", "2019"])

    assert code == 1
    assert "har inget räkenskapsår 2019" in capsys.readouterr().err


def test_export_writes_a_file_that_reads_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["import-sie", str(demo_sie_path())])
    target = tmp_path / "ut.se"

    code = main(
        [
            "export-sie",
            "--client",
            DEMO_ORG_NUMBER,
            "--year",
            "2024",
            "--type",
            "4E",
            "-o",
            str(target),
        ]
    )

    assert code == 0
    exported, issues = read_document(target)
    original, _ = read_document(demo_sie_path())
    assert [i for i in issues if i.severity == "error"] == []
    assert len(exported.vouchers) == len(original.vouchers)
    assert exported.header.org_number == DEMO_ORG_NUMBER
