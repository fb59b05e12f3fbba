"""Insights files a conversation under the stored Conversation.started_at and
never aggregates over the messages to find it (docs/insights.md, "Benchmark")."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calmdesk.actions import receive
from calmdesk.insights import patterns
from calmdesk.models import Conversation
from tests.conftest import inbound
from tests.insights.helpers import talk


def test_facts_use_the_first_inbound_time_and_read_no_messages(org):
    now = timezone.now()
    old = talk(at=now - timedelta(days=20), channel="chat")
    # the customer wrote again yesterday: still a conversation of 20 days ago
    receive(
        inbound(
            channel="chat",
            thread_id=old.thread_key,
            external_id="again",
            sent_at=now - timedelta(days=1),
            customer={"email": old.customer.identities.get().value},
        ),
        assess=False,
    )
    recent = talk(at=now - timedelta(days=2))
    too_old = talk(at=now - timedelta(days=40))
    # no inbound message stored: filed under the row's creation, as before
    legacy = talk(at=now - timedelta(days=3))
    Conversation.objects.filter(pk=legacy.pk).update(
        started_at=None, created_at=now - timedelta(days=5)
    )

    with CaptureQueriesContext(connection) as ctx:
        facts = patterns.load_facts(Conversation.objects.all(), now - timedelta(days=30), now)

    assert [(f.id, f.started) for f in facts] == [
        (old.pk, now - timedelta(days=20)),
        (legacy.pk, now - timedelta(days=5)),
        (recent.pk, now - timedelta(days=2)),
    ]
    assert too_old.pk not in {f.id for f in facts}
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "calmdesk_message" not in sql


def test_facts_end_at_until(org):
    now = timezone.now()
    inside = talk(at=now - timedelta(days=10))
    talk(at=now - timedelta(days=1))  # after `until`
    facts = patterns.load_facts(
        Conversation.objects.all(), now - timedelta(days=30), now - timedelta(days=5)
    )
    assert [f.id for f in facts] == [inside.pk]
