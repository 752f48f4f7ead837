"""Export of an imported year re-imports to the identical ledger, for every real file.

Each well-formed corpus file is imported into a client; every financial year of that client
is exported as SIE 4E with the project's exporter, and the exports are imported, oldest year
first, into a fresh client of another firm. The two ledgers must then be equal in every
part: years, chart, dimensions and objects, balances (IB/UB/RES, object and period
balances), and vouchers with all their rows (#RTRANS/#BTRANS kinds included).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bokslut.firms.models import Client, Firm
from bokslut.ledger import models as m
from bokslut.ledger.exporter import export_sie
from bokslut.ledger.importer import SieImportError, import_sie_file
from bokslut.sie.model import Severity
from bokslut.sie.reader import read_document

from .conftest import corpus_dir, ledger_snapshot, well_formed_files, without_ids
from .test_corpus import FALLBACK_ORG, _client_for, _prepare_years

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.corpus]

FILES = well_formed_files()

#: Well-formed by name, but the reader finds errors in them, so the import refuses them
#: (nothing is written) and there is no imported year to export.
NOT_IMPORTED = {
    # BL Administration writes the series "#" with numbers that repeat (# 1 at lines 469
    # and 478, …): voucher_duplicate is an error.
    "jsisie/BL0001_typ4.SE": "voucher_duplicate",
    # Norstedts' difference account "FEL" (#OUB/#PSALDO, line 670) is not numeric.
    "jsisie/Sie3.se": "account_non_numeric",
    # Norstedts' difference account "DIFF" (line 592 and on) is not numeric.
    "jsisie/Sie4.se": "account_non_numeric",
}

#: SIE 4I files without vouchers: a 4I file only adds vouchers to existing years and creates
#: no empty year (importer._plan_years), so the import leaves no year to export.
NO_YEAR = {
    # #RAR 0 and a chart, but not a single #VER.
    "sie4j/CC3.SI",
}


#: Files with voucher texts that CP437 cannot hold, so the export writes ``?`` (see
#: :func:`_lossy_vouchers`); no other file may lose a character.
CP437_LOSSY = {
    # A UTF-8 file whose texts already hold U+FFFD (replacement characters), e.g. the
    # voucher rows' "L\ufffdSK VATTEN".
    "sie4j/Arousells_Visning_AB.SE",
}


def _name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _as_cp437(value: Any) -> Any:
    """``value`` with every character CP437 lacks turned into ``?``, as the SIE writer
    does: the one change an export may make (a UTF-8 file's U+FFFD cannot be written)."""
    if isinstance(value, str):
        return value.encode("cp437", "replace").decode("cp437")
    if isinstance(value, tuple | list):
        return type(value)(_as_cp437(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_cp437(v) for k, v in value.items()}
    return value


#: Where :func:`without_ids` puts a voucher's content hash: last in a voucher, last in the
#: voucher key that starts a row.
_HASH = -1


def _lossy_vouchers(snapshot: dict[str, Any]) -> set[tuple[Any, ...]]:
    """(year, series, number) of the vouchers whose text CP437 cannot hold: written with
    ``?``, they come back with another text and so another content hash."""
    lossy = {v[:3] for v in snapshot["vouchers"] if _as_cp437(v) != v}
    lossy |= {r[0][:3] for r in snapshot["rows"] if _as_cp437(r[1:]) != r[1:]}
    return lossy


def _comparable(snapshot: dict[str, Any], lossy: set[tuple[Any, ...]]) -> dict[str, Any]:
    """``snapshot`` with the content hash of the ``lossy`` vouchers left out (everything
    else of them, their ``?`` texts included, is still compared)."""

    def unhashed(key: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*key[:_HASH], "(text changed by CP437)") if key[:3] in lossy else key

    result = dict(snapshot)
    result["vouchers"] = sorted((unhashed(v) for v in snapshot["vouchers"]), key=repr)
    result["rows"] = sorted(((unhashed(r[0]), *r[1:]) for r in snapshot["rows"]), key=repr)
    return result


@pytest.mark.parametrize("path", FILES or [None], ids=lambda p: p and f"{p.parent.name}/{p.name}")
def test_every_year_of_an_imported_corpus_file_exports_and_reimports_identically(
    path: Path | None, tmp_path: Path
) -> None:
    if path is None:
        corpus_dir()  # skips (or fails under CI=true) with the reason
        pytest.fail("the corpus has no well-formed files")
    document, issues = read_document(path)
    errors = {i.code for i in issues if i.severity is Severity.ERROR}
    client_org = _client_for(document)
    if _name(path) in NOT_IMPORTED:
        # Checked, so that the entry goes when the file starts to import.
        assert errors == {NOT_IMPORTED[_name(path)]}
        with pytest.raises(SieImportError):
            import_sie_file(path, client=client_org)
        return
    assert not errors, path.name
    _prepare_years(document, client_org)
    first = import_sie_file(path, client=client_org)
    client = Client.objects.get(pk=first.client_id)
    if _name(path) in NO_YEAR:
        assert not document.vouchers
        assert not m.Voucher.objects.filter(year__client=client).exists()
        return
    years = list(m.FinancialYear.objects.filter(client=client).order_by("start"))
    assert years, path.name

    other_firm = Firm.objects.create(name="Annan byrå")
    copy: Client | None = None
    for year in years:
        exported = tmp_path / f"{year.start:%Y%m%d}.se"
        export_sie(client=client, year=year, sie_type="4E", target=exported)
        if copy is None:
            second = import_sie_file(exported, firm=other_firm)
            copy = Client.objects.get(pk=second.client_id)
        else:
            import_sie_file(exported, client=copy)

    assert copy is not None
    assert copy.pk != client.pk
    original = without_ids(ledger_snapshot(client.pk))
    lossy = _lossy_vouchers(original)
    assert not lossy or _name(path) in CP437_LOSSY, sorted(lossy)
    assert _comparable(without_ids(ledger_snapshot(copy.pk)), lossy) == _comparable(
        _as_cp437(original), lossy
    )


def test_fortnox_export_named_si_is_imported_as_an_export_with_its_balances() -> None:
    # Sie4.si: an old Fortnox Bokföring export (#SIETYP 4, #RAR, 96 balances, 165 vouchers)
    # whose name suggests 4I. Its balances are stated, so it is imported as 4E.
    path = corpus_dir() / "jsisie" / "Sie4.si"
    summary = import_sie_file(path, client=FALLBACK_ORG)  # the file has no #ORGNR
    codes = {w.code for w in summary.warnings}
    assert "export_named_as_4i" in codes
    assert "balance_in_4i" not in codes
    assert m.Balance.objects.filter(year__client_id=summary.client_id).count() == 96
    assert m.Voucher.objects.filter(year__client_id=summary.client_id).count() == 165
