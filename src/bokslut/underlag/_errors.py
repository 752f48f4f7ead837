"""The one error every underlag parser raises: a Swedish message naming the line and field."""

from __future__ import annotations

__all__ = ["UnderlagError"]


class UnderlagError(ValueError):
    """A file that cannot be used as underlag; ``str(error)`` is the Swedish message to show.

    ``line`` (1-based) and ``field`` say where, when the problem has a place.
    """

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        self.message = message
        self.line = line
        self.field = field
        where = []
        if line is not None:
            where.append(f"rad {line}")
        if field:
            where.append(f"fält ”{field}”")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)
