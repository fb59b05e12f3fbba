"""The demo shows what issue 6 promises; the sweep runs as a Celery beat job on Redis."""

from __future__ import annotations

import pytest

from tests.conftest import REDIS_URL, needs_redis, wait_until


def test_the_demo_gives_the_manager_everything_to_look_at(client, db):
    from calmdesk.demo import load_demo
    from calmdesk.models import Agent, Compensation, Handoff

    load_demo()
    morgan = Agent.objects.get(user__username="morgan")
    client.force_login(morgan.user)
    page = client.get("/escalation/").content.decode()
    assert "legal or chargeback threat" in page and "third contact" in page  # reasons
    assert "Arthur Penn" in page  # an approval waiting
    assert "Call Nora back" in page  # a broken promise
    assert "Sam Okafor" in page and "over the threshold" in page  # wellbeing
    assert Compensation.objects.filter(state="pending", required_role="manager").exists()
    h = Handoff.objects.get(state="pending")
    assert h.to_agent.user.username == "lee" and h.conversation.customer.name == "Victor Lang"
    counts = (Compensation.objects.count(), Handoff.objects.count())
    load_demo()  # idempotent
    assert (Compensation.objects.count(), Handoff.objects.count()) == counts


def test_the_sweep_is_in_the_beat_schedule():
    from django.conf import settings

    from calmdesk.celery_app import app
    from calmdesk.jobs import PERIODIC  # fills beat_schedule

    entry = app.conf.beat_schedule["escalation-sweep"]
    assert entry["task"] == "calmdesk.escalation_sweep"
    assert entry["schedule"] == settings.CALMDESK_ESCALATION_SWEEP_SECONDS
    assert "escalation-sweep" in PERIODIC


@needs_redis()
@pytest.mark.django_db(transaction=True)
def test_a_beat_job_on_redis_marks_a_breach(org, settings):
    """Beat's entry is sent through the broker and run by a real worker."""
    from datetime import timedelta

    from celery.beat import ScheduleEntry
    from celery.contrib.testing.worker import start_worker
    from django.utils import timezone

    import calmdesk.jobs  # noqa: F401  (registers the tasks and fills beat_schedule)
    from calmdesk.celery_app import app
    from calmdesk.models import Conversation, Team
    from tests.web.conftest import make_conversation

    Team.objects.filter(pk=org.orders.pk).update(timezone="UTC")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(
        broker_url=REDIS_URL, task_always_eager=False, broker_connection_retry_on_startup=True
    )
    c = make_conversation(team="orders", level="hostile", difficulty=70, hours_ago=24 * 8)
    assert Conversation.objects.get(pk=c.pk).sla_state == "ok"
    spec = app.conf.beat_schedule["escalation-sweep"]
    entry = ScheduleEntry(
        name="escalation-sweep",
        task=spec["task"],
        schedule=timedelta(seconds=spec["schedule"]),
        app=app,
    )
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        queues=["within_5_seconds", "within_1_minute"],
        shutdown_timeout=30,
    ):
        app.send_task(entry.task, args=entry.args, kwargs=entry.kwargs)  # what beat does when due
        wait_until(lambda: Conversation.objects.filter(pk=c.pk, sla_state="breached").exists())
    c.refresh_from_db()
    assert c.priority >= 2 and c.sla_breached_at is not None
    assert c.sla_breached_at <= timezone.now()
