"""The promise ledger: extraction with due times in the team's zone, reminders, broken promises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from calmdesk.playbook import load_policy
from calmdesk.playbook.ledger import find_promises
from calmdesk.playbook.sla import policy_calendar

POLICY = load_policy()
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
# Tuesday 11 March 2025, 14:00 UTC = 10:00 in New York (EDT), 14:00 in London.
SENT = datetime(2025, 3, 11, 14, 0, tzinfo=UTC)

# (reply written by the project, team zone, expected (due, time words) per promise)
CASES = [
    (
        "Hi Dana, I'll update you by Thursday.",
        "America/New_York",
        [(datetime(2025, 3, 13, 17, 0, tzinfo=NY), "Thursday")],
    ),
    (
        "You'll receive the refund within 5 days.",
        "Europe/London",
        [(datetime(2025, 3, 16, 14, 0, tzinfo=LONDON), "within 5 days")],
    ),
    (
        "I'll call you at 3pm.",
        "America/New_York",
        [(datetime(2025, 3, 11, 15, 0, tzinfo=NY), "3pm")],
    ),
    (
        "I'll call you at 3pm.",
        "Europe/London",  # 3pm London is still ahead at 14:00 UTC
        [(datetime(2025, 3, 11, 15, 0, tzinfo=LONDON), "3pm")],
    ),
    (
        "I will email you tomorrow at 10am with the tracking number.",
        "Europe/London",
        [(datetime(2025, 3, 12, 10, 0, tzinfo=LONDON), "tomorrow at 10am")],
    ),
    (
        "We will send a replacement by Friday 14 March. I'll check back with you next week.",
        "Europe/London",
        [
            (datetime(2025, 3, 14, 17, 0, tzinfo=LONDON), "Friday"),
            (datetime(2025, 3, 21, 17, 0, tzinfo=LONDON), "next week"),
        ],
    ),
    (
        "I'll look into it.",
        "Europe/London",  # no time given: the SLA's next-response target
        [(datetime(2025, 3, 12, 14, 0, tzinfo=LONDON), "")],
    ),
    (
        "I've asked the courier for a trace and will update you by tomorrow noon. Alex",
        "Europe/London",  # the demo's reply: noon, not the close of business
        [(datetime(2025, 3, 12, 12, 0, tzinfo=LONDON), "tomorrow noon")],
    ),
    (
        "I'll ring you back at midday tomorrow.",
        "America/New_York",
        [(datetime(2025, 3, 12, 12, 0, tzinfo=NY), "midday tomorrow")],
    ),
    ("Thanks for your patience. Could you send me a photo?", "Europe/London", []),
    ("If it does not arrive, we will refund you.", "Europe/London", []),
    ("I have sent the label yesterday.", "Europe/London", []),
]


@pytest.mark.parametrize(("reply", "zone", "expected"), CASES)
def test_promises_and_their_due_times(reply, zone, expected):
    found = find_promises(reply, SENT, POLICY, policy_calendar(POLICY, zone))
    assert [(p.due_at, p.time_text.lower()) for p in found] == [
        (due, words.lower()) for due, words in expected
    ]
    for p in found:
        assert reply[p.start : p.end] == p.text


def test_replies_fill_the_ledger_and_the_sweep_reminds_then_breaks(org):
    from calmdesk.actions import do_reply
    from calmdesk.actions.commitments import detect_commitments
    from calmdesk.actions.escalation import do_sweep
    from calmdesk.models import Commitment, Event, Notification
    from tests.escalation.conftest import conversation

    org.orders.timezone = "America/New_York"
    org.orders.save(update_fields=["timezone"])
    with time_machine.travel(SENT, tick=False):
        c = conversation(level="tense", difficulty=40, hours_ago=0)
        m = do_reply(org.alex, c, "Hi Dana, I apologize. I'll call you at 3pm with an answer.")
        assert detect_commitments(m) == []  # once per message and sentence
    row = Commitment.objects.get(conversation=c)
    assert row.due_at == datetime(2025, 3, 11, 15, 0, tzinfo=NY)
    assert (row.owner, row.state, row.source) == (org.alex, "open", "detected")
    with time_machine.travel(datetime(2025, 3, 11, 14, 30, tzinfo=NY), tick=False):
        assert do_sweep()["reminded"] == 1
        assert do_sweep()["reminded"] == 0  # once
    assert Notification.objects.filter(recipient=org.alex, kind="commitment.reminder").exists()
    with time_machine.travel(datetime(2025, 3, 11, 15, 1, tzinfo=NY), tick=False):
        assert do_sweep()["broken"] == 1
    row.refresh_from_db()
    c.refresh_from_db()
    assert row.state == "broken"
    assert c.priority >= 2  # a broken promise raises priority
    assert Event.objects.filter(kind="commitment.broken", conversation=c).exists()
    assert Notification.objects.filter(recipient=org.morgan, kind="commitment.broken").exists()


def test_broken_promise_shows_on_conversation_customer_and_manager_view(client, org):
    from django.utils import timezone

    from calmdesk.actions import do_add_commitment
    from calmdesk.actions.escalation import do_sweep
    from calmdesk.models import Commitment
    from tests.escalation.conftest import conversation

    c = conversation(level="tense", difficulty=40)
    row = do_add_commitment(
        org.alex,
        c,
        "Call Dana back with the courier's answer",
        timezone.now() + timedelta(minutes=5),
    )
    assert row.source == "manual"
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        do_sweep()
    assert Commitment.objects.get(pk=row.pk).state == "broken"
    client.force_login(org.alex.user)
    panel = client.get(f"/escalation/c/{c.pk}/panel/").content.decode()
    assert "Broken" in panel and "courier" in panel
    client.force_login(org.morgan.user)
    queue = client.get("/escalation/").content.decode()
    assert "Call Dana back" in queue
    # the customer's view: their card's conversation page panel, and the ledger by API
    r = client.get(f"/api/v1/conversations/{c.pk}/commitments")
    assert r.status_code == 200 and r.json()[0]["state"] == "broken"


def test_imported_history_does_not_create_stale_promises(org):
    from django.utils import timezone

    from calmdesk.actions import do_reply
    from calmdesk.models import Commitment
    from tests.escalation.conftest import conversation

    c = conversation(level="calm", difficulty=10, hours_ago=100)
    do_reply(
        org.alex,
        c,
        "I'll call you within the hour.",
        at=timezone.now() - timedelta(hours=90),
        deliver=False,
    )
    assert not Commitment.objects.exists()


def test_a_promise_by_hand_must_be_due_later_and_fit_the_ledger(org):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from calmdesk.actions import do_add_commitment
    from calmdesk.models import Commitment
    from tests.escalation.conftest import conversation

    c = conversation(level="tense", difficulty=40)
    soon = timezone.now() + timedelta(hours=2)
    with pytest.raises(ValidationError, match="in the past"):
        do_add_commitment(org.alex, c, "Call back", datetime(2020, 1, 1, 10, 0, tzinfo=UTC))
    with pytest.raises(ValidationError, match="600 characters long; keep it to 500"):
        do_add_commitment(org.alex, c, "x" * 600, soon)
    assert not Commitment.objects.exists()
    row = do_add_commitment(org.alex, c, "y" * 500, soon)  # exactly the limit: kept whole
    assert len(Commitment.objects.get(pk=row.pk).text) == 500
    # imported history (the demo) says when the promise was made
    late = do_add_commitment(
        org.alex, c, "Call back", soon - timedelta(hours=3), made_at=soon - timedelta(hours=5)
    )
    assert late.due_at < timezone.now()


def test_the_promise_form_refuses_a_past_time_or_long_text_and_keeps_the_input(client, org):
    from calmdesk.models import Commitment
    from tests.escalation.conftest import conversation

    c = conversation(level="tense", difficulty=40)
    client.force_login(org.alex.user)
    url = f"/escalation/c/{c.pk}/promise/"
    r = client.post(url, {"text": "Call Dana back", "due": "2020-01-01T10:00"}, follow=True)
    assert "The due time is in the past" in r.content.decode()  # the flash on the page
    panel = client.get(f"/escalation/c/{c.pk}/panel/").content.decode()
    assert "The due time is in the past" in panel
    assert 'value="Call Dana back"' in panel and 'value="2020-01-01T10:00"' in panel
    assert "<details open>" in panel
    # shown once: the next render is a fresh form
    again = client.get(f"/escalation/c/{c.pk}/panel/").content.decode()
    assert "The due time is in the past" not in again and "Call Dana back" not in again
    r = client.post(url, {"text": "<b>" + "z" * 597, "due": "2031-01-02T10:00"})
    assert r.status_code == 302
    panel = client.get(f"/escalation/c/{c.pk}/panel/").content.decode()
    assert "600 characters long; keep it to 500" in panel
    assert 'value="&lt;b&gt;zzz' in panel  # kept, escaped
    assert not Commitment.objects.exists()


def test_a_past_due_time_is_a_422_over_the_api(client, org):
    import json

    from calmdesk.actions import do_create_token
    from tests.escalation.conftest import conversation

    c = conversation(level="tense", difficulty=40)
    r = client.post(
        f"/api/v1/conversations/{c.pk}/commitments",
        json.dumps({"text": "Call back", "due_at": "2020-01-01T10:00:00+00:00"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {do_create_token(org.alex, 'test')}",
    )
    assert r.status_code == 422 and "in the past" in r.json()["detail"]


def test_promise_dates_show_the_year_when_far_off_or_in_another_year(client, org):
    from calmdesk.actions import do_add_commitment
    from calmdesk.actions.escalation import do_sweep
    from tests.escalation.conftest import conversation

    with time_machine.travel(datetime(2024, 12, 30, 9, 0, tzinfo=UTC), tick=False):
        c = conversation(level="tense", difficulty=40)
        do_add_commitment(org.alex, c, "Send the label", datetime(2024, 12, 31, 10, 0, tzinfo=UTC))
        do_add_commitment(org.alex, c, "Check the claim", datetime(2025, 1, 3, 10, 0, tzinfo=UTC))
        do_add_commitment(org.alex, c, "Review warranty", datetime(2025, 9, 1, 10, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2025, 1, 2, 9, 0, tzinfo=UTC), tick=False):
        do_sweep()
        client.force_login(org.alex.user)
        panel = client.get(f"/escalation/c/{c.pk}/panel/").content.decode()
        client.force_login(org.morgan.user)
        queue = client.get("/escalation/").content.decode()
    assert "due Tue 31 Dec 2024 10:00" in panel and "due Tue 31 Dec 2024 10:00" in queue
    assert "due Fri 3 Jan 10:00" in panel  # this year and near: no year
    assert "due Mon 1 Sep 2025 10:00" in panel  # more than six months ahead
