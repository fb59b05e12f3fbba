"""`calmdesk sla`, `calmdesk escalations`, `calmdesk promises`: the escalation area from a shell.

`calmdesk sla sweep` runs the same entry point as the periodic job (useful
from cron when neither `calmdesk serve` nor a Celery beat runs).
"""

from __future__ import annotations

import argparse
import json

from calmdesk.cli import CommandError, setup_django


def register(subparsers) -> None:
    p = subparsers.add_parser("sla", help="SLA sweep and per-conversation SLA status.")
    sub = p.add_subparsers(dest="sla_command", metavar="SUBCOMMAND", required=True)
    s = sub.add_parser(
        "sweep", help="Mark at-risk/breached conversations, remind and break promises."
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sweep)
    s = sub.add_parser("status", help="Due times and state of one conversation.")
    s.add_argument("conversation", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)

    p = subparsers.add_parser("escalations", help="Open escalations, highest rung first.")
    p.add_argument("--level", choices=["lead", "manager"], default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_escalations)

    p = subparsers.add_parser("promises", help="The promise ledger.")
    p.add_argument("--state", choices=["open", "kept", "broken", "cancelled"], default="open")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_promises)


def _out(args: argparse.Namespace, data, lines: list[str]) -> int:
    print(json.dumps(data, indent=2, default=_json_value) if args.json else "\n".join(lines))
    return 0


def _json_value(value):
    """Dates and times as ISO 8601 ("2026-11-24T05:26:33.949240+00:00"); anything else as text."""
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if isoformat is not None else str(value)


def cmd_sweep(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.actions.escalation import do_sweep

    result = do_sweep()
    return _out(args, result, [f"{k.replace('_', ' ')}: {v}" for k, v in result.items()])


def cmd_status(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from calmdesk.models import Conversation
    from calmdesk.playbook.sla import time_left

    c = Conversation.objects.filter(pk=args.conversation).first()
    if c is None:
        raise CommandError(f"no conversation {args.conversation}")
    now = timezone.now()
    data = {
        "id": c.pk,
        "status": c.status,
        "level": c.level,
        "sla_state": c.sla_state,
        "response_due_at": c.response_due_at,
        "resolution_due_at": c.resolution_due_at,
        "sla_due_at": c.sla_due_at,
        "time_left": time_left(c.sla_due_at, now),
        "priority": c.priority,
        "escalation_level": c.escalation_level,
        "escalation_reason": c.escalation_reason,
        "held_until": c.held_until,
    }
    return _out(args, data, [f"{k}: {'' if v is None else v}" for k, v in data.items()])


def cmd_escalations(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.models import Conversation, EscalationLevel

    qs = Conversation.objects.exclude(escalation_level=EscalationLevel.NONE).select_related(
        "customer"
    )
    if args.level:
        qs = qs.filter(escalation_level=args.level)
    rows = [
        {
            "id": c.pk,
            "level": c.escalation_level,
            "reason": c.escalation_reason,
            "customer": c.customer.name,
            "since": c.escalated_at,
            "status": c.status,
        }
        for c in qs.order_by("-escalation_level", "escalated_at")[:500]
    ]
    lines = [f"#{r['id']:<6} {r['level']:<8} {r['customer'][:24]:<24} {r['reason']}" for r in rows]
    return _out(args, rows, lines or ["No open escalations."])


def cmd_promises(args: argparse.Namespace) -> int:
    setup_django()
    from calmdesk.models import Commitment

    qs = Commitment.objects.filter(state=args.state).select_related("owner__user", "conversation")
    rows = [
        {
            "id": r.pk,
            "conversation": r.conversation_id,
            "text": r.text,
            "due_at": r.due_at,
            "owner": r.owner.name if r.owner else "",
            "state": r.state,
        }
        for r in qs.order_by("due_at")[:500]
    ]
    lines = [
        f"#{r['conversation']:<6} due {r['due_at']:%Y-%m-%d %H:%M} {r['owner'][:16]:<16} {r['text']}"
        for r in rows
    ]
    return _out(args, rows, lines or [f"No {args.state} promises."])
