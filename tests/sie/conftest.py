"""Shared fixtures for the SIE tests: where the real-file corpus lives."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

#: /work/main/../shared/data/sie: next to the repository, never copied into it.
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"

#: Names of the corpus files that are broken or odd on purpose (see the corpus README).
BROKEN_NAME = re.compile(
    r"error|erroneous|faulty|imbalanced|missing|non_numeric|unparseable|critical|empty"
    r"|8_digit|12_digit|8-4_digit|iso_voucher_date|broken",
    re.IGNORECASE,
)


def corpus_dir() -> Path:
    """The corpus folder; a missing corpus fails the test under CI=true, else skips it."""
    if CORPUS.is_dir():
        return CORPUS
    reason = f"the SIE corpus is missing at {CORPUS.resolve()}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def well_formed_files() -> list[Path]:
    """Every corpus file that is not deliberately broken (empty when the corpus is missing)."""
    if not CORPUS.is_dir():
        return []
    return sorted(
        p
        for p in CORPUS.glob("*/*")
        if p.is_file() and p.name != "README.md" and not BROKEN_NAME.search(p.name)
    )


@pytest.fixture
def corpus() -> Path:
    """Path of the SIE corpus folder (see :func:`corpus_dir`)."""
    return corpus_dir()
