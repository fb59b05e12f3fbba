"""`calmdesk outbox` and `calmdesk followups`: the outbound sender and the follow-up jobs by hand."""

from __future__ import annotations

import argparse
import os
import signal
import threading

from calmdesk.cli import CommandError, setup_django


def register(subparsers) -> None:
    p = subparsers.add_parser("outbox", help="Send queued email/SMS, or show the outbox.")
    sub = p.add_subparsers(dest="outbox_command", metavar="ACTION")
    s = sub.add_parser("send", help="Send what is due (a sender process with --loop).")
    s.add_argument(
        "--loop", action="store_true", help="Keep sending until stopped (SIGTERM/Ctrl-C)."
    )
    s.add_argument(
        "--interval", type=float, default=2.0, help="Seconds between rounds with --loop."
    )
    s.add_argument("--limit", type=int, default=200, help="Most messages per round.")
    s.set_defaults(func=cmd_outbox_send)
    s = sub.add_parser("status", help="How many messages are in each state.")
    s.set_defaults(func=cmd_outbox_status)

    p = subparsers.add_parser(
        "followups", help="Plan follow-ups for resolved cases and send due ones now."
    )
    p.add_argument("--reminders", action="store_true", help="Also send due survey reminders.")
    p.set_defaults(func=cmd_followups)


def cmd_outbox_send(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import close_old_connections

    from calmdesk.actions.outbox import send_due

    if args.interval <= 0 or args.limit <= 0:
        raise CommandError("--interval and --limit must be positive")
    stop = threading.Event()
    if args.loop:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print(f"outbox sender {os.getpid()} running (every {args.interval:g} s)", flush=True)
    total = 0
    while True:
        try:
            total += send_due(limit=args.limit)
        finally:
            close_old_connections()
        if not args.loop or stop.wait(args.interval):
            break
    print(f"sent {total}", flush=True)
    return 0


def cmd_outbox_status(args: argparse.Namespace) -> int:
    setup_django()
    from django.db.models import Count

    from calmdesk.models import OutboxMessage, OutboxState

    counts = dict(OutboxMessage.objects.values_list("state").annotate(n=Count("id")))
    for state in OutboxState:
        print(f"{state.value:<10} {counts.get(state.value, 0)}")
    return 0


def cmd_followups(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.jobs.followup import plan_and_send_follow_ups, survey_reminders

    result = plan_and_send_follow_ups()
    print(f"planned {result['planned']}, sent {result['sent']}")
    if args.reminders:
        print(f"reminders {survey_reminders()}")
    return 0
