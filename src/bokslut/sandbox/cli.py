"""``bokslut sandbox``: serve Fortnox-compatible companies on a port until interrupted."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bokslut.sandbox.demo import demo_company
from bokslut.sandbox.faults import FaultConfig
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


#: What ``--rate-limit 0`` passes to the server: it always counts, so "off" is a limit
#: nobody reaches.
_UNLIMITED = sys.maxsize


def _number(text: str) -> Decimal:
    # Decimal rather than float() so that "nan", "inf" and "1e999" are refused, not accepted.
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"inte ett tal: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"inte ett ändligt tal: {text!r}")
    return value


def _rate_limit(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"inte ett heltal: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"får inte vara negativ: {text!r}")
    return value


def _window(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"måste vara större än 0 sekunder: {text!r}")
    return float(value)


def _latency(text: str) -> tuple[float, float]:
    # "50" is a fixed 50 ms; "20-80" draws each request's delay uniformly from the range.
    low_text, dash, high_text = text.partition("-")
    if dash and not low_text.strip():
        raise argparse.ArgumentTypeError(f"får inte vara negativ: {text!r}")
    low = _number(low_text)
    high = _number(high_text) if dash else low
    if low < 0 or high < 0:
        raise argparse.ArgumentTypeError(f"får inte vara negativ: {text!r}")
    if high < low:
        raise argparse.ArgumentTypeError(f"MIN får inte vara större än MAX: {text!r}")
    return float(low), float(high)


def _fraction(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"måste ligga mellan 0 och 1: {text!r}")
    return float(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bokslut sandbox",
        description=(
            "En Fortnox API v3-kompatibel testserver för demo, tester och prestandamätningar. "
            "Fel kan också slås på och av medan den kör: PATCH /control/faults."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="adress att lyssna på (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port att lyssna på (8765; 0 = valfri ledig)"
    )
    parser.add_argument(
        "--seed", action="append", default=[], type=Path, metavar="FIL",
        help="en SIE-fil att servera som ett företag (upprepningsbar); FIL.json bredvid den "
        "ger tillägg (kunder, låst period, licenser …)",
    )  # fmt: skip
    parser.add_argument(
        "--demo", action="store_true", help="lägg till demoföretaget (1001); förvalt utan --seed"
    )
    parser.add_argument(
        "--token-lifetime", type=float, default=3600.0, metavar="SEKUNDER",
        help="åtkomsttokens livslängd i sekunder (3600)",
    )  # fmt: skip
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID, help="OAuth-klientens id")
    parser.add_argument(
        "--client-secret", default=DEFAULT_CLIENT_SECRET, help="OAuth-klientens hemlighet"
    )
    limits = parser.add_argument_group("anropsgräns och fel")
    limits.add_argument(
        "--rate-limit", type=_rate_limit, default=25, metavar="N",
        help="högst N anrop per fönster per klient och företag, sedan 429 (25 som Fortnox; "
        "0 = ingen gräns)",
    )  # fmt: skip
    limits.add_argument(
        "--rate-window", type=_window, default=5.0, metavar="SEKUNDER",
        help="anropsgränsens glidande fönster i sekunder (5 som Fortnox)",
    )  # fmt: skip
    limits.add_argument(
        "--latency-ms", type=_latency, default=None, metavar="MS|MIN-MAX",
        help="fördröjning före varje API-svar i millisekunder: fast (50) eller slumpad "
        "jämnt inom ett intervall (20-80); förvalt ingen",
    )  # fmt: skip
    limits.add_argument(
        "--fault-rate", type=_fraction, default=0.0, metavar="ANDEL",
        help="andel API-anrop (0–1, t.ex. 0.05) som slumpvis får svaret 500 (förvalt 0)",
    )  # fmt: skip
    return parser


def _describe(args: argparse.Namespace) -> list[str]:
    """The banner's lines about the limit and the injected faults."""
    if args.rate_limit:
        limit = f"{args.rate_limit} anrop per {args.rate_window:g} s per klient och företag"
    else:
        limit = "ingen"
    lines = [f"  Anropsgräns: {limit}"]
    if args.latency_ms is not None:
        low, high = args.latency_ms
        span = f"{low:g} ms" if low == high else f"{low:g}–{high:g} ms"
        lines.append(f"  Fördröjning: {span}")
    if args.fault_rate:
        lines.append(f"  Serverfel:   500 på andelen {args.fault_rate:g} av API-anropen")
    return lines


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
        rate_limit=args.rate_limit or _UNLIMITED,
        rate_window=args.rate_window,
        faults=FaultConfig(latency_ms=args.latency_ms, error_rate=args.fault_rate),
    )
    print(f"Fortnox-sandlåda på {running.base_url}")
    print(f"  API:     {running.api_url}")
    print(f"  OAuth:   {running.oauth_url} (client_id={args.client_id})")
    print(f"  Control: {running.control_url}")
    for line in _describe(args):
        print(line)
    for company in companies:
        print(f"  Företag {company.database_number}: {company.name}")
    # Whoever reads the banner through a pipe (tests, the demo launcher's log) sees it now.
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0
