"""Start-up checks and one-line explanations of start-up failures, for every command.

`explain(exc)` turns a bad setting (calmdesk.conf.ConfigError), a database
without tables or one that cannot be reached into the one line `calmdesk`
prints before exiting 1; anything else stays a traceback (a bug).
`check_ready()` runs before the commands that take in or serve conversations
(STARTUP_CHECKED in calmdesk/cli/__init__.py): unapplied migrations and an
unknown CALMDESK_DEFAULT_TEAM stop them before they start.
"""

from __future__ import annotations

import argparse
import sys

NO_TABLES = "the database has no tables yet: run `calmdesk migrate`"


def port(text: str) -> int:
    """argparse type: a TCP port, 1-65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 1-65535")
    return value


# `calmdesk feeds add --every` and CALMDESK_FEED_POLL_MINUTES (calmdesk/settings.py):
# at least 5 minutes (the first retry of a failing feed waits 5), at most a week.
FEED_MINUTES = (5, 10080)


def feed_minutes(text: str) -> int:
    """argparse type: minutes between polls of a feed."""
    low, high = FEED_MINUTES
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value} minutes: use {low} to {high} (a week)")
    return value


def _database_where() -> str:
    """The database in use, without its password."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite file {db['NAME']}"
    host = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 'default port'}"
    return f"{engine} database {db.get('NAME')!r} on {host}"


def explain(exc: BaseException) -> str | None:
    """The one line to print for `exc`, or None when it is not a start-up problem."""
    from calmdesk.conf import ConfigError

    if isinstance(exc, ConfigError):
        return str(exc)
    if "django.db" not in sys.modules:
        return None
    from django.core.exceptions import ImproperlyConfigured
    from django.db.utils import OperationalError, ProgrammingError

    if isinstance(exc, (OperationalError, ProgrammingError)):
        text = str(exc)
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            return NO_TABLES
        if "no such column" in text or ("column" in text and "does not exist" in text):
            return "the database is not up to date: run `calmdesk migrate`"
        if isinstance(exc, OperationalError):
            first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
            return f"cannot use the {_database_where()} (DATABASE_URL): {first}"
        return None
    if isinstance(exc, ImproperlyConfigured):
        return str(exc).strip().splitlines()[0]
    return None


def check_migrations() -> None:
    """Refuse (CommandError) when the database lacks its tables or has unapplied migrations."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    from calmdesk.cli import CommandError

    if not any(t.startswith("calmdesk_") for t in connection.introspection.table_names()):
        raise CommandError(NO_TABLES)
    if not MigrationRecorder(connection).has_table():
        return  # tables made without migrations (the test suite's --nomigrations)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise CommandError(
            f"the database is not up to date ({len(plan)} migrations not applied): "
            "run `calmdesk migrate`"
        )


def check_default_team() -> None:
    """CALMDESK_DEFAULT_TEAM, when set, names a team (while any team exists)."""
    from django.conf import settings

    from calmdesk.cli import CommandError
    from calmdesk.models import Team

    slug = settings.CALMDESK_DEFAULT_TEAM
    if not slug or Team.objects.filter(slug=slug).exists():
        return
    existing = list(Team.objects.order_by("slug").values_list("slug", flat=True))
    if existing:  # with no team at all, intake creates "support" on first use
        raise CommandError(
            f"CALMDESK_DEFAULT_TEAM={slug!r} is not a team: use one of {', '.join(existing)} "
            "(or leave it empty for the first team)"
        )


def check_ready(command: str) -> None:
    """The start-up checks of `command` (see STARTUP_CHECKED)."""
    from calmdesk.cli import setup_django

    setup_django()
    if command in ("serve", "worker", "scheduler"):
        check_migrations()
    check_default_team()
