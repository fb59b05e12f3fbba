"""Fixtures for the escalation area: conversations received and judged like real traffic.

Assessments are built by hand (tests.web.conftest.Judged) so the tests do not
depend on the engine's tuning; `settle` then runs what the assessment hook
runs after the commit (abuse protocol, SLA, rules, wellbeing routing).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import inbound
from tests.web.conftest import Judged, judge, make_conversation

ABUSE = {"insult": ["useless", "idiots"]}
ABUSIVE_BODY = "You are useless idiots. Where is my parcel?"


def settle(conversation, now=None):
    """Run the post-assessment hook for the conversation's inbound messages."""
    from calmdesk.actions.escalation import after_assessment
    from calmdesk.models import Conversation

    ids = list(conversation.messages.filter(direction="in").values_list("id", flat=True))
    after_assessment(ids, now)
    return Conversation.objects.select_related("customer", "team", "assignee__user").get(
        pk=conversation.pk
    )


def conversation(
    *,
    team="orders",
    body="Where is my order?",
    level="calm",
    difficulty=10,
    evidence=None,
    name="Dana Whitfield",
    email="dana@example.com",
    hours_ago=1.0,
    **kw,
):
    c = make_conversation(
        team=team,
        body=body,
        level=level,
        difficulty=difficulty,
        evidence=evidence or {},
        name=name,
        email=email,
        hours_ago=hours_ago,
        **kw,
    )
    return settle(c)


def customer_writes(c, body, *, level="calm", difficulty=10, evidence=None, at=None, ext=""):
    """Another inbound message in conversation `c` (threaded by thread_id or subject token)."""
    from calmdesk.actions import receive

    result = receive(
        inbound(
            body=body,
            subject=f"Re: {c.subject} {c.reference}",
            customer={"name": c.customer.name, "email": c.customer.identities.first().value},
            sent_at=at or timezone.now(),
            external_id=ext,
        ),
        assess=False,
    )
    assert result.conversation_id == c.pk, "the message must thread into the conversation"
    judge(result.message_id, Judged(body, level, difficulty, evidence or {}))
    return settle(c)


@pytest.fixture
def hours_ago():
    return lambda h: timezone.now() - timedelta(hours=h)
