"""Insights files a conversation under the stored Conversation.started_at and
never aggregates over the messages to find it; the helpers that keep its big
queries cheap on PostgreSQL (epoch seconds, id arrays) change no result
(docs/insights.md, "Benchmark")."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calmdesk.actions import receive
from calmdesk.insights import patterns
from calmdesk.insights.base import Window, ids_in
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


def test_facts_keep_the_microsecond_and_fall_in_the_right_week(org):
    # PostgreSQL loads the start as epoch seconds (patterns.EpochSeconds): one
    # microsecond either side of a week's first instant must stay in its week
    now = timezone.now()
    window = Window.last(4, now)
    monday = window.weeks[-1]
    before = talk(at=monday - timedelta(microseconds=1))
    on = talk(at=monday)
    facts = patterns.load_facts(Conversation.objects.all(), window.start, now)
    weeks = dict(zip((f.id for f in facts), patterns.week_indexes(facts, window), strict=True))
    started = {f.id: f.started for f in facts}
    assert started[before.pk] == monday - timedelta(microseconds=1)
    assert started[on.pk] == monday
    assert (weeks[before.pk], weeks[on.pk]) == (len(window.weeks) - 2, len(window.weeks) - 1)


def test_ids_in_filters_by_a_long_list_of_ids(org):
    # silent churn and revenue at risk look up every customer of the cohort at once
    convs = [talk(days_ago=d) for d in (1, 2, 3)]
    wanted = [convs[0].pk, convs[2].pk]
    many = wanted + list(range(10**6, 10**6 + 50_000))
    with CaptureQueriesContext(connection) as ctx:
        got = Conversation.objects.filter(ids_in("id", many, "default"))
        assert sorted(got.values_list("id", flat=True)) == sorted(wanted)
    if connection.vendor == "postgresql":  # one array parameter, not 50,002
        assert "= ANY(" in ctx.captured_queries[-1]["sql"]
    assert not Conversation.objects.filter(ids_in("id", [], "default")).exists()
