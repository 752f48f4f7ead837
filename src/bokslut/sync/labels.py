"""Swedish names for the codes a sync run records: how a year was fetched, and data areas.

The run keeps stable codes (``sie``, ``customer_invoices``) for the program; people see
these names instead.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bokslut.integrations.areas import Area

__all__ = ["PATH_LABELS", "area_label", "path_label", "register_key_label"]

#: How a year's bookkeeping was brought in (:class:`bokslut.sync.planner.Path`).
PATH_LABELS = {
    "sie": _("SIE-fil"),
    "delta": _("Nya verifikationer (JSON)"),
    "json": _("JSON"),
    "unchanged": _("Oförändrat"),
}


def path_label(path: str) -> str:
    """The Swedish name of a year's path; an unknown code is shown as it is."""
    return str(PATH_LABELS.get(path, path))


def area_label(area: str) -> str:
    """The area's name as on the sync settings page; an unknown code is shown as it is."""
    return str(Area(area).label) if area in Area.values else area


def register_key_label(key: str) -> str:
    """A register change's key (``"customer_invoices 1001"``) with its area's Swedish name."""
    area, space, rest = key.partition(" ")
    return f"{area_label(area)} {rest}" if space else area_label(key)
