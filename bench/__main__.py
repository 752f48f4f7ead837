"""``python -m bench <name> [options]``: run one benchmark and print its JSON report."""

from __future__ import annotations

import sys
from collections.abc import Callable


def _sie(argv: list[str]) -> int:
    from bench.sie_parse import main

    return main(argv)


def _fortnox_http(argv: list[str]) -> int:
    from bench.fortnox_http import main

    return main(argv)


BENCHMARKS: dict[str, Callable[[list[str]], int]] = {"sie": _sie, "fortnox-http": _fortnox_http}


def main(argv: list[str]) -> int:
    """Dispatch to the named benchmark."""
    if not argv or argv[0] not in BENCHMARKS:
        names = ", ".join(sorted(BENCHMARKS))
        print(f"usage: python -m bench {{{names}}} [options]", file=sys.stderr)
        return 2
    return BENCHMARKS[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
