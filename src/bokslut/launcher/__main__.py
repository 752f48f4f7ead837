"""``python -m bokslut.launcher``: run the demo command directly.

Until the ledger app's interim ``demo`` command is retired, ``bokslut demo`` still finds
that one first; this entry point always runs the full demo.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``bokslut demo`` (this app's command) with ``argv``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bokslut.settings")
    import django

    django.setup()
    from bokslut.launcher.management.commands.demo import Command

    try:
        Command().run_from_argv(["bokslut", "demo", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
