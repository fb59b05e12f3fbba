"""What agents do to a conversation: reply, note, assign, change status."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.models import Agent, Conversation, Delivery, Direction, Message, Status, Team

MAX_REPLY_CHARS = 100_000


def _check_body(body: str) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ValidationError("The message is empty.")
    if len(body) > MAX_REPLY_CHARS:
        raise ValidationError(f"The message is over {MAX_REPLY_CHARS:,} characters.")
    return body.strip()


@transaction.atomic
def do_reply(
    agent: Agent,
    conversation: Conversation,
    body: str,
    *,
    at: datetime | None = None,
    deliver: bool = True,
    coach_result: Any = None,
    override: bool = False,
) -> Message:
    """Record a reply to the customer and queue its delivery (after commit).

    `at` and `deliver=False` are for importing history (the demo, migrations
    from another desk): the reply is recorded as sent then, not delivered.
    `coach_result` (a playbook CoachResult or its to_dict()) with
    `override=True`: the agent sent it despite blocking findings; the
    override goes to the audit log with the findings it overrode.
    """
    body = _check_body(body)
    now = at or timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        channel=conversation.channel,
        direction=Direction.OUT,
        author=agent,
        body=body,
        sent_at=now,
        delivery=Delivery.QUEUED if deliver else Delivery.RECORDED,
    )
    fields = ["awaiting_reply", "last_outbound_at", "updated_at"]
    conversation.awaiting_reply = False
    conversation.last_outbound_at = now
    if conversation.first_response_at is None:
        conversation.first_response_at = now
        fields.append("first_response_at")
    if conversation.assignee_id is None:
        conversation.assignee = agent
        fields.append("assignee")
    conversation.save(update_fields=fields)
    log_event(EventKind.REPLY_SENT, actor=agent, conversation=conversation, message=message.pk)
    blocking = _blocking(coach_result)
    if override and blocking:
        log_event(
            EventKind.COACH_OVERRIDE,
            actor=agent,
            conversation=conversation,
            message=message.pk,
            score=_coach_dict(coach_result).get("score"),
            findings=blocking,
        )
    from calmdesk.actions.escalation import on_reply  # issue 6: promises, boundary, SLA

    on_reply(message)
    if deliver:
        # The outbox row is written in this transaction: a reply that is
        # stored is a reply that will be sent (the outbox job retries it).
        from calmdesk.actions.delivery import DeliveryError, outbox_for_reply
        from calmdesk.jobs import queue_delivery

        # e.g. no address: recorded as failed by the delivery job, shown to the agent
        with contextlib.suppress(DeliveryError):
            outbox_for_reply(message)
        transaction.on_commit(lambda: queue_delivery(message.pk))
    return message


def _coach_dict(result: Any) -> dict:
    if result is None:
        return {}
    return result if isinstance(result, dict) else result.to_dict()


def _blocking(result: Any) -> list[dict]:
    """The blocking findings of a coach verdict, as the audit log keeps them."""
    return [
        {k: f.get(k) for k in ("kind", "rule", "text", "start", "end")}
        for f in _coach_dict(result).get("findings", [])
        if f.get("severity") == "blocking"
    ]


@transaction.atomic
def do_add_note(
    agent: Agent, conversation: Conversation, body: str, *, at: datetime | None = None
) -> Message:
    """An internal note: seen by the team, never sent to the customer."""
    body = _check_body(body)
    message = Message.objects.create(
        conversation=conversation,
        channel=conversation.channel,
        direction=Direction.NOTE,
        author=agent,
        body=body,
        sent_at=at or timezone.now(),
    )
    log_event(EventKind.NOTE_ADDED, actor=agent, conversation=conversation, message=message.pk)
    return message


@transaction.atomic
def do_assign(
    actor: Agent, conversation: Conversation, assignee: Agent | None, team: Team | None = None
) -> Conversation:
    """Give the conversation to an agent (or nobody) and optionally another team."""
    team = team or conversation.team
    if (
        assignee is not None
        and not assignee.sees_all_teams
        and not assignee.teams.filter(pk=team.pk).exists()
    ):
        raise PermissionDenied(f"{assignee.name} is not on the {team.name} team.")
    before = {"assignee": conversation.assignee_id, "team": conversation.team_id}
    conversation.assignee = assignee
    conversation.team = team
    conversation.save(update_fields=["assignee", "team", "updated_at"])
    log_event(
        EventKind.CONVERSATION_ASSIGNED,
        actor=actor,
        conversation=conversation,
        before=before,
        after={"assignee": getattr(assignee, "pk", None), "team": team.pk},
    )
    return conversation


@transaction.atomic
def do_set_status(
    actor: Agent | None, conversation: Conversation, status: str, *, at: datetime | None = None
) -> Conversation:
    """Change the status. `at` records history (an import, the demo): the
    resolution is dated then, and no follow-up is planned for it."""
    if status not in Status.values:
        raise ValidationError(f"Unknown status {status!r}.")
    if conversation.status == status:
        return conversation
    before = {"status": conversation.status}
    conversation.status = status
    fields = ["status", "updated_at"]
    if status in (Status.RESOLVED, Status.CLOSED):
        conversation.resolved_at = at or timezone.now()
        conversation.awaiting_reply = False
        fields += ["resolved_at", "awaiting_reply"]
    conversation.save(update_fields=fields)
    log_event(
        EventKind.CONVERSATION_STATUS,
        actor=actor,
        conversation=conversation,
        before=before,
        after={"status": status},
    )
    from calmdesk.actions.escalation import on_status  # issue 6: de-escalate, SLA

    on_status(actor, conversation)
    if status in (Status.RESOLVED, Status.CLOSED) and at is None:
        from calmdesk.actions.followup import do_plan_follow_up  # issue 7; idempotent

        transaction.on_commit(lambda: do_plan_follow_up(conversation))
    return conversation


@transaction.atomic
def do_set_framework_step(actor: Agent, conversation: Conversation, step: int) -> Conversation:
    """Set the framework step by hand (1-6, in the policy's order), or 0 to let
    the playbook infer it again from the replies (issue 5)."""
    from calmdesk.playbook import STEP_KEYS

    if not isinstance(step, int) or not 0 <= step <= len(STEP_KEYS):
        raise ValidationError(f"Unknown framework step {step!r}.")
    if conversation.framework_step == step:
        return conversation
    before = {"framework_step": conversation.framework_step}
    conversation.framework_step = step
    conversation.save(update_fields=["framework_step", "updated_at"])
    log_event(
        EventKind.FRAMEWORK_STEP_SET,
        actor=actor,
        conversation=conversation,
        before=before,
        after={"framework_step": step, "step": STEP_KEYS[step - 1] if step else None},
    )
    return conversation
