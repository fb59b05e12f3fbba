"""Hand-over with a brief: drafted from the playbook, editable, acknowledged by the receiver.

The conversation stays with its owner until the receiver has read the brief
and acknowledged it; then it is assigned to them and (unless the sender
unticked it) the customer receives the policy's continuity message from
them, so they never have to repeat themselves.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from calmdesk.actions.conversations import do_assign, do_reply
from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import notify
from calmdesk.models import (
    Agent,
    Commitment,
    CommitmentState,
    Compensation,
    Conversation,
    Handoff,
    HandoffState,
    Role,
    Team,
)
from calmdesk.playbook import Brief, Policy, brief, load_policy
from calmdesk.playbook.handover import continuity_message
from calmdesk.playbook.views import CommitmentView, CompensationView

MAX_BRIEF = 20_000
_VIEW_STATE = {"pending": "proposed", "declined": "rejected", "withdrawn": "rejected"}


def commitment_views(conversation: Conversation) -> list[CommitmentView]:
    rows = (
        Commitment.objects.filter(conversation=conversation)
        .exclude(state=CommitmentState.CANCELLED)
        .select_related("owner__user")
    )
    return [
        CommitmentView(r.text, r.due_at, r.state, r.owner.name if r.owner else "") for r in rows
    ]


def compensation_views(conversation: Conversation) -> list[CompensationView]:
    rows = Compensation.objects.filter(conversation=conversation).select_related("decided_by__user")
    return [
        CompensationView(
            r.kind,
            float(r.amount),
            r.currency,
            _VIEW_STATE.get(r.state, r.state),
            r.decided_by.name if r.decided_by and r.state != "rejected" else "",
        )
        for r in rows
    ]


def draft_brief(conversation: Conversation, policy: Policy | None = None) -> Brief:
    """The playbook's hand-over brief, with the promise ledger and compensation records."""
    from calmdesk.services.playbook_views import conversation_view

    policy = policy or load_policy()
    return brief(
        conversation_view(conversation),
        policy,
        commitment_views(conversation),
        compensation_views(conversation),
        now=timezone.now(),
    )


def may_receive(agent: Agent, handoff: Handoff) -> bool:
    if handoff.to_agent_id is not None:
        return agent.pk == handoff.to_agent_id
    return agent.sees_all_teams or agent.teams.filter(pk=handoff.to_team_id).exists()


@transaction.atomic
def do_request_handoff(
    actor: Agent,
    conversation: Conversation,
    *,
    to_agent: Agent | None = None,
    to_team: Team | None = None,
    brief_text: str = "",
    reason: str = "",
    send_continuity: bool = True,
    policy: Policy | None = None,
) -> Handoff:
    """Offer the conversation to an agent (or a team) with a brief; pending until acknowledged."""
    team = to_team or conversation.team
    if to_agent is None and to_team is None:
        raise ValidationError("Choose who takes the conversation over.")
    if to_agent is not None:
        if to_agent.pk == conversation.assignee_id:
            raise ValidationError(f"{to_agent.name} already has this conversation.")
        if not to_agent.sees_all_teams and not to_agent.teams.filter(pk=team.pk).exists():
            raise PermissionDenied(f"{to_agent.name} is not on the {team.name} team.")
    drafted = draft_brief(conversation, policy)
    text = (brief_text or "").strip() or drafted.to_text()
    if len(text) > MAX_BRIEF:
        raise ValidationError(f"The brief is over {MAX_BRIEF:,} characters.")
    try:
        with transaction.atomic():
            handoff = Handoff.objects.create(
                conversation=conversation,
                from_agent=actor,
                to_agent=to_agent,
                to_team=team,
                reason=" ".join(reason.split())[:300],
                brief=drafted.to_dict(),
                brief_text=text,
                send_continuity=send_continuity,
            )
    except IntegrityError:
        raise ValidationError("A hand-over of this conversation is already waiting.") from None
    log_event(
        EventKind.HANDOFF_REQUESTED,
        actor=actor,
        conversation=conversation,
        handoff=handoff.pk,
        to_agent=getattr(to_agent, "pk", None),
        to_team=team.pk,
    )
    if to_agent is not None:
        recipients = [to_agent]
    else:
        recipients = list(
            Agent.objects.filter(teams=team, user__is_active=True, role__in=[Role.AGENT, Role.LEAD])
        )
    who = conversation.customer.name or f"conversation #{conversation.pk}"
    notify(
        recipients,
        "handoff.requested",
        f"{actor.name} hands over {who} to you",
        f"Read the brief and acknowledge it to take the conversation. {handoff.reason}".strip(),
        conversation=conversation,
        url=f"/escalation/handoffs/{handoff.pk}/",
    )
    return handoff


def _pending(handoff: Handoff) -> Handoff:
    row = (
        Handoff.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .get(pk=handoff.pk)
    )
    if row.state != HandoffState.PENDING:
        raise ValidationError("This hand-over is no longer waiting.")
    return row


@transaction.atomic
def do_acknowledge_handoff(
    agent: Agent, handoff: Handoff, *, policy: Policy | None = None
) -> Handoff:
    """The receiver has read the brief: the conversation is theirs; the customer is told."""
    handoff = _pending(handoff)
    if not may_receive(agent, handoff):
        raise PermissionDenied("This hand-over is for someone else.")
    conversation = Conversation.objects.select_for_update(of=("self",)).get(
        pk=handoff.conversation_id
    )
    do_assign(agent, conversation, agent, handoff.to_team)
    now = timezone.now()
    handoff.state, handoff.decided_at, handoff.decided_by = HandoffState.ACCEPTED, now, agent
    fields = ["state", "decided_at", "decided_by"]
    if handoff.send_continuity:
        from calmdesk.services.playbook_views import agent_view, conversation_view

        text = continuity_message(
            conversation_view(conversation), policy or load_policy(), agent_view(agent), now
        )
        handoff.continuity_message = do_reply(agent, conversation, text)
        fields.append("continuity_message")
    handoff.save(update_fields=fields)
    Commitment.objects.filter(conversation=conversation, state=CommitmentState.OPEN).update(
        owner=agent
    )
    log_event(
        EventKind.HANDOFF_ACCEPTED, actor=agent, conversation=conversation, handoff=handoff.pk
    )
    if handoff.from_agent:
        notify(
            [handoff.from_agent],
            "handoff.accepted",
            f"{agent.name} took over {conversation.customer.name or conversation.pk}",
            conversation=conversation,
            email=False,
            chat=False,
        )
    return handoff


@transaction.atomic
def do_decline_handoff(agent: Agent, handoff: Handoff, reason: str) -> Handoff:
    handoff = _pending(handoff)
    if not may_receive(agent, handoff):
        raise PermissionDenied("This hand-over is for someone else.")
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise ValidationError("Say why you cannot take it, so it goes to the right person.")
    handoff.state, handoff.decided_at, handoff.decided_by = (
        HandoffState.DECLINED,
        timezone.now(),
        agent,
    )
    handoff.decline_reason = reason
    handoff.save(update_fields=["state", "decided_at", "decided_by", "decline_reason"])
    log_event(
        EventKind.HANDOFF_DECLINED,
        actor=agent,
        conversation=handoff.conversation,
        handoff=handoff.pk,
        reason=reason,
    )
    if handoff.from_agent:
        notify(
            [handoff.from_agent],
            "handoff.declined",
            f"{agent.name} cannot take it over",
            reason,
            conversation=handoff.conversation,
        )
    return handoff


@transaction.atomic
def do_cancel_handoff(agent: Agent, handoff: Handoff) -> Handoff:
    handoff = _pending(handoff)
    if agent.pk != handoff.from_agent_id and agent.role == Role.AGENT:
        raise PermissionDenied("Only the sender or a lead can cancel a hand-over.")
    handoff.state, handoff.decided_at, handoff.decided_by = (
        HandoffState.CANCELLED,
        timezone.now(),
        agent,
    )
    handoff.save(update_fields=["state", "decided_at", "decided_by"])
    log_event(
        EventKind.HANDOFF_CANCELLED,
        actor=agent,
        conversation=handoff.conversation,
        handoff=handoff.pk,
    )
    return handoff
