"""``bokslut demo``: the whole product locally — sandbox, web, worker, scheduler — in one go."""

from __future__ import annotations

import os
import socket
import sys
import webbrowser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bokslut.demo import load_demo
from bokslut.launcher.processes import (
    Child,
    ChildExited,
    Supervisor,
    bokslut_command,
    child_env,
    http_answers,
)
from bokslut.launcher.services import (
    DEMO_COMPANY_ORG_NUMBER,
    DEMO_DATABASE_NUMBER,
    DemoWorkspace,
    demo_workspace_prepare,
)
from bokslut.sandbox.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

HOST = "127.0.0.1"


class Command(BaseCommand):
    """Migrate, create the demo firm and user, run every part until Ctrl-C or SIGTERM."""

    help = (
        "kör hela bokslut lokalt: Fortnox-sandlådan med ett demoföretag, webbappen, "
        "en bakgrundsarbetare och schemaläggaren (Ctrl+C avslutar allt)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="webbappens port (8000)")
        parser.add_argument(
            "--sandbox-port", type=int, default=8765, help="Fortnox-sandlådans port (8765)"
        )
        parser.add_argument(
            "--no-browser", action="store_true", help="öppna inte webbläsaren automatiskt"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port, sandbox_port = options["port"], options["sandbox_port"]
        for wanted in (port, sandbox_port):
            _require_free_port(wanted)
        call_command("migrate", interactive=False, verbosity=0)
        workspace = demo_workspace_prepare()
        # A second client straight from the shipped SIE file, so there is a ledger to
        # browse before anything is connected (idempotent: a restart changes nothing).
        load_demo(firm=workspace.firm)
        supervisor = Supervisor(
            _children(port, sandbox_port), env=child_env(_env(port, sandbox_port))
        )
        supervisor.install_signal_handlers()
        try:
            supervisor.start()
            supervisor.wait_ready()
            if supervisor.stop_requested.is_set():
                return
            self._print_welcome(workspace, supervisor, port, sandbox_port)
            if not options["no_browser"] and _has_graphical_browser():
                webbrowser.open(f"http://{HOST}:{port}/")
            supervisor.run_until_stopped()
        except (ChildExited, TimeoutError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            supervisor.stop()
            self.stdout.write("bokslut demo: alla processer är stoppade.")
            self.stdout.flush()

    def _print_welcome(
        self, workspace: DemoWorkspace, supervisor: Supervisor, port: int, sandbox_port: int
    ) -> None:
        url = f"http://{HOST}:{port}/"
        client = workspace.client
        lines = [
            "",
            f"bokslut körs på {url}",
            f"  Användare:      {workspace.user.username}",
            f"  Lösenord:       {workspace.password}",
            f"  Byrå:           {workspace.firm.name}",
            f"  Klient:         {client.name} ({client.org_number})",
            # The page with the Anslut till Fortnox button: a consent starts only by a POST.
            f"  Anslut Fortnox: {url}klienter/{client.pk}/integrationer/",
            f"  API:            {url}api/docs  (nyckel: {workspace.api_token})",
            f"  Synka via API:  curl -X POST -H 'Authorization: Bearer {workspace.api_token}'"
            f" -H 'Content-Type: application/json' -d '{{}}'"
            f" {url}api/clients/{client.pk}/syncs",
            f"  Fortnox-sandlåda: http://{HOST}:{sandbox_port}/ "
            f"(demoföretag {DEMO_DATABASE_NUMBER}, org.nr {DEMO_COMPANY_ORG_NUMBER})",
            "  Processer:      "
            + ", ".join(f"{c.name} (pid {c.pid})" for c in supervisor.children),
            f"  Loggar:         {settings.DATA_DIR / 'logs'}",
            "  Webbservern är produktionsservern (bokslut serve); Ctrl+C avslutar allt.",
            "",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()


def _env(port: int, sandbox_port: int) -> dict[str, str]:
    # The demo always talks to its own sandbox, whatever the environment says about Fortnox.
    sandbox = f"http://{HOST}:{sandbox_port}"
    return {
        "BOKSLUT_DATA_DIR": str(settings.DATA_DIR),
        "BOKSLUT_FORTNOX_API_URL": f"{sandbox}/3/",
        "BOKSLUT_FORTNOX_OAUTH_URL": f"{sandbox}/oauth-v1/",
        "BOKSLUT_FORTNOX_REDIRECT_URI": f"http://{HOST}:{port}/integrations/fortnox/callback",
        "BOKSLUT_FORTNOX_CLIENT_ID": DEFAULT_CLIENT_ID,
        "BOKSLUT_FORTNOX_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
        "PYTHONUNBUFFERED": "1",
    }


def _children(port: int, sandbox_port: int) -> list[Child]:
    logs = settings.DATA_DIR / "logs"
    return [
        Child(
            "sandlåda",
            bokslut_command("sandbox", "--host", HOST, "--port", str(sandbox_port), "--demo"),
            ready=http_answers(f"http://{HOST}:{sandbox_port}/oauth-v1/auth"),
            log_path=logs / "demo-sandbox.log",
        ),
        Child(
            "webb",
            bokslut_command("serve", "--host", HOST, "--port", str(port)),
            ready=http_answers(f"http://{HOST}:{port}/logga-in/"),
            log_path=logs / "demo-web.log",
        ),
        Child("arbetare", bokslut_command("worker"), log_path=logs / "demo-worker.log"),
        Child("schemaläggare", bokslut_command("scheduler"), log_path=logs / "demo-scheduler.log"),
    ]


def _require_free_port(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise CommandError(
                f"port {port} är upptagen; välj en annan med --port eller --sandbox-port"
            ) from exc


def _has_graphical_browser() -> bool:
    # Without a display, webbrowser falls back to text browsers that take over the terminal.
    if sys.platform in {"darwin", "win32"}:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
