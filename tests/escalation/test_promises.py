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
