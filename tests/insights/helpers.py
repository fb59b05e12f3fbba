"""Conversations for insights tests, made through the real actions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tests.conftest import inbound

_seq = {"n": 0}


class Judged:
    """A stored assessment with a known level (the tests do not depend on the engine's tuning)."""

    def __init__(self, level: str, difficulty: int):
        self.level, self.difficulty = level, difficulty

    def to_dict(self):
        return {
            "sentiment": -0.5,
            "sentiment_label": "negative",
            "emotions": {},
            "abuse": 0.0,
            "signals": [],
            "difficulty": self.difficulty,
            "level": self.level,
            "reasons": [],
            "language": "en",
            "confidence": 0.9,
            "engine": "rules",
        }


def judge(message_id: int, level: str, difficulty: int) -> None:
    from calmdesk.actions.assessment import _store
    from calmdesk.models import Message

    _store([Message.objects.get(pk=message_id)], [Judged(level, difficulty)])


def talk(
    *,
    body: str = "Where is my parcel?",
    team: str = "orders",
    at: datetime | None = None,
    days_ago: float = 1,
    difficult: bool = True,
    email: str = "",
    channel: str = "email",
    location: str = "",
    name: str = "Dana",
    **kw,
):
    """One conversation with one inbound message, judged difficult (80) or calm (10)."""
    from calmdesk.actions import receive
    from calmdesk.models import Conversation

    _seq["n"] += 1
    at = at or timezone.now() - timedelta(days=days_ago)
    result = receive(
        inbound(
            body=body,
            team=team,
            channel=channel,
            sent_at=at,
            location=location,
            customer={"name": name, "email": email or f"c{_seq['n']}@example.com"},
            external_id=f"t-{_seq['n']}",
            thread_id=f"th-{_seq['n']}" if channel != "email" else "",
            **kw,
        ),
        assess=False,
    )
    judge(result.message_id, "difficult" if difficult else "calm", 80 if difficult else 10)
    return Conversation.objects.get(pk=result.conversation_id)
