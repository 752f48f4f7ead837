"""Export of an imported year re-imports to the identical ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from bokslut.firms.models import Client, Firm
from bokslut.ledger.exporter import export_sie
from bokslut.ledger.importer import import_sie_document, import_sie_file

from .conftest import ledger_snapshot, sample_document, without_ids

pytestmark = pytest.mark.django_db(transaction=True)


def test_exported_year_reimports_to_the_identical_ledger(tmp_path: Path) -> None:
    first = import_sie_document(sample_document(), name="test.se")
    client = Client.objects.get(pk=first.client_id)
    exported = tmp_path / "export.se"

    export_sie(client=client, year=2024, sie_type="4E", target=exported)
    other_firm = Firm.objects.create(name="Annan byrå")
    second = import_sie_file(exported, firm=other_firm)

    assert second.client_id != first.client_id
    assert without_ids(ledger_snapshot(second.client_id)) == without_ids(
        ledger_snapshot(first.client_id)
    )


def test_reimporting_an_export_into_the_same_client_changes_nothing(tmp_path: Path) -> None:
    first = import_sie_document(sample_document(), name="test.se")
    client = Client.objects.get(pk=first.client_id)
    before = ledger_snapshot(client.pk)
    exported = tmp_path / "export.se"
    export_sie(client=client, year=2024, target=exported)

    again = import_sie_file(exported, client=client)

    assert not again.changed_anything, again.counts
    assert ledger_snapshot(client.pk) == before


@pytest.mark.parametrize("sie_type", ["1", "2", "3", "4I"])
def test_every_type_exports_a_file_the_reader_accepts(tmp_path: Path, sie_type: str) -> None:
    from bokslut.sie.reader import read_document

    first = import_sie_document(sample_document(), name="test.se")
    client = Client.objects.get(pk=first.client_id)
    exported = tmp_path / f"export.{sie_type}"

    export_sie(client=client, year=2024, sie_type=sie_type, target=exported)  # type: ignore[arg-type]
    document, issues = read_document(exported)

    assert [i for i in issues if i.severity == "error"] == []
    assert document.header.sie_type == (4 if sie_type == "4I" else int(sie_type))
    assert bool(document.vouchers) == (sie_type == "4I")
    assert bool(document.balances) == (sie_type != "4I")
