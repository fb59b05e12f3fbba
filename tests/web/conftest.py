"""Fixtures for the desk's pages: conversations made through the real actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import inbound

HOSTILE = (
    "This is the THIRD time I'm writing. You people are useless and incompetent. "
    "Cancel my account or I post this everywhere and leave a one-star review!!!"
)
CALM = "Hi, could you tell me when my parcel will arrive? Thanks."


class Judged:
    """An assessment as the engine stores it (Assessment.to_dict), built by hand.

    The desk's tests do not depend on the engine's tuning: each message gets
    a known level, difficulty, reasons and evidence spans.
    """

    def __init__(self, body: str, level: str, difficulty: int, evidence: dict[str, list[str]]):
        self.level, self.difficulty = level, difficulty
        signals = []
        for kind, phrases in evidence.items():
            spans = []
            for phrase in phrases:
                start = body.index(phrase)
                spans.append({"start": start, "end": start + len(phrase), "text": phrase})
            signals.append({"kind": kind, "score": 0.9, "evidence": spans})
        reasons = [
            f"{kind.replace('_', ' ')}: " + ", ".join(f'"{p}"' for p in phrases)
            for kind, phrases in evidence.items()
        ]
        self._dict = {
            "sentiment": -0.8 if evidence else 0.2,
            "sentiment_label": "negative" if evidence else "neutral",
            "emotions": {"anger": 0.8} if evidence else {},
            "abuse": 0.5 if "insult" in evidence else 0.0,
            "signals": signals,
            "difficulty": difficulty,
            "level": level,
            "reasons": reasons,
            "language": "en",
            "confidence": 0.9,
            "engine": "rules",
        }

    def to_dict(self):
        return dict(self._dict)


HOSTILE_EVIDENCE = {
    "review_threat": ["post this everywhere", "one-star review"],
    "insult": ["useless", "incompetent"],
    "churn_threat": ["Cancel my account"],
    "shouting": ["THIRD", "!!!"],
    "repeat_contact": ["THIRD time"],
}


def judge(message_id: int, judged: Judged) -> None:
    """Store `judged` on the message through the assessment action's writer."""
    from calmdesk.actions.assessment import _store
    from calmdesk.models import Message

    _store([Message.objects.get(pk=message_id)], [judged])


def make_conversation(
    *,
    team: str,
    body: str = CALM,
    name: str = "Dana Whitfield",
    email: str = "dana@example.com",
    subject: str = "Order 4411",
    hours_ago: float = 2,
    level: str = "calm",
    difficulty: int = 10,
    evidence: dict | None = None,
    assess: bool = True,
    **kw,
):
    """A conversation with one inbound message, received like real traffic."""
    from calmdesk.actions import receive
    from calmdesk.models import Conversation

    result = receive(
        inbound(
            body=body,
            subject=subject,
            team=team,
            customer={"name": name, "email": email},
            sent_at=timezone.now() - timedelta(hours=hours_ago),
            **kw,
        ),
        assess=False,
    )
    if assess:
        judge(result.message_id, Judged(body, level, difficulty, evidence or {}))
    return Conversation.objects.select_related("customer").get(pk=result.conversation_id)


@pytest.fixture
def desk(org):
    """Two conversations in Orders (one hostile), one in Billing."""
    hostile = make_conversation(
        team="orders",
        body=HOSTILE,
        subject="Order #4411 STILL not here",
        level="hostile",
        difficulty=92,
        evidence=HOSTILE_EVIDENCE,
    )
    calm = make_conversation(
        team="orders",
        name="Tom Achebe",
        email="tom@example.com",
        subject="Delivery address",
        hours_ago=1,
    )
    billing = make_conversation(
        team="billing",
        name="Ruth Brandt",
        email="ruth@example.com",
        subject="Double charge",
        body="I was charged twice.",
    )
    return {"hostile": hostile, "calm": calm, "billing": billing}
