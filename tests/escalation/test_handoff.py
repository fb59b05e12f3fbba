"""The hand-over brief from a realistic conversation, and the acknowledgement flow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from calmdesk.actions import (
    do_acknowledge_handoff,
    do_propose_compensation,
    do_reply,
    do_request_handoff,
)
from calmdesk.actions.handoff import draft_brief
from calmdesk.models import Event, Handoff, Notification
from tests.escalation.conftest import conversation, customer_writes

FIRST = (
    "My order #4411 was promised for Monday and it has not arrived. I need it for my "
    "daughter's birthday on Saturday."
)
ANGRY = (
    "This is the THIRD time I'm writing. You people are useless. I want a refund TODAY or "
    "I'm calling my lawyer."
)


@pytest.fixture
def dana(org):
    c = conversation(
        body=FIRST,
        level="tense",
        difficulty=35,
        hours_ago=30,
        evidence={"complaint": ["has not arrived"]},
    )
    do_reply(
        org.alex,
        c,
        "Hi Dana, I understand order #4411 has not arrived as promised, and I "
        "apologize. As I already told you, the courier is slow. I'll update you by Friday.",
        at=timezone.now() - timedelta(hours=20),
    )
    c = customer_writes(
        c,
        ANGRY,
        level="hostile",
        difficulty=90,
        evidence={
            "insult": ["useless"],
            "legal_threat": ["calling my lawyer"],
            "repeat_contact": ["THIRD time"],
        },
    )
    do_propose_compensation(org.alex, c, "voucher", 10, "goodwill")
    return c


def test_the_brief_has_every_part(dana):
    b = draft_brief(dana)
    assert b.issue.startswith("Dana says") and "order has not arrived" in b.issue  # their words
    assert "refund" in b.wants
    assert any("repl" in t for t in b.tried)
    assert any(
        "update you by Friday" in p and "open" in p for p in b.promises
    )  # the ledger, with due
    assert any("voucher 10 EUR" in x for x in b.compensation)
    assert "tense" in b.trajectory and "hostile" in b.trajectory and "escalating" in b.trajectory
    avoid = " ".join(b.avoid)
    assert "As I already told you" in avoid  # blame already said: do not repeat
    assert "legal" in avoid and "abuse" in avoid
    assert b.next_step
    text = b.to_text()
    for title in (
        "Issue:",
        "Wants:",
        "Tried so far:",
        "Promises:",
        "Compensation:",
        "Emotional trajectory:",
        "Avoid saying:",
        "Next step:",
    ):
        assert title in text


def test_the_conversation_is_not_theirs_until_they_acknowledge(org, dana):
    from calmdesk.actions import do_assign

    do_assign(org.alex, dana, org.alex)
    h = do_request_handoff(
        org.alex,
        dana,
        to_agent=org.lee,
        brief_text="Edited brief: call her.",
        reason="needs a lead",
    )
    dana.refresh_from_db()
    assert dana.assignee == org.alex and h.state == "pending"
    assert h.brief_text == "Edited brief: call her." and h.brief["issue"]  # edited, draft kept
    assert Notification.objects.filter(recipient=org.lee, kind="handoff.requested").exists()
    with pytest.raises(ValidationError):  # one pending hand-over at a time
        do_request_handoff(org.alex, dana, to_agent=org.morgan)
    with pytest.raises(PermissionDenied):
        do_acknowledge_handoff(org.sam, h)
    do_acknowledge_handoff(org.lee, h)
    dana.refresh_from_db()
    h.refresh_from_db()
    assert dana.assignee == org.lee and h.state == "accepted"
    continuity = h.continuity_message
    assert continuity.direction == "out" and continuity.author == org.lee
    assert continuity.body.startswith("Hi Dana, I am lee") and "repeat" in continuity.body
    assert Event.objects.filter(conversation=dana, kind="handoff.accepted").exists()
    assert dana.commitments.get().owner == org.lee  # open promises follow the conversation


def test_an_agent_of_another_team_cannot_receive(org, dana):
    with pytest.raises(PermissionDenied):
        do_request_handoff(org.alex, dana, to_agent=org.sam)


def test_decline_needs_a_reason_and_tells_the_sender(org, dana):
    from calmdesk.actions import do_decline_handoff

    h = do_request_handoff(org.alex, dana, to_agent=org.lee)
    with pytest.raises(ValidationError):
        do_decline_handoff(org.lee, h, "")
    do_decline_handoff(org.lee, h, "On leave from tomorrow")
    assert Handoff.objects.get(pk=h.pk).state == "declined"
    assert Notification.objects.filter(recipient=org.alex, kind="handoff.declined").exists()


def test_hand_over_through_the_pages(client, org, dana):
    client.force_login(org.alex.user)
    form = client.get(f"/escalation/c/{dana.pk}/handoff/")
    assert form.status_code == 200
    page = form.content.decode()
    assert "Emotional trajectory" in page and "Lee" in page or "lee" in page
    r = client.post(
        f"/escalation/c/{dana.pk}/handoff/",
        {"to": f"agent:{org.lee.pk}", "brief": "Brief text", "continuity": "1"},
    )
    assert r.status_code == 302
    h = Handoff.objects.get(conversation=dana)
    client.force_login(org.lee.user)
    ack = client.get(f"/escalation/handoffs/{h.pk}/").content.decode()
    assert "Brief text" in ack and "take over" in ack
    client.post(f"/escalation/handoffs/{h.pk}/acknowledge/")
    dana.refresh_from_db()
    assert dana.assignee == org.lee


def _flash(client, response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def unassigned(org):
    c = conversation(level="hostile", difficulty=70, name="Ruth Ames", email="ruth@example.com")
    assert c.assignee is None
    return c


def test_the_form_offers_colleagues_and_previews_as_the_chosen_one(client, org, unassigned):
    client.force_login(org.alex.user)
    url = f"/escalation/c/{unassigned.pk}/handoff/"
    page = client.get(url).content.decode()
    assert f'value="agent:{org.alex.pk}"' not in page  # never oneself
    assert f'value="agent:{org.lee.pk}"' in page and f'value="agent:{org.morgan.pk}"' in page
    assert "I am lee and I am taking over" in page  # the first offered, selected by default
    assert "I am alex" not in page

    htmx = {"HX-Request": "true", "HX-Target": "handoff-continuity"}
    preview = client.get(url, {"to": f"agent:{org.morgan.pk}"}, headers=htmx)
    assert preview["Vary"] and "HX-Request" in preview["Vary"]
    text = preview.content.decode()
    assert "I am morgan and I am taking over" in text and "<form" not in text
    team = client.get(url, {"to": f"team:{org.billing.pk}"}, headers=htmx).content.decode()
    assert "I am [name] and" in team  # whoever acknowledges signs it
    mine = client.get(url, {"to": f"agent:{org.alex.pk}"}, headers=htmx).content.decode()
    assert "alex" not in mine  # not a receiver: no preview in the requester's name

    r = client.post(url, {"to": f"agent:{org.alex.pk}", "brief": "My brief", "reason": "tired"})
    assert r.status_code == 400 and not Handoff.objects.exists()  # nobody hands over to themself
    page = r.content.decode()
    assert "Choose who takes the conversation over" in page
    assert "My brief" in page and 'value="tired"' in page  # nothing lost


def test_the_sent_message_says_who_has_the_conversation_meanwhile(client, org, unassigned):
    from calmdesk.actions import do_assign, do_cancel_handoff

    url = f"/escalation/c/{unassigned.pk}/handoff/"
    client.force_login(org.alex.user)
    r = client.post(url, {"to": f"agent:{org.lee.pk}", "brief": "b"})
    assert "It stays unassigned until they acknowledge" in _flash(client, r)
    do_cancel_handoff(org.alex, Handoff.objects.get())

    do_assign(org.alex, unassigned, org.alex)
    r = client.post(url, {"to": f"agent:{org.lee.pk}", "brief": "b"})
    assert "It stays yours until they acknowledge" in _flash(client, r)
    do_cancel_handoff(org.alex, Handoff.objects.get(state="pending"))

    client.force_login(org.lee.user)
    r = client.post(url, {"to": f"agent:{org.morgan.pk}", "brief": "b"})
    assert "It stays with alex until they acknowledge" in _flash(client, r)
