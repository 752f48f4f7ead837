"""``bokslut COMMAND --help``: named as the README spells the command, and in Swedish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

from bokslut.cli import COMMANDS, main

README = Path(__file__).resolve().parents[1] / "README.md"


def help_of(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main([command, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [c for c in COMMANDS if "-" in c])
def test_usage_names_the_command_as_typed(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert help_of(command, capsys).startswith(f"usage: bokslut {command} ")


def test_every_command_in_the_readme_is_one_the_cli_runs() -> None:
    named = set(re.findall(r"`bokslut ([a-z][a-z_-]*)", README.read_text(encoding="utf-8")))
    assert "import-sie" in named
    # The CLI runs a listed name, or any Django command by its module name.
    django_commands = set(get_commands())
    unknown = {n for n in named if n not in COMMANDS and n.replace("-", "_") not in django_commands}
    assert unknown == set()


def test_serve_describes_its_options_in_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_of("serve", capsys)
    for swedish in ("adress att lyssna på", "port att lyssna på", "hoppa över collectstatic"):
        assert swedish in text
    for english in ("address to listen on", "worker threads", "before serving"):
        assert english not in text
