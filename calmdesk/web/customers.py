"""The customer card (every identity, past conversation, difficulty history, notes)
and merging two records of the same person (leads, managers and admins).

An agent sees a customer's conversations in their own teams; conversations
with other teams are counted, not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from calmdesk import actions
from calmdesk.access import access_customer, visible_conversations, visible_customers
from calmdesk.intake.types import InboundError
from calmdesk.models import Agent, Conversation, Customer, Direction, Identity, Message
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.sparkline import sparkline

HISTORY = 50  # conversations listed on the card
SPARK_POINTS = 30
RECENT_NOTES = 5


@dataclass
class Card:
    customer: Customer
    identities: list[Identity]
    conversations: list[Conversation]
    hidden: int  # conversations with teams this agent does not see
    spark: str
    notes: list[Message]


def customer_card(agent: Agent, customer: Customer, current: Conversation | None = None) -> Card:
    """Everything the agent should know about this customer; a fixed number of queries."""
    mine = visible_conversations(agent).filter(customer=customer)
    conversations = list(
        mine.select_related("team", "assignee__user").order_by("-created_at", "-id")[:HISTORY]
    )
    hidden = (
        Conversation.objects.filter(customer=customer).exclude(pk__in=mine.values("pk")).count()
    )
    values = list(
        Message.objects.filter(
            conversation__in=mine.values("pk"), direction=Direction.IN, difficulty__isnull=False
        )
        .order_by("-sent_at", "-id")
        .values_list("difficulty", flat=True)[:SPARK_POINTS]
    )
    notes = list(
        Message.objects.filter(conversation__in=mine.values("pk"), direction=Direction.NOTE)
        .select_related("author__user", "conversation")
        .order_by("-sent_at", "-id")[:RECENT_NOTES]
    )
    for c in conversations:
        c.is_current = current is not None and c.pk == current.pk
    return Card(
        customer=customer,
        identities=list(customer.identities.order_by("kind", "value")),
        conversations=conversations,
        hidden=hidden,
        spark=sparkline(values[::-1]),
        notes=notes,
    )


@require_GET
@agent_required
def customer_page(request, pk: int):
    agent = request.agent
    customer = access_customer(agent, pk)
    context = {
        "agent": agent,
        "card": customer_card(agent, customer),
        "can_merge": agent.role in SUPERVISORS,
    }
    return render(request, "calmdesk/customer.html", context)


def _find_other(agent: Agent, value: str) -> Customer:
    """The customer to merge: by number, or by one of their email/phone/handle values."""
    value = value.strip().lstrip("#")
    customers = visible_customers(agent)
    if value.isdigit():
        found = customers.filter(pk=int(value)).first()
    else:
        found = customers.filter(identities__value__iexact=value).first()
    if found is None:
        raise Http404("No such customer.")
    return found


@require_POST
@agent_required(roles=SUPERVISORS)
def merge(request, pk: int):
    """Merge another record of the same person into this customer."""
    agent = request.agent
    keep = access_customer(agent, pk)
    other = _find_other(agent, request.POST.get("other", ""))
    back = request.POST.get("conversation", "")
    target = (
        reverse("conversation", args=[int(back)])
        if back.isdigit()
        else reverse("customer", args=[keep.pk])
    )
    try:
        actions.do_merge_customers(agent, keep=keep, merge=other)
    except (ValueError, InboundError) as exc:
        messages.error(request, str(exc))
        return redirect(target)
    messages.success(request, f"Merged {other} into {keep}.")
    return redirect(target)
