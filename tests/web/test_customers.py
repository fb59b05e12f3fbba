"""The customer card's dates, the customer page, and the merge form's errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from calmdesk.actions.events import EventKind
from calmdesk.models import Conversation, Customer, Event
from tests.conftest import inbound
from tests.web.conftest import make_conversation


def _history(html: str) -> str:
    """The card's list of conversations."""
    start = html.index('<ol class="history">')
    return html[start : html.index("</ol>", start)]


@pytest.fixture
def imported(org, time_machine):
    """Dana writes today (24 Nov 2026); then her October history is imported.

    The imported conversation is stored after the current one, so its
    created_at is the later of the two, though its messages are older.
    """
    from calmdesk.actions import receive

    time_machine.move_to("2026-11-24 10:00Z")
    current = make_conversation(team="orders", subject="Where is order 5120?")
    # Imported out of order: the later message first.
    for day, body in ((18, "Any news?"), (17, "A question about my earlier order.")):
        earlier_id = receive(
            inbound(
                body=body,
                subject="Earlier order question",
                team="orders",
                channel="chat",
                thread_id="import-1",
                customer={"name": "Dana Whitfield", "email": "dana@example.com"},
                sent_at=datetime(2026, 10, day, 9, 0, tzinfo=UTC),
            ),
            assess=False,
        ).conversation_id
    earlier = Conversation.objects.get(pk=earlier_id)
    assert earlier.customer_id == current.customer_id and earlier.created_at > current.created_at
    return {"current": current, "earlier": earlier}


@pytest.mark.parametrize("page", ["conversation", "customer"])
def test_card_dates_conversations_by_when_the_customer_first_wrote(client, org, imported, page):
    current, earlier = imported["current"], imported["earlier"]
    client.force_login(org.alex.user)
    pk = current.pk if page == "conversation" else current.customer_id
    html = client.get(reverse(page, args=[pk])).content.decode()
    history = _history(html)
    ids = [int(i) for i in re.findall(r'href="/c/(\d+)/"', history)]
    assert ids == [current.pk, earlier.pk]  # the one begun last first
    assert '<time datetime="2026-10-17T09:00:00+00:00">17 Oct 2026</time>' in history
    assert '<time datetime="2026-11-24T08:00:00+00:00">24 Nov 2026</time>' in history
    assert "since Oct 2026" in html


def test_card_falls_back_to_created_at_without_a_start(client, org, imported):
    # A row from before started_at was kept (the migration left it null).
    Conversation.objects.filter(pk=imported["earlier"].pk).update(started_at=None)
    client.force_login(org.alex.user)
    html = client.get(reverse("customer", args=[imported["current"].customer_id])).content.decode()
    history = _history(html)
    ids = [int(i) for i in re.findall(r'href="/c/(\d+)/"', history)]
    assert ids == [imported["earlier"].pk, imported["current"].pk]  # stored later
    assert "17 Oct 2026" not in history and history.count("24 Nov 2026") == 2
    assert "since Nov 2026" in html


def test_since_counts_conversations_with_other_teams(client, org, imported):
    # Billing's conversation is not listed for Alex, but it is when Dana became a customer.
    from calmdesk.actions import receive

    receive(
        inbound(
            body="An old invoice.",
            team="billing",
            channel="chat",
            thread_id="import-2",
            customer={"name": "Dana Whitfield", "email": "dana@example.com"},
            sent_at=datetime(2025, 3, 2, 9, 0, tzinfo=UTC),
        ),
        assess=False,
    )
    client.force_login(org.alex.user)
    html = client.get(reverse("customer", args=[imported["current"].customer_id])).content.decode()
    assert "since Mar 2025" in html and "And 1 with other teams." in html


def test_customer_page_answers_head(client, org, imported):
    client.force_login(org.alex.user)
    response = client.head(reverse("customer", args=[imported["current"].customer_id]))
    assert response.status_code == 200 and response.content == b""


def _merge(client, customer_id: int, **data):
    return client.post(reverse("customer_merge", args=[customer_id]), data)


def _merged_events() -> int:
    return Event.objects.filter(kind=EventKind.CUSTOMERS_MERGED).count()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("nobody@nowhere", "No customer matches nobody@nowhere."),
        ("#999999", "No customer matches #999999."),
        ("99999999999999999999999", "No customer matches 99999999999999999999999."),
        ("  ", "Enter the customer number, email or phone to merge."),
    ],
)
def test_merge_with_no_match_shows_the_form_again(client, org, typed, error):
    dana = make_conversation(team="orders")
    client.force_login(org.lee.user)
    response = _merge(client, dana.customer_id, other=typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<p class="error" role="alert" id="merge-error">{error}</p>' in html
    assert f'value="{typed.strip()}" aria-invalid="true"' in html  # the input is kept
    assert "dana@example.com" in html  # the customer page, not a 404
    assert _merged_events() == 0


def test_merge_from_a_conversation_keeps_it_for_the_next_try(client, org):
    dana = make_conversation(team="orders")
    client.force_login(org.lee.user)
    response = _merge(client, dana.customer_id, other="nobody@nowhere", conversation=str(dana.pk))
    html = response.content.decode()
    assert response.status_code == 400 and "No customer matches nobody@nowhere." in html
    assert f'<input type="hidden" name="conversation" value="{dana.pk}">' in html
    assert f'href="/c/{dana.pk}/">Back to the conversation</a>' in html
    # Corrected, the merge goes through and back to the conversation.
    duplicate = make_conversation(team="orders", name="D. W.", email="dw@work.example.com")
    response = _merge(
        client, dana.customer_id, other="dw@work.example.com", conversation=str(dana.pk)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("conversation", args=[dana.pk])
    assert Customer.objects.get(pk=duplicate.customer_id).merged_into_id == dana.customer_id


def test_merge_into_itself_is_a_form_error(client, org):
    dana = make_conversation(team="orders")
    client.force_login(org.lee.user)
    response = _merge(client, dana.customer_id, other=str(dana.customer_id))
    assert response.status_code == 400
    assert "Cannot merge a customer into itself." in response.content.decode()


@pytest.mark.parametrize("by", ["number", "email"])
def test_merge_does_not_reveal_another_teams_customer(client, org, by):
    from calmdesk.models import Team

    # Lee leads Orders and Billing; a customer seen only by a third team is not found.
    Team.objects.create(name="Stores", slug="stores")
    dana = make_conversation(team="orders")
    far = make_conversation(team="stores", name="Far Away", email="far@example.com")
    typed = str(far.customer_id) if by == "number" else "far@example.com"
    client.force_login(org.lee.user)
    response = _merge(client, dana.customer_id, other=typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert f"No customer matches {typed}." in html  # the same words as for nobody at all
    assert "Far Away" not in html
    assert Customer.objects.get(pk=far.customer_id).merged_into_id is None


def test_merge_input_is_escaped_when_kept(client, org):
    dana = make_conversation(team="orders")
    client.force_login(org.lee.user)
    html = _merge(client, dana.customer_id, other='"><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
