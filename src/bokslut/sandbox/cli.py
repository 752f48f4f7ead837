"""``bokslut sandbox``: serve Fortnox-compatible companies on a port until interrupted."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from bokslut.sandbox.demo import demo_company
from bokslut.sandbox.jsonio import loads
from bokslut.sandbox.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from bokslut.sandbox.seed import apply_extras, company_from_document
from bokslut.sandbox.server import run_in_thread
from bokslut.sandbox.store import Company
from bokslut.sie.errors import SieFormatError
from bokslut.sie.reader import read_document

__all__ = ["load_seed", "main"]

FIRST_SEEDED_NUMBER = 2001


def load_seed(path: Path, database_number: int) -> Company:
    """A company from one SIE file, plus ``<same name>.json`` extras beside it if present."""
    document, issues = read_document(path)
    fatal = [issue for issue in issues if str(issue.severity) == "error"]
    if fatal and not document.accounts:
        raise ValueError(f"{path}: {fatal[0]}")
    company = company_from_document(document, database_number)
    extras = path.with_suffix(".json")
    if extras.is_file():
        # Amounts in extras are money: parsed as Decimal, never float.
        data = loads(extras.read_text("utf-8"))
        if not isinstance(data, Mapping):
            raise ValueError(f"{extras}: expected a JSON object")
        apply_extras(company, data)
    return company


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bokslut sandbox",
        description="A Fortnox API v3 look-alike for demos, tests and benchmarks.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--seed", action="append", default=[], type=Path, metavar="FILE",
        help="a SIE file to serve as one company (repeatable); FILE.json beside it adds extras",
    )  # fmt: skip
    parser.add_argument("--demo", action="store_true", help="add the demo company (1001)")
    parser.add_argument(
        "--token-lifetime", type=float, default=3600.0, help="access-token seconds (3600)"
    )
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until Ctrl-C; returns the exit status."""
    args = _parser().parse_args(argv)
    companies: list[Company] = []
    if args.demo or not args.seed:
        companies.append(demo_company())
    for offset, path in enumerate(args.seed):
        try:
            companies.append(load_seed(path, FIRST_SEEDED_NUMBER + offset))
        except (OSError, ValueError, SieFormatError) as error:
            print(f"bokslut sandbox: {error}", file=sys.stderr)
            return 2
    running = run_in_thread(
        companies,
        host=args.host,
        port=args.port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_lifetime=args.token_lifetime,
    )
    print(f"Fortnox-sandlåda på {running.base_url}")
    print(f"  API:     {running.api_url}")
    print(f"  OAuth:   {running.oauth_url} (client_id={args.client_id})")
    print(f"  Control: {running.control_url}")
    for company in companies:
        print(f"  Företag {company.database_number}: {company.name}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0
