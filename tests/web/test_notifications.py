"""In-app notifications: the header badge, /notifications/, marking read."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calmdesk.actions import do_request_handoff, notify
from calmdesk.models import Notification
from tests.web.conftest import make_conversation


def _badge(html: str) -> str:
    match = re.search(r'<a id="notif-badge"[^>]*>(.*?)</a>', html, re.S)
    assert match, "no notification badge in the header"
    return match.group(1)


def _unread(html: str) -> int:
    match = re.search(r'<span class="unread">(\d+)</span>', _badge(html))
    return int(match.group(1)) if match else 0


def test_badge_counts_the_recipients_unread_only(client, org):
    conv = make_conversation(team="orders")
    notify([org.lee], "escalation", "Escalated: Dana", conversation=conv, email=False)
    notify([org.lee, org.alex], "sla.breached", "SLA breached", conversation=conv, email=False)
    client.force_login(org.lee.user)
    assert _unread(client.get(reverse("inbox")).content.decode()) == 2
    client.force_login(org.alex.user)
    assert _unread(client.get(reverse("inbox")).content.decode()) == 1
    client.force_login(org.sam.user)
    html = client.get(reverse("inbox")).content.decode()
    assert _unread(html) == 0
    assert "unread" not in _badge(html)


def test_handover_shows_up_for_the_lead(client, org):
    """The QA case: a lead handed a conversation sees it without opening it."""
    conv = make_conversation(team="orders", subject="Order 4411")
    do_request_handoff(org.alex, conv, to_agent=org.lee, reason="Needs a lead")
    client.force_login(org.lee.user)
    assert _unread(client.get(reverse("followup:queue")).content.decode()) == 1
    page = client.get(reverse("notifications")).content.decode()
    [n] = Notification.objects.filter(recipient=org.lee)
    assert n.title in page
    assert reverse("notification_open", args=[n.pk]) in page


def test_inbox_poll_refreshes_the_badge_out_of_band(client, org):
    notify([org.alex], "escalation", "Escalated", email=False)
    client.force_login(org.alex.user)
    html = client.get(reverse("inbox"), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-swap-oob="true"' in html
    assert _unread(html) == 1
    full = client.get(reverse("inbox")).content.decode()
    assert full.count('id="notif-badge"') == 1
    assert "hx-swap-oob" not in full


def test_page_lists_only_own_notifications_newest_first(client, org, time_machine):
    conv = make_conversation(team="orders")
    time_machine.move_to("2025-03-03 09:00Z")
    notify([org.alex], "survey.low_score", "Dana scored 1/5", "“Never again”", email=False)
    time_machine.move_to("2025-03-03 10:00Z")
    notify([org.alex], "escalation", "Escalated: <b>Dana</b>", conversation=conv, email=False)
    notify([org.sam], "wellbeing.break", "Sam's secret alert", email=False)
    client.force_login(org.alex.user)
    page = client.get(reverse("notifications")).content.decode()
    assert "Sam&#x27;s secret alert" not in page and "secret" not in page
    assert page.index("Escalated") < page.index("Dana scored 1/5")
    assert "Survey · low score" in page
    assert "&lt;b&gt;Dana&lt;/b&gt;" in page  # autoescaped
    assert "2 unread" in page


def test_opening_one_marks_it_read_and_follows_its_link(client, org):
    conv = make_conversation(team="orders")
    [mine] = notify([org.alex], "escalation", "Escalated", conversation=conv, email=False)
    [other] = notify([org.alex], "sla.warning", "SLA soon", conversation=conv, email=False)
    client.force_login(org.alex.user)
    response = client.post(reverse("notification_open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/c/{conv.pk}/"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None
    assert other.read_at is None
    assert _unread(client.get(reverse("inbox")).content.decode()) == 1


def test_opening_needs_post(client, org):
    [mine] = notify([org.alex], "escalation", "Escalated", email=False)
    client.force_login(org.alex.user)
    assert client.get(reverse("notification_open", args=[mine.pk])).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_another_users_notification_cannot_be_marked(client, org):
    [theirs] = notify([org.sam], "escalation", "Escalated", email=False)
    client.force_login(org.alex.user)
    foreign = client.post(reverse("notification_open", args=[theirs.pk]))
    absent = client.post(reverse("notification_open", args=[theirs.pk + 1000]))
    assert foreign.status_code == absent.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_own(client, org):
    notify([org.alex, org.sam], "escalation", "Escalated", email=False)
    notify([org.alex], "sla.breached", "Breached", email=False)
    client.force_login(org.alex.user)
    response = client.post(reverse("notifications_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=org.alex, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=org.sam, read_at__isnull=True).count() == 1
    assert _unread(client.get(reverse("notifications")).content.decode()) == 0


def test_mark_read_is_csrf_protected(org):
    from django.test import Client

    [mine] = notify([org.alex], "escalation", "Escalated", email=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alex.user)
    assert client.post(reverse("notifications_read")).status_code == 403
    assert client.post(reverse("notification_open", args=[mine.pk])).status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def _notification_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("inbox")).status_code == 200
    on_table = [q["sql"] for q in ctx.captured_queries if "calmdesk_notification" in q["sql"]]
    return len(ctx.captured_queries), len(on_table)


def test_badge_costs_one_count_query_whatever_the_number(client, org):
    make_conversation(team="orders")
    client.force_login(org.alex.user)
    notify([org.alex], "escalation", "One", email=False)
    client.get(reverse("inbox"))  # warm the session and caches
    few_total, few_badge = _notification_queries(client)
    for i in range(30):
        notify([org.alex], "escalation", f"Alert {i}", email=False)
    many_total, many_badge = _notification_queries(client)
    assert few_badge == many_badge == 1
    assert few_total == many_total
