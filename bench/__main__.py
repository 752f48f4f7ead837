"""``python -m bench <name> [options]``: run one benchmark and print its JSON report.

Each benchmark is a module in this folder with a ``main(argv: list[str]) -> int``; register it
in ``BENCHMARKS`` by name.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS: dict[str, str] = {
    "sie": "bench.sie_parse",
    "fortnox-http": "bench.fortnox_http",
    "sync-pool": "bench.sync_pool",
    "web-pages": "bench.web_pages",
    "checks": "bench.checks",
    "sync": "bench.sync_full",
}


def main(argv: list[str]) -> int:
    """Dispatch to the named benchmark."""
    if not argv or argv[0] not in BENCHMARKS:
        names = ", ".join(sorted(BENCHMARKS))
        print(f"usage: python -m bench {{{names}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[argv[0]])
    result: int = module.main(argv[1:])
    return result


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
