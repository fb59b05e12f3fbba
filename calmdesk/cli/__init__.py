"""The `calmdesk` command.

Each sub-command lives in its own module under calmdesk/cli/ and exposes
`register(subparsers)`; it sets `func` on its parser. A command returns its
exit code. Commands that need the database call `setup_django()` first, so
`calmdesk analyze` and `calmdesk coach` stay usable without a database.

A bad setting, a database without tables or one that cannot be reached is
one line on stderr and exit 1, for every command (calmdesk/cli/startup.py).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that add sub-commands, in the order they appear in --help.
COMMAND_MODULES = (
    "calmdesk.cli.desk",
    "calmdesk.cli.intake",
    "calmdesk.cli.analyze",
    "calmdesk.cli.train",
    "calmdesk.cli.coach",
    "calmdesk.cli.escalation",
    "calmdesk.cli.followup",
    "calmdesk.cli.reputation",
    "calmdesk.cli.insights",
)

# Commands that take in or serve conversations: checked before they start
# (migrations applied, CALMDESK_DEFAULT_TEAM names a team; cli/startup.py).
STARTUP_CHECKED = frozenset({"serve", "worker", "scheduler", "import", "import-email"})


class CommandError(Exception):
    """A problem to report to the user in one line, with exit code 1 (or `code`)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def setup_django() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calmdesk.settings")
    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calmdesk",
        description="Calmdesk: a service-recovery desk for difficult customer conversations.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # the module is not written yet; others still work
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from calmdesk.cli.startup import check_ready, explain

    try:
        if args.command in STARTUP_CHECKED:
            check_ready(args.command)
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"calmdesk {args.command}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = explain(exc)
        if message is None:
            raise
        print(f"calmdesk {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
