"""Storing the analysis engine's judgement on messages and their conversations."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.models import Conversation, Direction, Level, Message

# Messages assessed per engine call; bounds memory on huge backlogs.
BATCH = 256


def do_assess_messages(message_ids: Iterable[int]) -> int:
    """Assess inbound messages not yet assessed; returns how many were assessed."""
    from calmdesk.analysis import assess_many

    ids = sorted(set(message_ids))
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = list(
            Message.objects.filter(
                pk__in=ids[start : start + BATCH], direction=Direction.IN, assessed_at__isnull=True
            ).only("id", "body", "conversation_id")
        )
        if not chunk:
            continue
        assessments = assess_many([m.body for m in chunk])
        _store(chunk, assessments)
        done += len(chunk)
    return done


@transaction.atomic
def _store(messages: list[Message], assessments) -> None:
    now = timezone.now()
    for message, a in zip(messages, assessments, strict=True):
        message.assessment = a.to_dict()
        message.difficulty = a.difficulty
        message.level = a.level
        message.assessed_at = now
    Message.objects.bulk_update(messages, ["assessment", "difficulty", "level", "assessed_at"])
    for conversation_id in sorted({m.conversation_id for m in messages}):
        refresh_conversation_difficulty(conversation_id)
    from calmdesk.actions.escalation import queue_after_assessment  # issue 6: rules, abuse, SLA

    queue_after_assessment([m.pk for m in messages])


def refresh_conversation_difficulty(conversation_id: int) -> None:
    """The conversation's difficulty is its latest assessed inbound message's."""
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation_id)
    rows = list(
        Message.objects.filter(
            conversation_id=conversation_id, direction=Direction.IN, assessed_at__isnull=False
        )
        .order_by("sent_at", "id")
        .values_list("difficulty", "level", "assessment")
    )
    if not rows:
        return
    difficulty, level, assessment = rows[-1]
    before = {"difficulty": conversation.difficulty, "level": conversation.level}
    conversation.difficulty = difficulty or 0
    conversation.peak_difficulty = max((d or 0) for d, _, _ in rows)
    conversation.level = level or Level.CALM
    reasons = (assessment or {}).get("reasons") or []
    conversation.top_reason = (reasons[0] if reasons else "")[:300]
    conversation.save(
        update_fields=["difficulty", "peak_difficulty", "level", "top_reason", "updated_at"]
    )
    if before != {"difficulty": conversation.difficulty, "level": conversation.level}:
        log_event(
            EventKind.MESSAGE_ASSESSED,
            conversation=conversation,
            before=before,
            after={"difficulty": conversation.difficulty, "level": conversation.level},
        )
