"""The import benchmark's child process: file-backed SQLite, so the writer thread runs."""

from __future__ import annotations

from pathlib import Path

from bokslut.ledger.benchsupport import run_import_benchmark
from bokslut.sie.generator import write_generated_sie


def test_generated_file_imports_on_a_writer_thread_and_reimports_unchanged(
    tmp_path: Path,
) -> None:
    generated = write_generated_sie(tmp_path / "gen.se", seed=7, transactions=3000)

    result = run_import_benchmark(generated.path, backend="sqlite", timeout=300)

    assert result["db"] == "sqlite"
    assert result["vouchers"] == generated.vouchers
    # #TRANS rows exactly as generated, plus the generator's few #BTRANS/#RTRANS rows.
    assert 3000 <= result["rows"] < 3100
    assert result["reimport_changed"] is False
    assert result["movements_agree"] is True
