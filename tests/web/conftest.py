"""Fixtures for the web tests: two firms, their users, and a client with a generated ledger."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from bokslut.firms.models import Client, Firm, Membership
from bokslut.ledger.importer import import_sie_file
from bokslut.ledger.models import FinancialYear, Voucher, VoucherRow
from bokslut.sie.generator import GeneratedFile, write_generated_sie

#: /work/main/../shared/data/sie, i.e. next to the repository.
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"

PASSWORD = "korrekt-häst-batteri-häftklammer"


def corpus_dir() -> Path:
    """The SIE corpus; fails under CI=true when missing, otherwise skips the test."""
    if CORPUS.is_dir():
        return CORPUS
    reason = f"the SIE corpus is missing at {CORPUS.resolve()}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class FirmWorld:
    """A firm with an administrator and one client whose ledger was imported."""

    firm: Firm
    admin: User
    client: Client
    year: FinancialYear
    voucher: Voucher  # a voucher with a struck (#BTRANS) row
    generated: GeneratedFile


@pytest.fixture(scope="session")
def ledger_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, str], GeneratedFile]:
    """Generated SIE 4E files (2000 #TRANS; seeds 11 and 12 hold struck rows), once per session."""
    folder = tmp_path_factory.mktemp("sie")
    made: dict[int, GeneratedFile] = {}

    def make(seed: int, orgnr: str) -> GeneratedFile:
        if seed not in made:
            made[seed] = write_generated_sie(
                folder / f"company-{seed}.se", seed=seed, transactions=2000, orgnr=orgnr
            )
        return made[seed]

    return make


def make_world(
    *, name: str, username: str, orgnr: str, seed: int, files: Callable[[int, str], GeneratedFile]
) -> FirmWorld:
    """A firm, its administrator and a client with the generated ledger of ``seed``."""
    firm = Firm.objects.create(name=name)
    admin = User.objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=admin, firm=firm, role=Membership.Role.ADMIN)
    generated = files(seed, orgnr)
    summary = import_sie_file(generated.path, firm=firm)
    client = Client.objects.get(pk=summary.client_id)
    year = FinancialYear.objects.get(client=client)
    struck = VoucherRow.objects.filter(year=year, kind=VoucherRow.Kind.REMOVED).first()
    assert struck is not None, "the generator writes struck rows; the fixture relies on one"
    return FirmWorld(firm, admin, client, year, struck.voucher, generated)


@pytest.fixture
def world_a(db: None, ledger_files: Callable[[int, str], GeneratedFile]) -> FirmWorld:
    """Firm A (Lindqvist Redovisning) with client Ankaret AB's imported ledger."""
    return make_world(
        name="Lindqvist Redovisning",
        username="anna",
        orgnr="556036-0793",
        seed=11,
        files=ledger_files,
    )


@pytest.fixture
def world_b(db: None, ledger_files: Callable[[int, str], GeneratedFile]) -> FirmWorld:
    """Firm B, a competitor with its own client and ledger."""
    return make_world(
        name="Öberg Ekonomi", username="per", orgnr="556016-0680", seed=12, files=ledger_files
    )


@pytest.fixture(autouse=True)
def _static_root(settings: Any) -> None:
    # WhiteNoise warns at start-up when STATIC_ROOT does not exist (collectstatic not run).
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def signed_in(user: User) -> HttpClient:
    """A test client signed in as ``user`` (past axes, which needs a request to authenticate)."""
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http
