"""ConversationView / AgentView for calmdesk.playbook, built from the models in a few queries."""

from __future__ import annotations

from calmdesk.analysis.types import Assessment
from calmdesk.models import Agent, Conversation, Direction, IdentityKind
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
    return AgentView(name=agent.name, role=agent.role)


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
            contact_count=max(1, sum(m.direction == Direction.IN for m in messages)),
        ),
        messages=messages,
        level=conversation.level,
        difficulty=conversation.difficulty,
        team_timezone=conversation.team.timezone,
        team_name=conversation.team.name,
        location=(
            LocationView(name=location.name, contact=location.contact_email or location.contact_phone)
            if location
            else None
        ),
    )
