"""Follow-up fixtures: resolved cases made through the real actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import inbound
from tests.web.conftest import HOSTILE, HOSTILE_EVIDENCE, Judged, judge

MONDAY = "2026-03-02 09:00:00+00:00"  # a Monday


def resolved_case(
    org,
    *,
    level="hostile",
    difficulty=90,
    email="dana@example.com",
    name="Dana Whitfield",
    phone="",
    channel="email",
    resolve=True,
    reply="I have arranged a replacement lamp; it ships today.",
    **kw,
):
    """A conversation judged at `level`, answered by Alex and (by default) resolved."""
    from calmdesk.actions import do_reply, do_set_status, receive
    from calmdesk.models import Conversation

    body = (
        (HOSTILE + " My parcel was never delivered.")
        if level == "hostile"
        else "My lamp arrived broken and the delivery was late."
    )
    evidence = HOSTILE_EVIDENCE if level == "hostile" else {}
    customer = {"name": name}
    if email:
        customer["email"] = email
    if phone:
        customer["phone"] = phone
    result = receive(
        inbound(
            body=body,
            subject=kw.pop("subject", "Order 4411"),
            team="orders",
            channel=channel,
            customer=customer,
            sent_at=timezone.now() - timedelta(hours=2),
            **kw,
        ),
        assess=False,
    )
    judge(result.message_id, Judged(body, level, difficulty, evidence))
    conv = Conversation.objects.get(pk=result.conversation_id)
    do_reply(org.alex, conv, reply, deliver=False)
    if resolve:
        do_set_status(org.alex, conv, "resolved")
    conv.refresh_from_db()
    return conv


@pytest.fixture
def case(org):
    return resolved_case(org)
