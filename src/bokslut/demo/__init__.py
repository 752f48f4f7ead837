"""The demo company: a shipped SIE 4E file and a loader that imports it.

``demo_ab.se`` was generated once with ``bokslut.sie.generator.write_generated_sie(
path, seed=2024, transactions=1200, years=2, name="Demobolaget AB")`` and committed, so the
demo does not change when the generator does.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bokslut.firms.models import Firm
from bokslut.ledger.importer import import_sie_file
from bokslut.ledger.summary import ImportSummary

__all__ = ["DEMO_ORG_NUMBER", "demo_sie_path", "load_demo"]

#: The demo company's organisationsnummer (the file's #ORGNR).
DEMO_ORG_NUMBER = "559420-2938"


def demo_sie_path() -> Path:
    """Path of the shipped demo SIE file (package data)."""
    return Path(str(resources.files("bokslut.demo").joinpath("demo_ab.se")))


def load_demo(*, firm: Firm | None = None) -> ImportSummary:
    """Import the demo company into ``firm`` (idempotent: a second load changes nothing)."""
    return import_sie_file(demo_sie_path(), firm=firm)
