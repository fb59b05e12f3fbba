"""The customer card (every identity, past conversation, difficulty history, notes)
and merging two records of the same person (leads, managers and admins).

An agent sees a customer's conversations in their own teams; conversations
with other teams are counted, not shown. A conversation is dated by when the
customer first wrote (`started_at`; imported history keeps its own dates),
or by when the desk stored it while it has no inbound message yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from calmdesk import actions
from calmdesk.access import access_customer, visible_conversations, visible_customers
from calmdesk.intake.types import InboundError
from calmdesk.models import Agent, Conversation, Customer, Direction, Identity, Message
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.sparkline import sparkline

HISTORY = 50  # conversations listed on the card
SPARK_POINTS = 30
RECENT_NOTES = 5


def began_at():
    """When a conversation began: its first inbound message, else when it was stored."""
    return Coalesce("started_at", "created_at")


@dataclass
class Card:
    customer: Customer
    identities: list[Identity]
    conversations: list[Conversation]
    hidden: int  # conversations with teams this agent does not see
    since: datetime  # when the customer's earliest conversation began
    spark: str
    notes: list[Message]


def customer_card(agent: Agent, customer: Customer, current: Conversation | None = None) -> Card:
    """Everything the agent should know about this customer; a fixed number of queries."""
    mine = visible_conversations(agent).filter(customer=customer)
    conversations = list(
        mine.select_related("team", "assignee__user")
        .annotate(began_at=began_at())
        .order_by("-began_at", "-id")[:HISTORY]
    )
    # Over all the customer's conversations, in one query: how many this agent
    # does not see, and when the first one began (the customer's "since").
    totals = Conversation.objects.filter(customer=customer).aggregate(
        hidden=Count("pk", filter=~Q(pk__in=mine.values("pk"))), since=Min(began_at())
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
        hidden=totals["hidden"],
        since=totals["since"] or customer.created_at,
        spark=sparkline(values[::-1]),
        notes=notes,
    )


@require_safe
@agent_required
def customer_page(request, pk: int):
    agent = request.agent
    customer = access_customer(agent, pk)
    return render(request, "calmdesk/customer.html", _page_context(agent, customer))


def _page_context(agent: Agent, customer: Customer, **extra) -> dict:
    return {
        "agent": agent,
        "card": customer_card(agent, customer),
        "can_merge": agent.role in SUPERVISORS,
        **extra,
    }


def _find_other(agent: Agent, value: str) -> Customer | None:
    """The customer to merge: by number, or by one of their email/phone/handle values.

    None when no customer the agent may see matches: one on a team they are
    not on is not found either, so the answer reveals nothing.
    """
    customers = visible_customers(agent)
    number = _as_id(value.lstrip("#"))
    if number is not None:
        return customers.filter(pk=number).first()
    return customers.filter(identities__value__iexact=value.lstrip("#")).first()


def _as_id(text: str) -> int | None:
    """A row id typed or posted as text; None when it is not one (or too large for one)."""
    return int(text) if text.isdecimal() and len(text) <= 18 else None


def _merge_failed(request, keep: Customer, back: Conversation | None, value: str, error: str):
    """The customer page again, with the merge form's error and its input kept.

    From a conversation's card, the form keeps that conversation, so the
    next try goes back to it.
    """
    context = _page_context(
        request.agent,
        keep,
        merge_error=error,
        merge_value=value,
        from_conversation=back.pk if back else None,
    )
    return render(request, "calmdesk/customer.html", context, status=400)


@require_POST
@agent_required(roles=SUPERVISORS)
def merge(request, pk: int):
    """Merge another record of the same person into this customer."""
    agent = request.agent
    keep = access_customer(agent, pk)
    value = request.POST.get("other", "").strip()[:300]
    # The conversation page the form was posted from (only one of this customer's).
    back_id = _as_id(request.POST.get("conversation", ""))
    back = (
        visible_conversations(agent).filter(pk=back_id, customer=keep).first()
        if back_id is not None
        else None
    )
    if not value.lstrip("#"):
        return _merge_failed(
            request, keep, back, value, "Enter the customer number, email or phone to merge."
        )
    other = _find_other(agent, value)
    if other is None:
        return _merge_failed(request, keep, back, value, f"No customer matches {value}.")
    try:
        actions.do_merge_customers(agent, keep=keep, merge=other)
    except (ValueError, InboundError) as exc:
        message = str(exc)
        return _merge_failed(request, keep, back, value, message[:1].upper() + message[1:] + ".")
    messages.success(request, f"Merged {other} into {keep}.")
    target = (
        reverse("conversation", args=[back.pk]) if back else reverse("customer", args=[keep.pk])
    )
    return redirect(target)
