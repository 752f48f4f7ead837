"""The ``bokslut`` console command: Django management commands under friendlier names.

``bokslut import-sie FILE`` runs the ``import_sie`` management command, and so on; every
Django command (``migrate``, ``createsuperuser`` …) is available too.
"""

from __future__ import annotations

import os
import sys

#: The product's own commands, shown first by ``bokslut --help``.
COMMANDS = {
    "demo": "kör hela produkten lokalt: Fortnox-sandlåda, webb, arbetare och schemaläggare",
    "import-sie": "importera en SIE-fil (1, 2, 3, 4E, 4I) till en klients bokföring",
    "export-sie": "exportera ett räkenskapsår som SIE (4E, 4I, 1, 2, 3)",
    "trial-balance": "visa saldobalansen för ett räkenskapsår",
    "sandbox": "starta Fortnox-sandlådan (en Fortnox-kompatibel testserver)",
    "sync": "synkronisera en klient med Fortnox nu, med förlopp per område",
    "worker": "kör bakgrundsjobb (synkroniseringar) från kön",
    "scheduler": "lägg schemalagda synkroniseringar i kön när de är på tur",
    "serve": "kör webbappen för produktion (Waitress, statiska filer via WhiteNoise)",
    "api-token": "skapa, lista eller återkalla personliga API-nycklar",
    "migrate": "skapa eller uppdatera databasen",
}


def _usage() -> str:
    lines = ["usage: bokslut COMMAND [options]", "", "Commands:"]
    lines += [f"  {name:<15} {text}" for name, text in COMMANDS.items()]
    lines += [
        "",
        "`bokslut COMMAND --help` describes a command's options;",
        "`bokslut help` lists every Django management command as well.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bokslut`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(_usage())
        return 0
    if args[0] == "sandbox":
        # The sandbox is a pure library: it needs no Django settings or database.
        from bokslut.sandbox.cli import main as sandbox_main

        return sandbox_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bokslut.settings")
    try:
        if args[0] in COMMANDS and "-" in args[0]:
            _run_named(args[0], args[1:])
        else:
            from django.core.management import execute_from_command_line

            execute_from_command_line(["bokslut", args[0].replace("-", "_"), *args[1:]])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def _run_named(name: str, rest: list[str]) -> None:
    """Run a product command under the name it was typed as (``import-sie``).

    Django finds a command by its module (``import_sie``) and names it that way in
    ``--help``; loading the class ourselves lets usage lines say what the README says.
    """
    import django
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandParser, handle_default_options

    # As Django's own dispatcher does: --settings and --pythonpath act before set-up.
    early = CommandParser(add_help=False, allow_abbrev=False)
    early.add_argument("--settings")
    early.add_argument("--pythonpath")
    handle_default_options(early.parse_known_args(rest)[0])
    django.setup()
    module = name.replace("-", "_")
    load_command_class(get_commands()[module], module).run_from_argv(["bokslut", name, *rest])


if __name__ == "__main__":
    sys.exit(main())
