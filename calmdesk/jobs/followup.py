"""Follow-up jobs: plan follow-ups for resolved cases, send due ones, remind, drain the outbox.

Thin: each task calls actions. Every one is safe to run twice at once (two
schedulers, a retried task): the actions claim their rows with conditional
UPDATEs, so nothing is sent twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from calmdesk.celery_app import app

log = logging.getLogger(__name__)


@app.task(name="calmdesk.followup.plan_and_send", autoretry_for=(OperationalError,), max_retries=3)
def plan_and_send_follow_ups() -> dict:
    from calmdesk.actions.followup import plan_resolved, send_due_follow_ups
    from calmdesk.playbook.followup import load_plan

    plan = load_plan()
    planned = plan_resolved(plan=plan)
    sent = send_due_follow_ups(plan=plan)
    return {"planned": planned, "sent": sent}


@app.task(
    name="calmdesk.followup.survey_reminders", autoretry_for=(OperationalError,), max_retries=3
)
def survey_reminders() -> int:
    from calmdesk.actions.surveys import send_reminders

    return send_reminders()


@app.task(name="calmdesk.outbox.send_due", autoretry_for=(OperationalError,), max_retries=3)
def send_outbox() -> int:
    """Deliver what is due (new rows, retries after back-off, rows of dead senders)."""
    from calmdesk.actions.outbox import send_due

    recover_queued_replies()
    return send_due(limit=200)


@app.task(name="calmdesk.outbox.send_one")
def send_outbox_one(outbox_id: int) -> str:
    from calmdesk.actions.outbox import claim, deliver

    token = claim(outbox_id)
    return deliver(outbox_id, token) if token else "taken"


def recover_queued_replies(older_than: timedelta = timedelta(minutes=2)) -> int:
    """Replies recorded as queued whose delivery was never queued (the process died
    between the commit and the hand-off): deliver them now."""
    from calmdesk.actions import DeliveryError, do_deliver_reply
    from calmdesk.models import Delivery, Direction, Message

    ids = list(
        Message.objects.filter(
            direction=Direction.OUT,
            delivery=Delivery.QUEUED,
            created_at__lt=timezone.now() - older_than,
            outbox__isnull=True,
        ).values_list("id", flat=True)[:200]
    )
    for message_id in ids:
        try:
            do_deliver_reply(message_id)
        except DeliveryError as exc:
            log.warning("delivery of message %s failed: %s", message_id, exc)
    return len(ids)


def queue_outbox(outbox_id: int) -> None:
    """Right after the commit: send now in-process, or hand to a worker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        from calmdesk.actions.outbox import claim, deliver

        token = claim(outbox_id)
        if token:
            deliver(outbox_id, token)
    else:
        send_outbox_one.apply_async(args=[outbox_id], queue="within_5_seconds")


PERIODIC = {
    "follow-ups": (plan_and_send_follow_ups, timedelta(minutes=1)),
    "survey-reminders": (survey_reminders, timedelta(minutes=15)),
    "outbox": (send_outbox, timedelta(seconds=30)),
}
