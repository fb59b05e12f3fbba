"""Fixtures for the reputation watch: a stores team, three locations, reviews
taken in through the real actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from calmdesk.intake.reviews import ReviewRecord


@pytest.fixture
def stores(org):
    """A Stores team with agent 'jo' and three locations (Orders/Billing from `org` too)."""
    from calmdesk.actions import do_create_user
    from calmdesk.models import Location, Team

    team = Team.objects.create(name="Stores", slug="stores", timezone="Europe/London")
    jo = do_create_user(
        "jo", "agent", teams=[team], password="pw-jo-123", display_name="Jo Lindqvist"
    )
    locations = {}
    for name, slug in (
        ("Harbour Street", "harbour-street"),
        ("Riverside Mall", "riverside-mall"),
        ("Northgate", "northgate"),
    ):
        locations[slug] = Location.objects.create(
            name=name,
            slug=slug,
            team=team,
            contact_email=f"{slug}@shop.example",
            contact_phone="+44 20 7946 0101",
        )
    return {"team": team, "jo": jo, "locations": locations, "org": org}


def record(**kw) -> ReviewRecord:
    kw.setdefault("platform", "google")
    kw.setdefault("external_id", "r-1")
    kw.setdefault("body", "Lovely staff and a quick checkout.")
    kw.setdefault("location", "harbour-street")
    kw.setdefault("author", "Ann B.")
    kw.setdefault("rating", 5)
    kw.setdefault("published_at", datetime.now(UTC) - timedelta(hours=1))
    return ReviewRecord(**kw)


def ingest(**kw):
    """Take a review in and judge it, as the on-commit job would."""
    from calmdesk.actions.reputation import do_evaluate_reviews, do_ingest_review
    from calmdesk.models import Review

    result = do_ingest_review(record(**kw), evaluate=False)
    do_evaluate_reviews([result.review_id])
    return Review.objects.select_related("conversation", "location").get(pk=result.review_id)
