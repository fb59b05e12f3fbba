"""Who may see what. Every page and API call fetches through these.

Agents and leads see their teams' conversations; managers and admins see
all. A conversation the user may not see does not exist for them (404),
so ids never leak.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from calmdesk.models import Agent, Conversation, Customer, Role


def agent_for(user) -> Agent | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.agent
    except Agent.DoesNotExist:
        return None


def visible_conversations(agent: Agent) -> QuerySet[Conversation]:
    qs = Conversation.objects.all()
    if agent.sees_all_teams:
        return qs
    return qs.filter(team__in=agent.teams.all())


def visible_customers(agent: Agent) -> QuerySet[Customer]:
    qs = Customer.objects.filter(merged_into__isnull=True)
    if agent.sees_all_teams:
        return qs
    return qs.filter(conversations__team__in=agent.teams.all()).distinct()


def access_conversation(agent: Agent, conversation_id: int) -> Conversation:
    conversation = (
        visible_conversations(agent)
        .select_related("customer", "team", "assignee__user", "location")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def access_customer(agent: Agent, customer_id: int) -> Customer:
    customer = visible_customers(agent).filter(pk=customer_id).first()
    if customer is None:
        raise Http404("No such customer.")
    return customer


def is_manager(agent: Agent) -> bool:
    return agent.role in (Role.MANAGER, Role.ADMIN)


def is_admin(agent: Agent) -> bool:
    return agent.role == Role.ADMIN
