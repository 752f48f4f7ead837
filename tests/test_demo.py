"""``bokslut demo`` end to end: start it, sign in, connect Fortnox, sync, browse, stop it.

The demo runs as a real subprocess on free ports with its own data directory; every wait is
bounded, and no assertion is about how long anything took.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from bokslut.launcher.processes import Child, ChildExited, Supervisor
from bokslut.launcher.services import DEMO_COMPANY_NAME, DEMO_COMPANY_ORG_NUMBER
from bokslut.sandbox.demo import demo_company

pytestmark = pytest.mark.slow

#: Upper bounds for waiting on the demo (generous: two shared cores), never assertions.
START_LIMIT = 180.0
SYNC_LIMIT = 180.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningDemo:
    process: subprocess.Popen[str]
    url: str
    sandbox_url: str
    password: str
    api_token: str
    client_id: int
    child_pids: list[int]
    output: list[str]
    lines: queue.Queue[str | None]
    log_dir: Path

    def remaining_output(self) -> list[str]:
        """What the demo printed after its welcome, up to its exit."""
        rest: list[str] = []
        while (line := self.lines.get(timeout=30)) is not None:
            rest.append(line)
        return rest


def read_lines(stream: object, into: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line.rstrip("\n"))
    into.put(None)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    port, sandbox_port = free_port(), free_port()
    env = {**os.environ, "BOKSLUT_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "bokslut.launcher", "--no-browser"),
            *("--port", str(port), "--sandbox-port", str(sandbox_port)),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    output: list[str] = []
    deadline = time.monotonic() + START_LIMIT
    try:
        while not any("Processer:" in line for line in output):
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "the demo exited before it was ready:\n" + "\n".join(output)
            output.append(line)
        text = "\n".join(output)
        running = RunningDemo(
            process=process,
            url=re.search(r"bokslut körs på (\S+)", text)[1],  # type: ignore[index]
            sandbox_url=f"http://127.0.0.1:{sandbox_port}",
            password=re.search(r"Lösenord:\s+(\S+)", text)[1],  # type: ignore[index]
            api_token=re.search(r"nyckel: (bks_\S+?)\)", text)[1],  # type: ignore[index]
            client_id=int(re.search(r"Anslut Fortnox: \S+/klienter/(\d+)/integrationer/", text)[1]),  # type: ignore[index]
            child_pids=[int(p) for p in re.findall(r"\(pid (\d+)\)", text)],
            output=output,
            lines=lines,
            log_dir=tmp_path / "data" / "logs",
        )
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class FormFields(HTMLParser):
    """The named inputs of a page's first form, and the selected option of each select."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields.setdefault(a["name"] or "", []).append(a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and self._select not in self.fields:
            self.fields[self._select] = [a.get("value") or ""]


def sign_in(demo: RunningDemo) -> httpx.Client:
    browser = httpx.Client(base_url=demo.url, timeout=30)
    browser.get("/logga-in/")
    response = browser.post(
        "/logga-in/",
        data={
            "username": "demo",
            "password": demo.password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": f"{demo.url}logga-in/"},
    )
    assert response.status_code == 302, response.text[:500]
    return browser


def connect_fortnox(demo: RunningDemo, browser: httpx.Client) -> None:
    """The OAuth round trip a person clicks through: connect, approve, back to bokslut."""
    page = f"/klienter/{demo.client_id}/integrationer/"
    assert browser.get(page).status_code == 200
    to_fortnox = browser.post(
        f"{page}anslut/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": f"{demo.url.rstrip('/')}{page}"},
    )
    assert to_fortnox.status_code == 302
    consent_page = httpx.get(to_fortnox.headers["location"], timeout=30)
    form = FormFields()
    form.feed(consent_page.text)
    approved = httpx.post(
        f"{demo.sandbox_url}/oauth-v1/auth",
        data={**form.fields, "decision": "approve"},
        timeout=30,
    )
    assert approved.status_code == 302
    back = browser.get(approved.headers["location"])
    assert back.status_code == 302


def test_demo_company_matches_the_sandbox_demo_company() -> None:
    company = demo_company(1001, vouchers_per_year=5)
    assert (company.name, company.organization_number) == (
        DEMO_COMPANY_NAME,
        DEMO_COMPANY_ORG_NUMBER,
    )


def test_demo_serves_signs_in_connects_syncs_and_stops_every_child(demo: RunningDemo) -> None:
    assert len(demo.child_pids) == 4
    sandbox = httpx.get(f"{demo.sandbox_url}/oauth-v1/auth", timeout=30)
    assert sandbox.status_code < 500

    browser = sign_in(demo)
    clients_page = browser.get("/klienter/")
    assert clients_page.status_code == 200
    assert DEMO_COMPANY_NAME in clients_page.text

    connect_fortnox(demo, browser)
    api = httpx.Client(
        base_url=f"{demo.url}api", headers={"Authorization": f"Bearer {demo.api_token}"}
    )
    connection = api.get(f"/clients/{demo.client_id}/connection").json()
    assert connection["status"] == "aktiv", connection
    started = api.post(f"/clients/{demo.client_id}/syncs", json={})
    assert started.status_code == 202
    task_url = f"/clients/{demo.client_id}/sync-tasks/{started.json()['task_id']}"
    deadline = time.monotonic() + SYNC_LIMIT
    task = api.get(task_url).json()
    while task["status"] in {"READY", "RUNNING"} and time.monotonic() < deadline:
        time.sleep(0.5)
        task = api.get(task_url).json()
    assert task["status"] == "SUCCESSFUL", task
    vouchers = api.get(f"/clients/{demo.client_id}/vouchers").json()
    assert vouchers["items"], "the sync brought the demo company's vouchers"
    ledger_page = browser.get(f"/klienter/{demo.client_id}/verifikationer/")
    assert ledger_page.status_code == 200

    demo.process.send_signal(signal.SIGTERM)
    assert demo.process.wait(timeout=60) == 0
    for pid in demo.child_pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert any("alla processer är stoppade" in line for line in demo.remaining_output())
    logs = {path.name: path.read_text("utf-8") for path in demo.log_dir.glob("*.log")}
    assert len(logs) == 4
    for name, text in logs.items():
        for secret in (demo.api_token, demo.password, "access_token", "refresh_token", "Bearer"):
            assert secret not in text, f"{secret[:8]}… in {name}"


def test_supervisor_stops_every_child_and_reports_one_that_dies(tmp_path: Path) -> None:
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    dying = [sys.executable, "-c", "import sys; print('trasig konfiguration'); sys.exit(3)"]
    supervisor = Supervisor(
        [Child("a", sleeper), Child("b", dying, log_path=tmp_path / "b.log")], env=os.environ
    )
    supervisor.start()
    with pytest.raises(ChildExited, match="b avslutades oväntat \\(kod 3\\)"):
        supervisor.run_until_stopped(poll=0.05)
    supervisor.stop(grace=5)

    assert all(
        c.process is not None and c.process.returncode is not None for c in supervisor.children
    )
    assert "trasig konfiguration" in supervisor.children[1].log_tail()


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux's prctl")
def test_children_do_not_outlive_a_demo_killed_outright(tmp_path: Path) -> None:
    parent_code = (
        "import os, sys, time\n"
        "from bokslut.launcher.processes import Child, Supervisor\n"
        "s = Supervisor([Child('sov', [sys.executable, '-c', 'import time; time.sleep(600)'])],"
        " env=os.environ)\n"
        "s.start()\n"
        "print(s.children[0].pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())

    parent.kill()
    parent.wait(timeout=30)

    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            try:
                os.kill(child_pid, 0)
            except ProcessLookupError:
                break
            # The orphan is reparented (often to init, which reaps it); poll until it is gone.
            time.sleep(0.05)
        with pytest.raises(ProcessLookupError):
            os.kill(child_pid, 0)
    finally:
        # Should the test fail, do not leave the sleeper behind for ten minutes.
        with contextlib.suppress(ProcessLookupError):
            os.kill(child_pid, signal.SIGKILL)
