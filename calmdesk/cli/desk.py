"""Running the desk: migrate, serve, demo, users and tokens, workers and the scheduler."""

from __future__ import annotations

import argparse
import sys

from calmdesk.cli import CommandError, setup_django


def register(subparsers) -> None:
    p = subparsers.add_parser("migrate", help="Create or update the database tables.")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser(
        "serve", help="Serve the web app and API (embedded scheduler included)."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
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

    p = subparsers.add_parser("token", help="Create an API token for a user; prints it last.")
    p.add_argument("name", help="The user's name.")
    p.add_argument("--label", default="", help="What the token is for.")
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

    if settings.CELERY_TASK_ALWAYS_EAGER and settings.CALMDESK_SCHEDULER:
        from calmdesk.jobs import PERIODIC
        from calmdesk.scheduler import InProcessScheduler

        InProcessScheduler(PERIODIC).start()
        print("Periodic jobs run in this process (no CELERY_BROKER_URL).")
    print(f"Calmdesk is serving on http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    waitress.serve(
        application, host=args.host, port=args.port, threads=args.threads, ident="Calmdesk"
    )
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


def cmd_token(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions import do_create_token
    from calmdesk.models import Agent

    agent = Agent.objects.filter(user__username=args.name).select_related("user").first()
    if agent is None:
        raise CommandError(f"no user named {args.name!r} (create one with `calmdesk createuser`)")
    raw = do_create_token(agent, args.label)
    print(f"API token for {agent.user.username} (shown once; store it safely):", file=sys.stderr)
    print(raw)
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
