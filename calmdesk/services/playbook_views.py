"""ConversationView / AgentView for calmdesk.playbook, built from the models in a few queries."""

from __future__ import annotations

from calmdesk.analysis.types import Assessment
from calmdesk.models import Agent, Conversation, Direction, IdentityKind
from calmdesk.playbook.schema import STEP_KEYS
from calmdesk.playbook.views import (
    AgentView,
    ConversationView,
    CustomerView,
    LocationView,
    MessageView,
)


def agent_view(agent: Agent | None) -> AgentView | None:
    if agent is None:
        return None
    from calmdesk.actions.wellbeing import hostile_this_shift

    return AgentView(name=agent.name, role=agent.role, hostile_this_shift=hostile_this_shift(agent))


def conversation_view(conversation: Conversation | int) -> ConversationView:
    """The playbook's view of one conversation; LookupError when there is none."""
    if not isinstance(conversation, Conversation):
        found = (
            Conversation.objects.select_related("customer", "team", "location")
            .filter(pk=conversation)
            .first()
        )
        if found is None:
            raise LookupError(f"no conversation {conversation}")
        conversation = found
    customer = conversation.customer
    identities = {}
    for kind, value in customer.identities.values_list("kind", "value"):
        identities.setdefault(kind, value)
    messages = [
        MessageView(
            direction=m.direction,
            body=m.body,
            sent_at=m.sent_at,
            assessment=Assessment.from_dict(m.assessment) if m.assessment else None,
            author_name=m.author.name if m.author else "",
        )
        for m in conversation.messages.select_related("author__user").order_by("sent_at", "id")
    ]
    location = conversation.location
    return ConversationView(
        id=conversation.pk,
        channel=conversation.channel,
        subject=conversation.subject,
        customer=CustomerView(
            name=customer.name,
            email=identities.get(IdentityKind.EMAIL, ""),
            phone=identities.get(IdentityKind.PHONE, ""),
            handle=identities.get(IdentityKind.HANDLE, ""),
            vip=customer.vip,
            **_history(conversation, messages),  # issue 6: habitual, past compensation, contacts
        ),
        messages=messages,
        level=conversation.level,
        difficulty=conversation.difficulty,
        team_timezone=conversation.team.timezone,
        sla_breached=conversation.sla_state == "breached",
        abuse_warnings=conversation.abuse_warnings.filter(state="sent").count(),
        escalation_level=conversation.escalation_level,
        step_override=_step_override(conversation),
        team_name=conversation.team.name,
        location=(
            LocationView(
                name=location.name, contact=location.contact_email or location.contact_phone
            )
            if location
            else None
        ),
    )


def _step_override(conversation: Conversation) -> str | None:
    """framework_step as the playbook's step key: 1-6 is the agent's choice, 0 none."""
    step = conversation.framework_step or 0
    return STEP_KEYS[step - 1] if 1 <= step <= len(STEP_KEYS) else None


def _history(conversation: Conversation, messages: list[MessageView]) -> dict:
    """CustomerView fields from the escalation area: habitual, past compensations, contacts."""
    from calmdesk.actions.compensation import customer_history, judge_history
    from calmdesk.actions.escalation import contact_count

    history = customer_history(conversation.customer)
    inbound = max(1, sum(m.direction == Direction.IN for m in messages))
    return {
        "habitual": judge_history(history).habitual,
        "past_compensations": history.compensations,
        "contact_count": max(inbound, contact_count(conversation, messages)),
    }
