"""Conversation.started_at: when the customer first wrote, kept by the actions
and back-filled by migration 0002 with the definition insights used to compute."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.db.models import Min, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calmdesk.actions import do_add_note, do_merge_customers, do_reply, receive
from calmdesk.models import Conversation, Customer, Message
from tests.conftest import inbound

BACKFILL = importlib.import_module("calmdesk.migrations.0002_conversation_started_at")


def chat(thread: str, ext: str, at, **kw):
    return receive(
        inbound(channel="chat", thread_id=thread, external_id=ext, sent_at=at, **kw), assess=False
    )


def started(result) -> object:
    return Conversation.objects.get(pk=result.conversation_id).started_at


def test_the_first_inbound_message_sets_started_at_and_later_ones_keep_it(org):
    t0 = timezone.now() - timedelta(days=3)
    first = chat("t-1", "c1", t0)
    assert started(first) == t0
    later = chat("t-1", "c2", t0 + timedelta(hours=5))
    assert later.conversation_id == first.conversation_id
    assert started(later) == t0


def test_an_older_message_imported_late_moves_started_at_back(org):
    t0 = timezone.now() - timedelta(days=3)
    r = chat("t-1", "c1", t0)
    chat("t-1", "c0", t0 - timedelta(days=2))
    assert started(r) == t0 - timedelta(days=2)
    # an auto-reply is an inbound message too (as the old per-query definition counted it)
    chat("t-1", "auto", t0 - timedelta(days=4), auto_submitted=True)
    assert started(r) == t0 - timedelta(days=4)


def test_agent_replies_and_notes_do_not_change_started_at(org):
    t0 = timezone.now() - timedelta(days=3)
    r = chat("t-1", "c1", t0)
    conv = Conversation.objects.get(pk=r.conversation_id)
    # even when recorded as earlier than the customer's message (imported history)
    do_reply(org.alex, conv, "Sorry to hear that.", at=t0 - timedelta(days=1), deliver=False)
    do_add_note(org.alex, conv, "Checked the courier.", at=t0 - timedelta(days=2))
    do_reply(org.alex, conv, "It is on its way.", at=t0 + timedelta(hours=1), deliver=False)
    assert started(r) == t0


def test_a_customer_merge_keeps_each_conversations_earliest_time(org):
    """Merging customers moves whole conversations; none takes another's start,
    and a later message into a moved conversation keeps its earliest time."""
    now = timezone.now()
    a = chat("a", "a1", now - timedelta(days=2), customer={"name": "A", "email": "a@example.com"})
    b = chat("b", "b1", now - timedelta(days=9), customer={"name": "B", "email": "b@example.com"})
    keep = Customer.objects.get(pk=a.customer_id)
    do_merge_customers(org.morgan, keep=keep, merge=Customer.objects.get(pk=b.customer_id))
    again = chat("b", "b2", now - timedelta(days=1), customer={"email": "b@example.com"})
    assert again.conversation_id == b.conversation_id
    assert again.customer_id == keep.pk
    assert dict(Conversation.objects.filter(customer=keep).values_list("pk", "started_at")) == {
        a.conversation_id: now - timedelta(days=2),
        b.conversation_id: now - timedelta(days=9),
    }


def test_a_later_message_costs_no_extra_query(org):
    t0 = timezone.now() - timedelta(days=3)
    chat("t-1", "c1", t0)
    with CaptureQueriesContext(connection) as later:
        chat("t-1", "c2", t0 + timedelta(hours=1))
    with CaptureQueriesContext(connection) as earlier:
        chat("t-1", "c3", t0 - timedelta(hours=1))
    moved = [q["sql"] for q in earlier.captured_queries if 'SET "started_at"' in q["sql"]]
    assert len(earlier.captured_queries) == len(later.captured_queries) + 1
    assert len(moved) == 1


def _old_definition() -> dict[int, object]:
    """What insights computed on every query before 0002 (an aggregate over the join)."""
    first = Min("messages__sent_at", filter=Q(messages__direction="in"))
    return dict(Conversation.objects.annotate(first=first).values_list("pk", "first"))


def test_the_backfill_fills_started_at_in_one_update_like_the_old_definition(org):
    now = timezone.now()
    t = {k: now - timedelta(days=d) for k, d in {"a": 5, "a0": 7, "b": 2, "c": 1}.items()}
    a = chat("a", "a1", t["a"])
    chat("a", "a0", t["a0"])  # imported out of order: the earliest
    conv_a = Conversation.objects.get(pk=a.conversation_id)
    do_reply(org.alex, conv_a, "On it.", at=now - timedelta(days=9), deliver=False)
    b = receive(inbound(external_id="b1", sent_at=t["b"]), assess=False)
    c = chat("c", "c1", t["c"], customer={"name": "C", "email": "c@example.com"})
    conv_c = Conversation.objects.get(pk=c.conversation_id)
    do_add_note(org.alex, conv_c, "Called them.", at=now - timedelta(days=30))
    Message.objects.filter(conversation=conv_c, direction="in").delete()  # no inbound left
    # the rows as migration 0001 left them
    Conversation.objects.update(started_at=None)

    with CaptureQueriesContext(connection) as ctx:
        BACKFILL.backfill_started_at(apps, SimpleNamespace(connection=connection))

    assert len(ctx.captured_queries) == 1
    assert ctx.captured_queries[0]["sql"].startswith("UPDATE")
    stored = dict(Conversation.objects.values_list("pk", "started_at"))
    assert stored == {
        a.conversation_id: t["a0"],
        b.conversation_id: t["b"],
        c.conversation_id: None,  # insights falls back to created_at, as before
    }
    assert stored == _old_definition()


def test_the_backfill_leaves_times_already_set(org):
    t0 = timezone.now() - timedelta(days=3)
    r = chat("t-1", "c1", t0)
    Conversation.objects.filter(pk=r.conversation_id).update(started_at=t0 - timedelta(days=1))
    BACKFILL.backfill_started_at(apps, SimpleNamespace(connection=connection))
    assert started(r) == t0 - timedelta(days=1)
