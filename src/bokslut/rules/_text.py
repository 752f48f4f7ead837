"""Swedish wording shared by the checks."""

from __future__ import annotations

from bokslut.money import format_sek, from_ore

__all__ = ["kr"]


def kr(ore: int) -> str:
    """An öre amount as Swedish kronor text: ``-1 234,56 kr``."""
    return f"{format_sek(from_ore(ore))} kr"
