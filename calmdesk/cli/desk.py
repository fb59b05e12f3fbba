"""Running the desk: migrate, serve, demo, users and tokens, workers and the scheduler."""

from __future__ import annotations

import argparse
import sys

from calmdesk.cli import CommandError, setup_django
from calmdesk.cli.startup import port


def register(subparsers) -> None:
    p = subparsers.add_parser("migrate", help="Create or update the database tables.")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser(
        "serve", help="Serve the web app and API (embedded scheduler included)."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=8000, help="TCP port, 1-65535 (default 8000)")
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser(
        "demo", help="Load the demo teams, users and conversations (idempotent)."
    )
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("createuser", help="Create a user with a role.")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["agent", "lead", "manager", "admin"])
    p.add_argument("--team", action="append", default=[], help="Team slug (repeatable).")
    p.add_argument("--email", default="")
    p.add_argument("--password-stdin", action="store_true", help="Read the password from stdin.")
    p.set_defaults(func=cmd_createuser)

    p = subparsers.add_parser(
        "token",
        help="Create an API token for a user (prints it last); --list or --revoke tokens.",
    )
    p.add_argument("name", nargs="?", help="The user's name.")
    p.add_argument("--label", default="", help="What the token is for.")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--list", action="store_true", help="List the user's tokens (everyone's without a name)."
    )
    mode.add_argument(
        "--revoke", metavar="PREFIX", help="Revoke the token with this prefix (as --list shows)."
    )
    p.set_defaults(func=cmd_token)

    p = subparsers.add_parser("worker", help="Run a Celery worker (needs CELERY_BROKER_URL).")
    p.add_argument("--concurrency", type=int, default=None)
    p.add_argument("--queues", default="within_5_seconds,within_1_minute")
    p.set_defaults(func=cmd_worker)

    p = subparsers.add_parser(
        "scheduler", help="Run Celery beat for periodic jobs (needs CELERY_BROKER_URL)."
    )
    p.set_defaults(func=cmd_scheduler)


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    import waitress
    from django.conf import settings

    from calmdesk.wsgi import application

    # Migrations and CALMDESK_DEFAULT_TEAM were checked by calmdesk.cli.main.
    try:  # bind first: a taken port or unknown host is one line, before any job starts
        server = waitress.create_server(
            application, host=args.host, port=args.port, threads=args.threads, ident="Calmdesk"
        )
    except OSError as exc:
        raise CommandError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    except ValueError:  # waitress: the host does not resolve or is not an address
        raise CommandError(
            f"cannot listen on {args.host}:{args.port}: unknown host (use an address or "
            "a name this machine resolves, e.g. 127.0.0.1 or 0.0.0.0)"
        ) from None
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.CALMDESK_SCHEDULER:
        from calmdesk.jobs import PERIODIC
        from calmdesk.scheduler import InProcessScheduler

        InProcessScheduler(PERIODIC).start()
        print("Periodic jobs run in this process (no CELERY_BROKER_URL).")
    print(f"Calmdesk is serving on http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    server.run()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.demo import load_demo

    summary = load_demo()
    print(summary.text())
    return 0


def _teams(slugs: list[str]):
    from calmdesk.models import Team

    teams = []
    for slug in slugs:
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            raise CommandError(
                f"no team {slug!r}; existing: {', '.join(Team.objects.values_list('slug', flat=True)) or 'none'}"
            )
        teams.append(team)
    return teams


def cmd_createuser(args: argparse.Namespace) -> int:
    setup_django()
    import secrets

    from django.core.exceptions import ValidationError

    from calmdesk.actions import do_create_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("no password on stdin")
        generated = False
    else:
        password = secrets.token_urlsafe(12)
        generated = True
    try:
        agent = do_create_user(
            args.name, args.role, teams=_teams(args.team), password=password, email=args.email
        )
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    print(
        f"Created {agent.role} {agent.user.username}"
        + (f" in {', '.join(args.team)}" if args.team else "")
    )
    if generated:
        print(f"Password: {password}")
    return 0


def _agent(name: str):
    from calmdesk.models import Agent

    agent = Agent.objects.filter(user__username=name).select_related("user").first()
    if agent is None:
        raise CommandError(f"no user named {name!r} (create one with `calmdesk createuser`)")
    return agent


def cmd_token(args: argparse.Namespace) -> int:
    setup_django()
    if args.revoke is not None:
        return _revoke_token(args.revoke)
    if args.list:
        return _list_tokens(_agent(args.name) if args.name else None)
    if not args.name:
        raise CommandError("give a user name to create a token, or --list / --revoke PREFIX")
    from calmdesk.actions import do_create_token

    agent = _agent(args.name)
    raw = do_create_token(agent, args.label)
    print(f"API token for {agent.user.username} (shown once; store it safely):", file=sys.stderr)
    print(raw)
    return 0


def _when(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def _list_tokens(agent) -> int:
    from calmdesk.models import ApiToken

    tokens = ApiToken.objects.select_related("agent__user").order_by("created_at", "pk")
    if agent is not None:
        tokens = tokens.filter(agent=agent)
    rows = [
        (
            t.agent.user.get_username(),
            t.prefix,
            t.name or "-",
            _when(t.created_at),
            _when(t.last_used_at),
            _when(t.revoked_at) if t.revoked_at else "active",
        )
        for t in tokens
    ]
    if not rows:
        print("No API tokens" + (f" for {agent.user.get_username()}." if agent else "."))
        return 0
    header = ("user", "prefix", "name", "created", "last used", "revoked")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    return 0


def _revoke_token(prefix: str) -> int:
    from calmdesk.actions import do_revoke_token
    from calmdesk.models import ApiToken

    prefix = prefix.strip()
    # The prefix is the token's first 12 characters; a whole token pasted in works too.
    matches = list(ApiToken.objects.filter(prefix=prefix[:12]).select_related("agent__user")[:2])
    if len(prefix) < 12 or not matches:
        raise CommandError(
            f"no API token with prefix {prefix[:12]!r} (see `calmdesk token --list`)"
        )
    if len(matches) > 1:
        raise CommandError(
            f"more than one API token has prefix {prefix[:12]!r}; revoke it in the admin"
        )
    token = matches[0]
    user = token.agent.user.get_username()
    if do_revoke_token(None, token):
        print(f"Revoked API token {token.prefix} of {user}.")
    else:
        print(
            f"API token {token.prefix} of {user} was already revoked on {_when(token.revoked_at)}."
        )
    return 0


def _broker_required() -> None:
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        raise CommandError(
            "CELERY_BROKER_URL is not set; without a broker jobs run inside `calmdesk serve`"
        )


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    _broker_required()
    from calmdesk.celery_app import app

    argv = ["worker", "--loglevel=INFO", f"--queues={args.queues}"]
    if args.concurrency:
        argv.append(f"--concurrency={args.concurrency}")
    app.worker_main(argv)
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    setup_django()
    _broker_required()
    from calmdesk.celery_app import app

    app.start(["beat", "--loglevel=INFO"])
    return 0
