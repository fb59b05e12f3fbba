"""Reviewer ↔ customer suggestions on cases written by the project, confirmed by an agent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import inbound
from tests.reputation.conftest import ingest

pytestmark = pytest.mark.django_db
SATURDAY = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


def customer_case(name, email, body, location="harbour-street", when=SATURDAY, subject="My visit"):
    from calmdesk.actions import receive
    from calmdesk.models import Customer

    result = receive(
        inbound(
            body=body,
            subject=subject,
            location=location,
            sent_at=when,
            customer={"name": name, "email": email},
        ),
        assess=False,
    )
    return Customer.objects.get(pk=result.customer_id)


def test_name_initial_location_and_date_suggest_the_customer(stores):
    from calmdesk.actions.reputation import suggest_links

    mike = customer_case(
        "Mike Thornton",
        "mike.thornton@example.com",
        "I waited 40 minutes at Harbour Street and nobody helped.",
    )
    customer_case(
        "Mike Adams",
        "mike.adams@example.com",
        "Where is my order?",
        location="northgate",
        when=SATURDAY - timedelta(days=60),
    )
    customer_case("Sarah Thornton", "sarah@example.com", "Lovely shop.")
    review = ingest(
        author="Mike T.",
        rating=1,
        body="Waited 40 minutes, rude staff.",
        published_at=SATURDAY + timedelta(days=1),
    )
    [best, *rest] = suggest_links(review)
    assert best.customer == mike and best.score == 50
    assert any("matches" in r for r in best.reasons) and any(
        "Harbour Street" in r for r in best.reasons
    )
    assert all(s.customer.name != "Mike Adams" for s in [best, *rest])


def test_an_order_number_in_the_review_finds_the_customer(stores):
    from calmdesk.actions.reputation import suggest_links

    dana = customer_case(
        "Dana Whitfield",
        "dana@example.com",
        "Order 44117 still has not arrived!",
        location="northgate",
        when=SATURDAY - timedelta(days=40),
        subject="Order 44117",
    )
    review = ingest(author="D.W.", rating=1, body="Order #44117 never came. Useless.")
    [best] = suggest_links(review)
    assert best.customer == dana and "order 44117" in best.reasons[0]


def test_an_email_in_the_review_finds_the_customer(stores):
    from calmdesk.actions.reputation import suggest_links

    ruth = customer_case(
        "Ruth Brandt",
        "ruth@example.com",
        "Charged twice.",
        location="northgate",
        when=SATURDAY - timedelta(days=90),
    )
    review = ingest(author="RB", rating=2, body="Email me at RUTH@example.com, nobody answers.")
    assert suggest_links(review)[0].customer == ruth


def test_no_suggestion_without_evidence(stores):
    from calmdesk.actions.reputation import suggest_links

    customer_case(
        "Tom Achebe",
        "tom@example.com",
        "Hello",
        location="northgate",
        when=SATURDAY - timedelta(days=90),
    )
    assert suggest_links(ingest(author="Kim L.", rating=1, body="Bad.")) == []


def test_confirming_links_the_reviewer_and_the_review_shows_on_the_customer(stores):
    from calmdesk.actions.identity import canonical
    from calmdesk.actions.reputation import do_confirm_link, do_dismiss_link, suggest_links
    from calmdesk.models import Event

    mike = customer_case(
        "Mike Thornton", "mike.thornton@example.com", "Waited 40 minutes at Harbour Street."
    )
    other = customer_case("Mike Tate", "tate@example.com", "Hello", when=SATURDAY)
    review = ingest(
        author="Mike T.",
        rating=1,
        body="Waited 40 minutes.",
        published_at=SATURDAY + timedelta(days=1),
    )
    reviewer = review.conversation.customer
    assert {s.customer for s in suggest_links(review)} == {mike, other}
    do_dismiss_link(stores["jo"], review, other)
    review.refresh_from_db()
    assert [s.customer for s in suggest_links(review)] == [mike]
    do_confirm_link(stores["jo"], review, mike)
    review.refresh_from_db()
    assert review.conversation.customer == mike
    assert mike.conversations.filter(channel="review").exists()
    assert canonical(type(reviewer).objects.get(pk=reviewer.pk)) == mike
    assert Event.objects.filter(kind="review.reviewer_linked", customer=mike).exists()
    assert suggest_links(review) == []
    # A later review by the same reviewer at the same location lands on Mike directly.
    again = ingest(external_id="r-2", author="Mike T.", rating=2, body="Still slow.")
    assert again.conversation.customer == mike
