"""The conversation page and its forms; the customer card; the manager view."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calmdesk.models import Conversation, Customer, Direction, Event, Message
from tests.web.conftest import make_conversation


def test_page_shows_assessment_with_evidence(client, org, desk):
    client.force_login(org.alex.user)
    html = client.get(reverse("conversation", args=[desk["hostile"].pk])).content.decode()
    assert '<mark class="ev ev-insult" title="Insult">useless</mark>' in html
    assert (
        '<mark class="ev ev-churn_threat" title="Threatens to leave">Cancel my account</mark>'
        in html
    )
    assert "I&#x27;m writing" in html  # the text around the evidence is escaped too
    assert '<ul class="reasons"><li>review threat' in html
    assert "Threatens a public review" in html  # the signal chips
    assert "difficulty 92" in html
    assert 'id="reply-body"' in html and 'id="note-body"' in html


def test_customer_card_has_history_identities_and_sparkline(client, org, desk):
    from calmdesk.actions import do_add_note, do_set_status

    earlier = make_conversation(
        team="orders",
        subject="Garden lights",
        level="tense",
        difficulty=30,
        thread_id="t-earlier",
        channel="chat",
    )
    other_team = make_conversation(
        team="billing", subject="Invoice copy", thread_id="t-billing", channel="chat"
    )
    do_set_status(org.alex, earlier, "closed")
    do_add_note(org.alex, earlier, "Prefers email; be brief.")
    assert earlier.customer_id == desk["hostile"].customer_id == other_team.customer_id
    client.force_login(org.alex.user)
    html = client.get(reverse("conversation", args=[desk["hostile"].pk])).content.decode()
    assert "dana@example.com" in html
    assert "Garden lights" in html and "Closed" in html
    assert "Invoice copy" not in html and "And 1 with other teams." in html
    assert '<svg class="spark"' in html and "2 messages, latest" in html
    assert "Prefers email; be brief." in html


def test_reply_appears_and_conversation_leaves_unanswered(client, org, desk):
    conversation = desk["hostile"]
    client.force_login(org.alex.user)
    response = client.post(
        reverse("conversation_reply", args=[conversation.pk]),
        # With the boundary statement the policy asks for (the customer insulted us):
        # the coach has no blocking finding, so the reply goes straight out.
        {
            "body": "Hi Dana, I'm sorry. I want to help, and I can do that best when we keep "
            "this conversation respectful. I'll update you within 3 working days."
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("conversation", args=[conversation.pk]) + "#timeline-end"
    page = client.get(response["Location"]).content.decode()
    assert "I&#x27;ll update you within 3 working days." in page and "Reply sent." in page
    conversation.refresh_from_db()
    assert not conversation.awaiting_reply and conversation.assignee_id == org.alex.pk
    unanswered = client.get(reverse("inbox"), {"unanswered": "1"}).content.decode()
    assert f'id="row-{conversation.pk}"' not in unanswered


def test_empty_reply_is_refused_with_a_message(client, org, desk):
    client.force_login(org.alex.user)
    response = client.post(
        reverse("conversation_reply", args=[desk["hostile"].pk]), {"body": "  "}, follow=True
    )
    assert "The message is empty." in response.content.decode()
    assert not Message.objects.filter(direction=Direction.OUT).exists()


def test_note_assign_and_status(client, org, desk):
    conversation = desk["hostile"]
    client.force_login(org.alex.user)
    client.post(reverse("conversation_note", args=[conversation.pk]), {"body": "Courier called."})
    assert Message.objects.get(direction=Direction.NOTE).body == "Courier called."
    client.post(
        reverse("conversation_assign", args=[conversation.pk]), {"assignee": str(org.lee.pk)}
    )
    assert Conversation.objects.get(pk=conversation.pk).assignee_id == org.lee.pk
    # Someone who is not on the team cannot be picked.
    response = client.post(
        reverse("conversation_assign", args=[conversation.pk]), {"assignee": str(org.sam.pk)}
    )
    assert response.status_code == 404
    client.post(reverse("conversation_assign", args=[conversation.pk]), {"assignee": "none"})
    client.post(reverse("conversation_status", args=[conversation.pk]), {"status": "pending"})
    conversation.refresh_from_db()
    assert conversation.assignee_id is None and conversation.status == "pending"
    kinds = set(Event.objects.filter(conversation=conversation).values_list("kind", flat=True))
    assert {
        "conversation.note_added",
        "conversation.assigned",
        "conversation.status_changed",
    } <= kinds
    response = client.post(
        reverse("conversation_status", args=[conversation.pk]), {"status": "gone"}, follow=True
    )
    assert "Unknown status" in response.content.decode()


def test_lead_merges_customers(client, org, desk):
    duplicate = make_conversation(team="orders", name="D. Whitfield", email="dw@work.example.com")
    client.force_login(org.lee.user)
    response = client.post(
        reverse("customer_merge", args=[desk["hostile"].customer_id]),
        {"other": "dw@work.example.com", "conversation": str(desk["hostile"].pk)},
    )
    assert response["Location"] == reverse("conversation", args=[desk["hostile"].pk])
    assert (
        Customer.objects.get(pk=duplicate.customer_id).merged_into_id == desk["hostile"].customer_id
    )
    assert Conversation.objects.get(pk=duplicate.pk).customer_id == desk["hostile"].customer_id


def test_merge_cannot_reach_another_teams_customer(client, org, desk):
    from calmdesk.models import Team

    # Lee leads Orders and Billing; a customer seen only by a third team is not found.
    Team.objects.create(name="Stores", slug="stores")
    client.force_login(org.lee.user)
    third = make_conversation(team="stores", name="Far Away", email="far@example.com")
    response = client.post(
        reverse("customer_merge", args=[desk["hostile"].customer_id]),
        {"other": str(third.customer_id)},
    )
    # The form again, with the same words as for no customer at all (tests/web/test_customers.py).
    assert response.status_code == 400
    assert f"No customer matches {third.customer_id}." in response.content.decode()
    assert Customer.objects.get(pk=third.customer_id).merged_into_id is None


def test_manager_view(client, org, desk):
    from calmdesk.actions import do_assign

    do_assign(org.morgan, desk["billing"], org.sam)
    client.force_login(org.morgan.user)
    html = client.get(reverse("manager")).content.decode()
    assert "Orders" in html and "Billing" in html
    unanswered = html[html.index('id="unanswered-title"') : html.index('id="load-title"')]
    assert f'id="row-{desk["hostile"].pk}"' in unanswered  # hostile, nobody answered
    assert f'id="row-{desk["calm"].pk}"' not in unanswered  # calm ones are not listed
    load = html[html.index('id="load-title"') :]
    assert "sam" in load


@pytest.mark.parametrize("rows", [1, 12])
def test_conversation_page_query_count_is_fixed(client, org, django_assert_num_queries, rows):
    from calmdesk.actions import do_add_note, do_reply

    conversation = make_conversation(team="orders", level="difficult", difficulty=60)
    for i in range(rows):
        do_reply(org.alex, conversation, f"Reply {i}", deliver=False)
        do_add_note(org.lee, conversation, f"Note {i}")
        make_conversation(
            team="orders",
            subject=f"Earlier {i}",
            thread_id=f"t{i}",
            channel="chat",
            difficulty=20 + i,
            level="calm",
        )
    client.force_login(org.alex.user)
    with django_assert_num_queries(CONVERSATION_QUERIES):
        assert client.get(reverse("conversation", args=[conversation.pk])).status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_inbox_query_count_is_fixed(client, org, django_assert_num_queries, rows):
    from calmdesk.actions import do_assign

    for i in range(rows):
        c = make_conversation(
            team="orders",
            name=f"C{i}",
            email=f"c{i}@example.com",
            subject="" if i % 2 else f"S{i}",
            difficulty=i,
            level="tense",
        )
        if i % 3 == 0:
            do_assign(org.alex, c, org.lee)
    client.force_login(org.alex.user)
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get(reverse("inbox")).status_code == 200
    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get(reverse("inbox"), {"q": "c1", "unanswered": "1"}).status_code == 200


def test_manager_query_count_is_fixed(client, org, django_assert_num_queries):
    for i in range(8):
        make_conversation(
            team="orders" if i % 2 else "billing",
            name=f"M{i}",
            email=f"m{i}@example.com",
            level="hostile",
            difficulty=80 + i,
        )
    client.force_login(org.morgan.user)
    with django_assert_num_queries(MANAGER_QUERIES):
        assert client.get(reverse("manager")).status_code == 200


# session, user, agent; then the page's own queries (see each view's docstring);
# every page with the header adds one COUNT for the unread-notifications badge.
CONVERSATION_QUERIES = 12
# 6 facet counts became one statement (queue._Counter), which also gives the total
INBOX_QUERIES = 10
MANAGER_QUERIES = 7
