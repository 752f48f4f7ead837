"""Fixtures for the API tests: two firms with users, tokens, ledgers, a connection and runs."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from bokslut.api.tokens import token_create
from bokslut.firms.models import Client, Firm, Membership
from bokslut.fortnox import TokenSet
from bokslut.integrations.models import Connection, ConnectionStatus
from bokslut.integrations.tokens import DatabaseTokenStore
from bokslut.ledger.importer import import_sie_file
from bokslut.ledger.models import FinancialYear, Voucher, VoucherRow
from bokslut.sie.generator import GeneratedFile, write_generated_sie
from bokslut.sync.models import SyncRun

#: /work/main/../shared/data/sie, i.e. next to the repository.
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"

#: Fortnox tokens stored (encrypted) on firm B's connection: never to appear in answers.
FORTNOX_ACCESS_TOKEN = "fortnox-access-3f9c1e7a-never-shown"
FORTNOX_REFRESH_TOKEN = "fortnox-refresh-8b2d4c6e-never-shown"


def corpus_dir() -> Path:
    """The SIE corpus; fails under CI=true when missing, otherwise skips the test."""
    if CORPUS.is_dir():
        return CORPUS
    reason = f"the SIE corpus is missing at {CORPUS.resolve()}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Member:
    """A user with a personal API token."""

    user: User
    token: str

    def http(self) -> HttpClient:
        """A test client that sends the token on every request."""
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {self.token}")


@dataclass
class FirmWorld:
    """A firm, its administrator, and a client with an imported ledger."""

    firm: Firm
    admin: Member
    client: Client
    year: FinancialYear
    voucher: Voucher  # has a struck (#BTRANS) row
    run: SyncRun
    generated: GeneratedFile


@pytest.fixture(scope="session")
def ledger_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int, str], GeneratedFile]:
    """Generated SIE 4E files, written once per session."""
    folder = tmp_path_factory.mktemp("api-sie")
    made: dict[int, GeneratedFile] = {}

    def make(seed: int, orgnr: str) -> GeneratedFile:
        if seed not in made:
            made[seed] = write_generated_sie(
                folder / f"company-{seed}.se", seed=seed, transactions=2000, orgnr=orgnr
            )
        return made[seed]

    return make


def member(firm: Firm | None, username: str, **membership: Any) -> Member:
    """A user (in ``firm`` when given) with a fresh API token."""
    user = User.objects.create_user(username=username, password="x-" + username * 3)
    if firm is not None:
        Membership.objects.create(user=user, firm=firm, **membership)
    _, secret = token_create(user=user, name=f"{username}s nyckel")
    return Member(user, secret)


def make_world(
    *, name: str, username: str, orgnr: str, seed: int, files: Callable[[int, str], GeneratedFile]
) -> FirmWorld:
    """A firm, its administrator with a token, and a client with a ledger and a sync run."""
    firm = Firm.objects.create(name=name)
    admin = member(firm, username, role=Membership.Role.ADMIN)
    generated = files(seed, orgnr)
    summary = import_sie_file(generated.path, firm=firm)
    client = Client.objects.get(pk=summary.client_id)
    year = FinancialYear.objects.get(client=client)
    struck = VoucherRow.objects.filter(year=year, kind=VoucherRow.Kind.REMOVED).first()
    assert struck is not None, "the generator writes struck rows; the fixture relies on one"
    now = timezone.now()
    run = SyncRun.objects.create(
        client=client,
        trigger=SyncRun.Trigger.MANUAL,
        status=SyncRun.Status.DONE,
        areas=["vouchers", "balances"],
        paths={str(year.start): "sie"},
        counts={
            "vouchers": {"new": 3, "changed": 1, "unchanged": 296, "removed": 0},
            "balances": {"new": 0, "changed": 2, "unchanged": 40, "removed": 1},
        },
        requests={
            "GET /3/sie/{type}": {"requests": 1, "retries": 0, "bytes": 1234, "seconds": 0.2}
        },
        request_total=1,
        bytes_total=1234,
        progress={"area": "vouchers", "done": 300, "total": 300},
        started_at=now - dt.timedelta(seconds=5),
        finished_at=now,
    )
    return FirmWorld(firm, admin, client, year, struck.voucher, run, generated)


def connect(client: Client) -> Connection:
    """An active Fortnox connection holding (encrypted) tokens, as after a real connect."""
    connection = Connection.objects.create(
        client=client,
        status=ConnectionStatus.AKTIV,
        tenant_id="1001",
        company_name=client.name,
        org_number=client.org_number,
        scopes=["bookkeeping", "companyinformation"],
        licences=["bookkeeping"],
        connected_at=timezone.now(),
    )
    DatabaseTokenStore(connection.pk).save(
        TokenSet(
            access_token=FORTNOX_ACCESS_TOKEN,
            refresh_token=FORTNOX_REFRESH_TOKEN,
            expires_at=timezone.now().timestamp() + 3600,
        )
    )
    connection.refresh_from_db()
    return connection


@pytest.fixture
def firm_a(db: None, ledger_files: Callable[[int, str], GeneratedFile]) -> FirmWorld:
    """Byrå A with an administrator and one client with a ledger (not connected)."""
    return make_world(
        name="Byrå A", username="anna", orgnr="556036-0793", seed=11, files=ledger_files
    )


@pytest.fixture
def firm_b(db: None, ledger_files: Callable[[int, str], GeneratedFile]) -> FirmWorld:
    """Byrå B with an administrator and one connected client with a ledger."""
    world = make_world(
        name="Byrå B", username="bertil", orgnr="556677-8899", seed=12, files=ledger_files
    )
    connect(world.client)
    return world
