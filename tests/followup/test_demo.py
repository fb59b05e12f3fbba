"""The follow-up demo: what issue 7's "done when" asks to see, loaded twice."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from calmdesk.models import FollowUp, Notification, Survey

pytestmark = pytest.mark.django_db


def test_demo_shows_the_loop_and_is_idempotent(client):
    from calmdesk.demo import DemoSummary, _setup_org
    from calmdesk.demo.followup import load

    agents = _setup_org()
    summary = DemoSummary()
    load(agents=agents, now=timezone.now(), summary=summary)
    counts = (FollowUp.objects.count(), Survey.objects.count())
    load(agents=agents, now=timezone.now(), summary=DemoSummary())
    assert (FollowUp.objects.count(), Survey.objects.count()) == counts

    fu = FollowUp.objects.get(conversation__customer__name="Priya Natarajan")
    assert fu.state == "scheduled" and fu.mode == "review" and fu.due_at > timezone.now()
    link = re.search(r"(/follow-up/s/[\w-]+/)", " ".join(summary.notes)).group(1)
    assert client.get(link).status_code == 200
    rosa = Survey.objects.get(customer__name="Rosa Lind")
    assert rosa.low and rosa.conversation.status == "open"
    assert Notification.objects.filter(recipient=agents["alex"], kind="survey.low_score").exists()
    client.force_login(agents["morgan"].user)
    page = client.get("/follow-up/recovery/").content.decode()
    # 14 history cases: 9 answered 4-5, 3 purchases, 1 cancellation -> 12 of 13 known; Rosa 1/5
    assert "86% (12 of 14;" in page
    assert "After a difficult case" in page and "Never had a difficult case" in page
