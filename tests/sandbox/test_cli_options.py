"""``bokslut sandbox`` switches for the rate limit and injected faults."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from bokslut.sandbox.cli import _parser, main

from .conftest import DEMO_DB, client_token


def test_defaults_are_fortnox_and_a_healthy_server() -> None:
    args = _parser().parse_args([])
    assert (args.rate_limit, args.rate_window) == (25, 5.0)
    assert args.latency_ms is None
    assert args.fault_rate == 0.0


@pytest.mark.parametrize(
    ("argv", "name", "value"),
    [
        (["--rate-limit", "3"], "rate_limit", 3),
        (["--rate-limit", "0"], "rate_limit", 0),
        (["--rate-window", "0.5"], "rate_window", 0.5),
        (["--latency-ms", "50"], "latency_ms", (50.0, 50.0)),
        (["--latency-ms", "20-80"], "latency_ms", (20.0, 80.0)),
        (["--latency-ms", "0-12.5"], "latency_ms", (0.0, 12.5)),
        (["--fault-rate", "0.05"], "fault_rate", 0.05),
        (["--fault-rate", "1"], "fault_rate", 1.0),
    ],
)
def test_switches_parse(argv: list[str], name: str, value: object) -> None:
    assert getattr(_parser().parse_args(argv), name) == value


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--rate-limit", "-1"], "får inte vara negativ"),
        (["--rate-limit", "2.5"], "inte ett heltal"),
        (["--rate-window", "0"], "större än 0"),
        (["--rate-window", "nan"], "inte ett ändligt tal"),
        (["--rate-window", "fem"], "inte ett tal"),
        (["--latency-ms", "-5"], "får inte vara negativ"),
        (["--latency-ms", "80-20"], "MIN får inte vara större än MAX"),
        (["--latency-ms", "20-"], "inte ett tal"),
        (["--latency-ms", "inf"], "inte ett ändligt tal"),
        (["--fault-rate", "1.5"], "mellan 0 och 1"),
        (["--fault-rate", "-0.1"], "mellan 0 och 1"),
        (["--fault-rate", "10%"], "inte ett tal"),
    ],
)
def test_bad_values_are_argparse_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--port", "0"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {argv[0]}: " in error
    assert message in error


def test_help_describes_every_switch(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for switch in ("--rate-limit N", "--rate-window SEKUNDER", "--latency-ms MS|MIN-MAX",
                   "--fault-rate ANDEL", "--seed FIL", "--token-lifetime SEKUNDER"):  # fmt: skip
        assert switch in text
    assert "25 som Fortnox; 0 = ingen gräns" in text
    assert "PATCH /control/faults" in text


@contextmanager
def _serving(*argv: str) -> Iterator[tuple[str, list[str]]]:
    """``python -m bokslut.sandbox ARGV`` on a free port; its base URL and banner."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bokslut.sandbox", "--port", "0", *argv],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        text=True,
        encoding="utf-8",
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    try:
        banner: list[str] = []
        # The banner ends with the companies; the demo company is the last line.
        while not banner or not banner[-1].startswith(f"  Företag {DEMO_DB}"):
            line = lines.get(timeout=60)
            assert line, f"the sandbox exited with {process.wait()} before serving"
            banner.append(line.rstrip("\n"))
        url = next(w for w in banner[0].split() if w.startswith("http://")).rstrip("/")
        yield url, banner
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_rate_limit_switches_reach_the_server() -> None:
    with _serving("--rate-limit", "3", "--rate-window", "5") as (url, banner):
        assert "  Anropsgräns: 3 anrop per 5 s per klient och företag" in banner
        with httpx.Client(base_url=url, timeout=10) as http:
            auth = client_token(http)
            started = time.monotonic()
            statuses = [http.get("/3/companyinformation", headers=auth).status_code
                        for _ in range(4)]  # fmt: skip
            elapsed = time.monotonic() - started
    assert elapsed < 5, "the four requests did not fit in one window; nothing was shown"
    assert statuses == [200, 200, 200, 429]


def test_fault_switches_reach_the_server() -> None:
    argv = ("--rate-limit", "0", "--latency-ms", "10-20", "--fault-rate", "0.25")
    with _serving(*argv) as (url, banner), httpx.Client(base_url=url, timeout=10) as http:
        assert "  Anropsgräns: ingen" in banner
        assert "  Fördröjning: 10–20 ms" in banner
        assert "  Serverfel:   500 på andelen 0.25 av API-anropen" in banner
        auth = client_token(http)
        statuses = []
        first = time.monotonic()
        for _ in range(60):
            started = time.monotonic()
            statuses.append(http.get("/3/companyinformation", headers=auth).status_code)
            assert time.monotonic() - started >= 0.01
        elapsed = time.monotonic() - first
    assert set(statuses) == {200, 500}
    # Well over 25 answered requests inside 5 s and none refused: the limit is off.
    assert elapsed < 5, "the requests took longer than one Fortnox window; nothing was shown"
    assert statuses.count(200) > 25
    assert 429 not in statuses
