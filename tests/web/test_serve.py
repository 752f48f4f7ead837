"""`bokslut serve`: collects static files for WhiteNoise and hands the WSGI app to Waitress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.django_db
def test_serve_collects_static_files_and_starts_waitress(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    started: dict[str, Any] = {}

    def fake_serve(app: Any, **options: Any) -> None:
        started.update(options, app=app)

    monkeypatch.setattr("waitress.serve", fake_serve)
    call_command("serve", "--host", "127.0.0.2", "--port", "8123", "--threads", "4")

    assert (started["host"], started["port"], started["threads"]) == ("127.0.0.2", 8123, 4)
    assert callable(started["app"])
    htmx = settings.STATIC_ROOT / "web" / "vendor" / "htmx"
    assert (htmx / "htmx.min.js").stat().st_size > 10_000
    assert (htmx / "LICENSE").exists()
    assert (settings.STATIC_ROOT / "web" / "app.css.gz").exists()  # compressed by WhiteNoise


@pytest.mark.django_db
def test_serve_refuses_an_unmigrated_database(monkeypatch: pytest.MonkeyPatch) -> None:
    def pending(*args: Any, **kwargs: Any) -> None:
        if kwargs.get("check"):
            raise SystemExit(1)

    monkeypatch.setattr("bokslut.web.management.commands.serve.call_command", pending)
    monkeypatch.setattr("waitress.serve", lambda *a, **k: pytest.fail("must not serve"))
    with pytest.raises(CommandError, match="migreras"):
        call_command("serve")
