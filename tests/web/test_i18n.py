"""The English catalogue is complete and its committed .mo matches the .po."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "bokslut" / "locale" / "en" / "LC_MESSAGES"


def test_every_english_string_is_translated() -> None:
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    assert len(entries) > 50
    for entry in entries:
        assert 'msgstr ""' not in entry.splitlines()[-1] or "msgstr[" in entry, entry
        assert "#, fuzzy" not in entry, entry


def test_committed_mo_matches_the_po(tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (Debian package gettext) is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(LOCALE / "django.po")], check=True)

    def catalogue(path: Path) -> dict[object, str]:
        with path.open("rb") as handle:
            return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]

    assert catalogue(LOCALE / "django.mo") == catalogue(fresh)
