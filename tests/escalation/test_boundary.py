"""The boundary protocol: warning, final warning, then a decider pauses or blocks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from calmdesk.actions import do_block, do_lift_block, do_reply
from calmdesk.actions.abuse import decision_needed, held_messages
from calmdesk.models import AbuseWarning, ContactBlock, Event, Message, Notification
from calmdesk.playbook import load_policy
from tests.escalation.conftest import ABUSE, ABUSIVE_BODY, conversation, customer_writes

POLICY = load_policy()
BOUNDARY_REPLY = (
    "Dana, I want to help, and I can do that best when we keep this conversation "
    "respectful. I'm checking your parcel now."
)


def _abusive(org):
    c = conversation(body=ABUSIVE_BODY, level="hostile", difficulty=80, evidence=ABUSE)
    from calmdesk.actions import do_assign

    do_assign(org.alex, c, org.alex)
    return c


def test_warning_then_final_warning_then_a_decision(org):
    c = _abusive(org)
    w1 = AbuseWarning.objects.get(conversation=c)
    assert (w1.stage, w1.state, w1.text) == ("warning", "offered", POLICY.boundary.message)
    assert w1.evidence == ["useless", "idiots"]
    do_reply(org.alex, c, BOUNDARY_REPLY)
    w1.refresh_from_db()
    assert w1.state == "sent"

    c = customer_writes(c, "Still useless idiots.", level="hostile", difficulty=80, evidence=ABUSE)
    w2 = AbuseWarning.objects.filter(conversation=c).latest("id")
    assert w2.stage == "final_warning" and w2.text == POLICY.boundary.final_warning_message
    assert not decision_needed(c)
    do_reply(
        org.alex,
        c,
        "I want to resolve this, and I can only continue if our conversation stays respectful.",
    )
    c = customer_writes(c, "You useless idiots!", level="hostile", difficulty=85, evidence=ABUSE)
    assert decision_needed(c)
    assert Notification.objects.filter(recipient=org.lee, kind="boundary.decision").exists()
    assert not ContactBlock.objects.exists()  # nothing is blocked automatically
    assert c.status == "open"  # the grievance is still a case


def test_an_agent_cannot_block_a_lead_can(org, client):
    c = _abusive(org)
    with pytest.raises(PermissionDenied):
        do_block(org.alex, c, "block", 24, "Repeated insults after a final warning")
    client.force_login(org.alex.user)
    assert (
        client.post(
            f"/escalation/c/{c.pk}/block/",
            {"kind": "block", "hours": "24", "reason": "Repeated insults"},
        ).status_code
        == 403
    )
    with pytest.raises(ValidationError):
        do_block(org.lee, c, "block", 5, "Repeated insults")  # not a duration the policy allows
    with pytest.raises(ValidationError):
        do_block(org.lee, c, "block", 24, "")  # a reason is required
    client.force_login(org.lee.user)
    client.post(
        f"/escalation/c/{c.pk}/block/",
        {"kind": "block", "hours": "24", "reason": "Repeated insults after a final warning"},
    )
    block = ContactBlock.objects.get()
    assert block.decided_by == org.lee and block.reason.startswith("Repeated insults")
    event = Event.objects.get(kind="boundary.blocked")
    assert event.actor == org.lee and event.data["hours"] == 24
    c.refresh_from_db()
    assert c.held_until == block.ends_at and c.status == "open"


def test_a_blocked_contacts_messages_are_stored_and_held_for_managers(org, client):
    c = _abusive(org)
    block = do_block(org.lee, c, "block", 24, "Threats to staff")
    c = customer_writes(
        c, "Let me in, you useless idiots.", level="hostile", difficulty=85, evidence=ABUSE
    )
    assert Message.objects.filter(conversation=c, body="Let me in, you useless idiots.").exists()
    assert c.awaiting_reply is False and c.response_due_at is None  # held: nobody asked to answer
    assert Event.objects.filter(kind="boundary.message_held").exists()
    assert [m.body for m in held_messages(block)] == ["Let me in, you useless idiots."]
    client.force_login(org.morgan.user)
    page = client.get("/escalation/boundaries/").content.decode()
    assert "Let me in, you useless idiots." in page and "Threats to staff" in page
    client.force_login(org.alex.user)
    assert client.get("/escalation/boundaries/").status_code == 403
    do_lift_block(org.lee, block, "apologised by phone")
    c.refresh_from_db()
    assert c.held_until is None and c.awaiting_reply is True


def test_a_pause_expires_on_its_own(org):
    import time_machine
    from django.utils import timezone

    from calmdesk.actions.escalation import do_sweep

    c = _abusive(org)
    block = do_block(org.lee, c, "pause", 24, "Cooling-off period")
    assert block.channel == "email"
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=25)):
        do_sweep()
    block.refresh_from_db()
    c.refresh_from_db()
    assert block.lifted_at is not None and block.lift_reason == "ended"
    assert c.held_until is None


def test_swearing_at_a_situation_can_be_dismissed(org):
    from calmdesk.actions import do_dismiss_warning

    c = conversation(
        body="This bloody parcel is late again.",
        level="tense",
        difficulty=40,
        evidence={"profanity": ["bloody"]},
    )
    w = AbuseWarning.objects.get(conversation=c)
    do_dismiss_warning(org.alex, w, "swearing at the parcel, not at us")
    w.refresh_from_db()
    assert w.state == "dismissed"


def test_the_batch_check_for_blocks_finds_exactly_the_blocks_in_force(org):
    """after_assessment asks once per batch which customers may be blocked, then
    looks closer only at those: a block in force at any time of the batch counts,
    one that ended before it, starts after it or was lifted does not."""
    from datetime import timedelta

    from calmdesk.actions.abuse import customers_maybe_blocked

    c = _abusive(org)
    block = do_block(org.lee, c, "pause", 24, "Cooling-off period")
    start, end = block.starts_at, block.ends_at
    hour = timedelta(hours=1)
    assert customers_maybe_blocked(start, start) == {c.customer_id}
    assert customers_maybe_blocked(end - hour, end + hour) == {c.customer_id}
    assert customers_maybe_blocked(end, end + hour) == set()  # over by then
    assert customers_maybe_blocked(start - 2 * hour, start - hour) == set()  # not yet
    do_lift_block(org.lee, block, "apologised by phone")
    assert customers_maybe_blocked(start, end) == set()
