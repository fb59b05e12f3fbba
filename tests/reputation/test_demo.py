"""The demo shows what issue 8 promises, and loading it twice adds nothing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_demo_reputation(django_capture_on_commit_callbacks):
    from django.utils import timezone

    from calmdesk.demo import load_demo
    from calmdesk.insights.reputation import report
    from calmdesk.models import AlertKind, Conversation, ReputationAlert, Review

    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    count = Review.objects.count()
    figures = report(Review.objects.all(), timezone.now())
    trends = {f.slug: [v for v in f.trend if v is not None] for f in figures.locations}
    for slug in ("harbour-street", "riverside-mall", "northgate"):
        assert len(trends[slug]) >= 8, slug
    assert trends["harbour-street"][0] > trends["harbour-street"][-1]  # sliding
    assert trends["riverside-mall"][0] < trends["riverside-mall"][-1]  # recovering

    sandra = Review.objects.get(author="Sandra K.")
    assert sandra.rating == 1 and sandra.responded_at is None and sandra.breached_at is not None

    mike = Review.objects.select_related("conversation__customer").get(author="Mike T.")
    assert mike.conversation.customer.name == "Mike Thornton"
    private = Conversation.objects.get(customer=mike.conversation.customer, channel="email")
    assert private.status == "resolved"
    assert mike.responded_at is not None

    assert ReputationAlert.objects.filter(
        kind=AlertKind.SPIKE, location__slug="harbour-street"
    ).exists()
    assert figures.brand.response_hours and figures.brand.answered > 10

    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    assert Review.objects.count() == count
