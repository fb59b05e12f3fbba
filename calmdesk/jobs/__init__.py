"""Thin Celery tasks: each calls one action. CLI, scheduler and tasks share them.

Core tasks live here; each feature area adds a module in this package
(listed in AREAS) with its tasks and a PERIODIC dict of its own.

With no broker (the embedded default) `queue_*` run the work in-process
right away, and `PERIODIC` runs from `calmdesk serve`'s scheduler thread;
with a broker they go to Celery workers and `calmdesk scheduler` (beat).
"""

from __future__ import annotations

import importlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError

from calmdesk import actions
from calmdesk.celery_app import app

log = logging.getLogger(__name__)


@app.task(
    name="calmdesk.assess_messages",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def assess_messages(message_ids: list[int]) -> int:
    return actions.do_assess_messages(message_ids)


@app.task(
    name="calmdesk.deliver_reply",
    autoretry_for=(actions.DeliveryError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def deliver_reply(message_id: int) -> str:
    return actions.do_deliver_reply(message_id)


@app.task(name="calmdesk.poll_mailboxes")
def poll_mailboxes() -> int:
    from calmdesk.actions.mailboxes import poll_active_mailboxes

    return poll_active_mailboxes()


@app.task(name="calmdesk.assess_backlog")
def assess_backlog() -> int:
    """Assess inbound messages whose assessment was lost (e.g. a broker outage)."""
    from calmdesk.models import Direction, Message

    ids = list(
        Message.objects.filter(direction=Direction.IN, assessed_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:5000]
    )
    return actions.do_assess_messages(ids) if ids else 0


def queue_assessment(message_ids: list[int]) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        actions.do_assess_messages(message_ids)
    else:
        assess_messages.delay(list(message_ids))


def queue_delivery(message_id: int) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            actions.do_deliver_reply(message_id)
        except actions.DeliveryError as exc:  # recorded on the message; shown to the agent
            log.warning("delivery of message %s failed: %s", message_id, exc)
    else:
        deliver_reply.delay(message_id)


# name -> (task, interval). Beat and the in-process scheduler both read this.
PERIODIC = {
    "poll-mailboxes": (poll_mailboxes, timedelta(seconds=settings.CALMDESK_MAILBOX_POLL_SECONDS)),
    "assess-backlog": (assess_backlog, timedelta(minutes=5)),
}

# Feature areas with tasks of their own: calmdesk/jobs/<area>.py, each with PERIODIC.
AREAS = ("escalation", "followup", "reputation", "insights")
for _area in AREAS:
    try:
        _module = importlib.import_module(f"calmdesk.jobs.{_area}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"calmdesk.jobs.{_area}":
            raise
        continue
    PERIODIC.update(getattr(_module, "PERIODIC", {}))

app.conf.beat_schedule = {
    name: {"task": task.name, "schedule": interval.total_seconds()}
    for name, (task, interval) in PERIODIC.items()
}
