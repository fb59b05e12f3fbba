"""The promise ledger: promises found in replies or added by hand, reminded, kept or broken.

A reply's promises are read by `playbook.ledger.find_promises`, with the
deadline resolved against the reply's time in the team's calendar. The
sweep reminds the owner `follow_up.promise_reminder_minutes` before the due
time and marks an open promise broken after it: that raises the
conversation's priority and alerts the owner and the team's leads/managers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import managers_of, notify
from calmdesk.models import (
    Agent,
    Commitment,
    CommitmentSource,
    CommitmentState,
    Conversation,
    Direction,
    Message,
)
from calmdesk.playbook import Policy, load_policy
from calmdesk.playbook.ledger import find_promises

TEXT_LIMIT = 500  # Commitment.text
CLOSING = (CommitmentState.KEPT, CommitmentState.CANCELLED, CommitmentState.BROKEN)


def detect_commitments(message: Message, policy: Policy | None = None) -> list[Commitment]:
    """Record each promise in an outbound reply (idempotent per message and sentence)."""
    if message.direction != Direction.OUT:
        return []
    from calmdesk.actions.sla import team_calendar

    policy = policy or load_policy()
    conversation = message.conversation
    cal = team_calendar(conversation.team, policy)
    made = []
    now = timezone.now()
    for p in find_promises(
        message.body,
        message.sent_at,
        policy,
        cal,
        channel=conversation.channel,
        level=conversation.level,
    ):
        if p.due_at <= now:
            continue  # imported history: a promise already due is not a live one
        row, created = Commitment.objects.get_or_create(
            message=message,
            position=p.start,
            defaults={
                "conversation": conversation,
                "text": p.text[:500],
                "time_text": p.time_text[:100],
                "due_at": p.due_at,
                "owner": message.author or conversation.assignee,
                "source": CommitmentSource.DETECTED,
                "created_by": message.author,
            },
        )
        if created:
            log_event(
                EventKind.COMMITMENT_ADDED,
                actor=message.author,
                conversation=conversation,
                commitment=row.pk,
                due=row.due_at.isoformat(),
                source="detected",
            )
            made.append(row)
    return made


@transaction.atomic
def do_add_commitment(
    actor: Agent,
    conversation: Conversation,
    text: str,
    due_at: datetime,
    owner: Agent | None = None,
    *,
    made_at: datetime | None = None,
) -> Commitment:
    """A promise added by hand (e.g. made on the phone), due after `made_at` (default: now).

    Only imported history (the demo) passes an earlier `made_at`, to record a
    promise that is already overdue.
    """
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError("Say what was promised.")
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            f"The promise is {len(text)} characters long; keep it to {TEXT_LIMIT}."
        )
    if due_at.tzinfo is None:
        raise ValidationError("The due time needs a time zone.")
    if due_at <= (made_at or timezone.now()):
        raise ValidationError("The due time is in the past; give a time still to come.")
    row = Commitment.objects.create(
        conversation=conversation,
        text=text,
        due_at=due_at,
        owner=owner or actor,
        source=CommitmentSource.MANUAL,
        created_by=actor,
    )
    log_event(
        EventKind.COMMITMENT_ADDED,
        actor=actor,
        conversation=conversation,
        commitment=row.pk,
        due=due_at.isoformat(),
        source="manual",
    )
    return row


_EVENTS = {
    CommitmentState.KEPT: EventKind.COMMITMENT_KEPT,
    CommitmentState.BROKEN: EventKind.COMMITMENT_BROKEN,
    CommitmentState.CANCELLED: EventKind.COMMITMENT_CANCELLED,
}


@transaction.atomic
def do_close_commitment(
    actor: Agent | None,
    commitment: Commitment,
    state: str,
    note: str = "",
    now: datetime | None = None,
) -> Commitment:
    """Mark a promise kept, withdrawn or broken (a late promise can still be marked kept)."""
    if state not in CLOSING:
        raise ValidationError(f"Unknown state {state!r}.")
    row = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .get(pk=commitment.pk)
    )
    if row.state == state:
        return row
    if row.state != CommitmentState.OPEN and not (
        row.state == CommitmentState.BROKEN and state == CommitmentState.KEPT
    ):
        raise ValidationError("This promise is already closed.")
    before = row.state
    row.state, row.closed_at, row.closed_by = state, now or timezone.now(), actor
    row.note = " ".join(note.split())[:300]
    row.save(update_fields=["state", "closed_at", "closed_by", "note"])
    log_event(
        _EVENTS[state],
        actor=actor,
        conversation=row.conversation,
        commitment=row.pk,
        before={"state": before},
        after={"state": state},
        late=row.closed_at > row.due_at,
    )
    if state == CommitmentState.BROKEN:
        _broken_alert(row)
    from calmdesk.actions.sla import refresh_sla

    refresh_sla(row.conversation, now)
    return row


def _broken_alert(row: Commitment) -> None:
    c = row.conversation
    who = c.customer.name or f"conversation #{c.pk}"
    notify(
        [row.owner, c.assignee, *managers_of(c)],
        "commitment.broken",
        f"Promise broken: {who}",
        f'"{row.text}" was due {row.due_at:%a %d %b %H:%M} UTC.',
        conversation=c,
    )


def sweep_commitments(now: datetime | None = None, policy: Policy | None = None) -> tuple[int, int]:
    """Remind owners of promises falling due; mark overdue ones broken. (reminded, broken)"""
    now = now or timezone.now()
    policy = policy or load_policy()
    ahead = timedelta(minutes=policy.follow_up.promise_reminder_minutes)
    reminded = 0
    due_soon = Commitment.objects.filter(
        state=CommitmentState.OPEN,
        reminded_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + ahead,
    ).select_related("conversation__customer", "owner__user")
    for row in due_soon:
        with transaction.atomic():
            if not Commitment.objects.filter(pk=row.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue  # another sweep got there first
            who = row.conversation.customer.name or f"conversation #{row.conversation_id}"
            notify(
                [row.owner or row.conversation.assignee],
                "commitment.reminder",
                f"Promise due {row.due_at:%H:%M} UTC: {who}",
                f'"{row.text}"',
                conversation=row.conversation,
            )
            log_event(
                EventKind.COMMITMENT_REMINDED, conversation=row.conversation, commitment=row.pk
            )
            reminded += 1
    broken = 0
    for row in Commitment.objects.filter(state=CommitmentState.OPEN, due_at__lte=now):
        do_close_commitment(None, row, CommitmentState.BROKEN, "not kept by the due time", now)
        broken += 1
    return reminded, broken
