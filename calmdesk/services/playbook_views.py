"""ConversationView / AgentView for calmdesk.playbook, built from the models in a few queries."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from calmdesk.analysis.types import Assessment
from calmdesk.models import Agent, Conversation, Direction, IdentityKind
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.rules import PARTS, parts_needed
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


def conversation_view(
    conversation: Conversation | int, *, rules: Policy | None = None
) -> ConversationView:
    """The playbook's view of one conversation; LookupError when there is none.

    With `rules`, the view is only good for evaluating that policy's rules:
    the customer's identities are left out, and the costly parts (history,
    contacts, abuse warnings: a few queries each) are loaded only where a
    rule could match on them (playbook.rules.parts_needed), so the rules
    answer exactly as they would on the whole view.
    """
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
    view = ConversationView(
        id=conversation.pk,
        channel=conversation.channel,
        subject=conversation.subject,
        customer=CustomerView(name=customer.name, vip=customer.vip),
        messages=messages,
        level=conversation.level,
        difficulty=conversation.difficulty,
        team_timezone=conversation.team.timezone,
        sla_breached=conversation.sla_state == "breached",
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
    if rules is not None:
        return _with_parts(view, conversation, parts_needed(rules, view))
    identities: dict[str, str] = {}
    for kind, value in customer.identities.values_list("kind", "value"):
        identities.setdefault(kind, value)
    view = replace(
        view,
        customer=replace(
            view.customer,
            email=identities.get(IdentityKind.EMAIL, ""),
            phone=identities.get(IdentityKind.PHONE, ""),
            handle=identities.get(IdentityKind.HANDLE, ""),
        ),
    )
    return _with_parts(view, conversation, PARTS)


def _with_parts(
    view: ConversationView, conversation: Conversation, parts: Collection[str]
) -> ConversationView:
    """`view` with the costly parts named (issue 6: habitual, past compensations,
    contacts, abuse warnings) loaded."""
    from calmdesk.actions.abuse import sent_warnings
    from calmdesk.actions.compensation import customer_history, judge_history
    from calmdesk.actions.escalation import contact_count

    customer: dict = {}
    if "history" in parts:
        history = customer_history(conversation.customer)
        customer["habitual"] = judge_history(history).habitual
        customer["past_compensations"] = history.compensations
    if "contacts" in parts:
        inbound = max(1, sum(m.direction == Direction.IN for m in view.messages))
        customer["contact_count"] = max(inbound, contact_count(conversation, view.messages))
    warnings = {}
    if "abuse_warnings" in parts:
        warnings["abuse_warnings"] = sent_warnings(conversation)
    if not customer and not warnings:
        return view
    return replace(view, customer=replace(view.customer, **customer), **warnings)


def _step_override(conversation: Conversation) -> str | None:
    """framework_step as the playbook's step key: 1-6 is the agent's choice, 0 none."""
    step = conversation.framework_step or 0
    return STEP_KEYS[step - 1] if 1 <= step <= len(STEP_KEYS) else None
