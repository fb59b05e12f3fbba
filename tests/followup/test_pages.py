"""The follow-up queue (approve from the page) and survey campaigns (preview, count, send once)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from calmdesk.actions.followup import plan_resolved
from calmdesk.models import FollowUp, Survey, SurveyCampaign
from tests.followup.conftest import resolved_case

pytestmark = pytest.mark.django_db


def test_agent_approves_a_follow_up_from_the_queue(client, org):
    case = resolved_case(org)
    plan_resolved()
    fu = FollowUp.objects.get(conversation=case)
    client.force_login(org.sam.user)  # another team: cannot see or approve it
    assert f"followup-{fu.pk}" not in client.get("/follow-up/").content.decode()
    assert client.post(f"/follow-up/{fu.pk}/approve/", {"body": "x"}).status_code == 404
    client.force_login(org.alex.user)
    page = client.get("/follow-up/").content.decode()
    assert f"followup-{fu.pk}" in page and "needs your glance" in page and "Hi Dana," in page
    r = client.post(
        f"/follow-up/{fu.pk}/approve/", {"body": "Hi Dana, did the new lamp arrive safely?"}
    )
    assert r.status_code == 302
    fu.refresh_from_db()
    assert fu.approved_by == org.alex and fu.draft == "Hi Dana, did the new lamp arrive safely?"


def test_campaign_preview_count_then_send_once(client, org, django_capture_on_commit_callbacks):
    for i in range(3):
        resolved_case(
            org, level="calm", difficulty=5, email=f"c{i}@example.com", external_id=f"c{i}"
        )
    client.force_login(org.alex.user)
    assert client.get("/follow-up/campaigns/").status_code == 403  # agents cannot run campaigns
    client.force_login(org.lee.user)
    today = timezone.localdate().isoformat()
    r = client.post(
        "/follow-up/campaigns/",
        {
            "name": "Last week, orders",
            "kind": "nps",
            "resolved_from": today,
            "resolved_to": today,
            "team": "orders",
        },
    )
    assert r.status_code == 302
    campaign = SurveyCampaign.objects.get()
    preview = client.get(r.url).content.decode()
    assert re.search(r"<strong>3</strong> customers", preview) and "Send to 3 customers" in preview
    assert not mail.outbox  # nothing sent by a preview
    resolved_case(org, level="calm", difficulty=5, email="late@example.com", external_id="late")
    client.post(r.url, {"expected": "3"})  # the set changed since the preview: refused
    assert Survey.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(r.url, {"expected": "4"})
        client.post(r.url, {"expected": "4"})  # a double click sends once
    campaign.refresh_from_db()
    assert campaign.state == "sent" and campaign.recipients == 4
    assert Survey.objects.filter(campaign=campaign, kind="nps").count() == 4 == len(mail.outbox)


def test_campaign_filter_is_validated(client, org):
    client.force_login(org.morgan.user)
    r = client.post(
        "/follow-up/campaigns/",
        {"name": "x", "kind": "csat", "resolved_from": "2026-03-09", "resolved_to": "2026-03-01"},
    )
    assert r.status_code == 400 and "before the start" in r.content.decode()
