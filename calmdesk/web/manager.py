"""The manager view: every team at a glance, the hard conversations nobody has
answered, and how much each agent carries. Managers and admins see all teams;
a lead sees the teams they lead. Read-only; a fixed number of queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from calmdesk.access import visible_conversations
from calmdesk.models import Agent, Direction, Level, Message, Status
from calmdesk.web import queue
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.format import duration, first_line, waiting

ACTIVE = (Status.OPEN, Status.PENDING)
HARD = (Level.HOSTILE, Level.DIFFICULT)
UNANSWERED_LIMIT = 100


def _teams(visible):
    rows = (
        visible.filter(status__in=ACTIVE)
        .order_by("team__name")
        .values("team_id", "team__name", "team__slug")
        .annotate(
            active=Count("id"),
            unanswered=Count("id", filter=Q(awaiting_reply=True)),
            hostile=Count("id", filter=Q(level=Level.HOSTILE)),
            difficult=Count("id", filter=Q(level=Level.DIFFICULT)),
            unassigned=Count("id", filter=Q(assignee__isnull=True)),
            oldest=Min("last_inbound_at", filter=Q(awaiting_reply=True)),
        )
    )
    now = timezone.now()
    out = []
    for row in rows:
        row["oldest_wait"] = (
            duration((now - row["oldest"]).total_seconds()) if row["oldest"] else ""
        )
        row["href"] = reverse_inbox(team=row["team__slug"])
        out.append(row)
    return out


def reverse_inbox(**filters) -> str:
    return reverse("inbox") + queue.Filters().query(**filters)


def _unanswered(visible):
    conversations = list(
        visible.filter(status__in=ACTIVE, awaiting_reply=True, level__in=HARD)
        .select_related("customer", "team", "assignee__user")
        .annotate(level_rank=queue.LEVEL_RANK_EXPR, first_line=queue.first_line_subquery())
        .order_by(*queue.PRIORITY)[:UNANSWERED_LIMIT]
    )
    now = timezone.now()
    for c in conversations:
        c.waiting = waiting(c, now)
        c.summary = c.subject or first_line(c.first_line)
    return conversations


def _load(agent: Agent):
    agents = Agent.objects.select_related("user").filter(user__is_active=True)
    if not agent.sees_all_teams:
        agents = agents.filter(teams__in=agent.teams.all()).distinct()
    since = timezone.now() - timedelta(hours=24)
    replies = (
        Message.objects.filter(author=OuterRef("pk"), direction=Direction.OUT, sent_at__gte=since)
        .order_by()
        .values("author")
        .annotate(n=Count("id"))
        .values("n")
    )
    active = Q(assigned_conversations__status__in=ACTIVE)
    return list(
        agents.annotate(
            active=Count("assigned_conversations", filter=active),
            hard=Count(
                "assigned_conversations",
                filter=active & Q(assigned_conversations__level__in=HARD),
            ),
            waiting=Count(
                "assigned_conversations",
                filter=active & Q(assigned_conversations__awaiting_reply=True),
            ),
            replies_24h=Coalesce(Subquery(replies, output_field=IntegerField()), 0),
        ).order_by("-hard", "-active", "user__username")
    )


@require_safe
@agent_required(roles=SUPERVISORS)
def manager(request):
    agent = request.agent
    visible = visible_conversations(agent)
    context = {
        "agent": agent,
        "teams": _teams(visible),
        "unanswered": _unanswered(visible),
        "load": _load(agent),
        "scope": "All teams" if agent.sees_all_teams else "Your teams",
        "nav": "manager",
    }
    return render(request, "calmdesk/manager.html", context)
