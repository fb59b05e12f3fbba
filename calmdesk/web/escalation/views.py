"""The manager's pages: the escalation queue, approvals, boundaries and exposure.

Leads see their teams; managers and admins see all. Read-only; each page a
fixed number of queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from calmdesk.access import visible_conversations
from calmdesk.actions.abuse import held_messages
from calmdesk.models import (
    AbuseWarning,
    Agent,
    Commitment,
    CommitmentState,
    Compensation,
    CompensationState,
    ContactBlock,
    EscalationLevel,
    ShiftExposure,
    SlaState,
    Status,
    WarningStage,
    WarningState,
)
from calmdesk.playbook import load_policy
from calmdesk.playbook.sla import time_left
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.sparkline import sparkline

ACTIVE = (Status.OPEN, Status.PENDING)
LIMIT = 100
EXPOSURE_DAYS = 14


def _agents(agent: Agent):
    qs = Agent.objects.select_related("user").filter(user__is_active=True)
    if not agent.sees_all_teams:
        qs = qs.filter(teams__in=agent.teams.all()).distinct()
    return qs


def _exposure_now(agent: Agent, policy) -> list[ShiftExposure]:
    """Each visible agent's current shift, one row per agent, most exposed first.

    Shifts recorded before they could not overlap may still overlap: of an
    agent's current shifts, the latest started is shown, as in current_shift.
    """
    now = timezone.now()
    rows = (
        ShiftExposure.objects.filter(agent__in=_agents(agent), started_at__lte=now, ends_at__gt=now)
        .select_related("agent__user")
        .order_by("started_at")
    )
    shifts = sorted({s.agent_id: s for s in rows}.values(), key=lambda s: -s.hostile)
    for s in shifts:
        s.over = s.hostile >= policy.wellbeing.hostile_per_shift
    return shifts


@require_safe
@agent_required(roles=SUPERVISORS)
def queue(request):
    agent, policy, now = request.agent, load_policy(), timezone.now()
    visible = visible_conversations(agent)
    escalated = list(
        visible.filter(status__in=ACTIVE)
        .exclude(escalation_level=EscalationLevel.NONE)
        .select_related("customer", "team", "assignee__user")
        .order_by("-escalation_level", "-priority", "escalated_at")[:LIMIT]
    )
    for c in escalated:
        c.time_left = time_left(c.sla_due_at, now)
    breached = list(
        visible.filter(status__in=ACTIVE, sla_state=SlaState.BREACHED, escalation_level="none")
        .select_related("customer", "team", "assignee__user")
        .order_by("sla_due_at")[:LIMIT]
    )
    broken = list(
        Commitment.objects.filter(
            conversation__in=visible, state=CommitmentState.BROKEN, conversation__status__in=ACTIVE
        )
        .select_related("conversation__customer", "owner__user")
        .order_by("-due_at")[:LIMIT]
    )
    pending = Compensation.objects.filter(conversation__in=visible, state=CompensationState.PENDING)
    decisions = list(
        AbuseWarning.objects.filter(
            conversation__in=visible,
            stage=WarningStage.FINAL,
            state=WarningState.SENT,
            conversation__status__in=ACTIVE,
        )
        .select_related("conversation__customer")
        .order_by("-created_at")[:LIMIT]
    )
    context = {
        "agent": agent,
        "nav": "escalation",
        "escalated": escalated,
        "breached": breached,
        "broken": broken,
        "pending_count": pending.count(),
        "pending": list(pending.select_related("conversation__customer", "proposed_by__user")[:5]),
        "decisions": decisions,
        "exposure": _exposure_now(agent, policy),
        "threshold": policy.wellbeing.hostile_per_shift,
    }
    return render(request, "calmdesk/escalation/queue.html", context)


@require_safe
@agent_required(roles=SUPERVISORS)
def approvals(request):
    agent = request.agent
    visible = visible_conversations(agent)
    rows = list(
        Compensation.objects.filter(conversation__in=visible)
        .filter(
            Q(state=CompensationState.PENDING)
            | Q(decided_at__gte=timezone.now() - timedelta(days=7))
        )
        .select_related("conversation__customer", "proposed_by__user", "decided_by__user")
        .order_by("-state", "-created_at")[:LIMIT]
    )
    context = {
        "agent": agent,
        "nav": "escalation",
        "pending": [r for r in rows if r.state == CompensationState.PENDING],
        "decided": [r for r in rows if r.state != CompensationState.PENDING],
        "symbol": load_policy().compensation.symbol,
    }
    return render(request, "calmdesk/escalation/approvals.html", context)


@require_safe
@agent_required(roles=SUPERVISORS)
def boundaries(request):
    agent = request.agent
    visible = visible_conversations(agent)
    blocks = list(
        ContactBlock.objects.filter(conversation__in=visible)
        .select_related("customer", "conversation", "decided_by__user", "lifted_by__user")
        .order_by("-starts_at")[:50]
    )
    for b in blocks:
        b.held = held_messages(b)
    warnings = list(
        AbuseWarning.objects.filter(conversation__in=visible)
        .select_related("conversation__customer", "message")
        .order_by("-created_at")[:LIMIT]
    )
    context = {
        "agent": agent,
        "nav": "escalation",
        "blocks": blocks,
        "warnings": warnings,
        "now": timezone.now(),
    }
    return render(request, "calmdesk/escalation/boundaries.html", context)


@require_safe
@agent_required(roles=SUPERVISORS)
def exposure(request):
    agent, policy = request.agent, load_policy()
    today = timezone.now().date()
    start = today - timedelta(days=EXPOSURE_DAYS - 1)
    agents = list(_agents(agent).filter(role__in=["agent", "lead"]))
    shifts = ShiftExposure.objects.filter(agent__in=agents, started_at__date__gte=start)
    per: dict[int, list[int]] = {a.pk: [0] * EXPOSURE_DAYS for a in agents}
    over: dict[int, int] = {a.pk: 0 for a in agents}
    for s in shifts.values("agent_id", "started_at", "hostile"):
        i = (s["started_at"].date() - start).days
        if 0 <= i < EXPOSURE_DAYS:
            per[s["agent_id"]][i] += s["hostile"]
            over[s["agent_id"]] += s["hostile"] >= policy.wellbeing.hostile_per_shift
    now = {s.agent_id: s for s in _exposure_now(agent, policy)}
    threshold = policy.wellbeing.hostile_per_shift
    rows = [
        {
            "agent": a,
            "days": per[a.pk],
            "total": sum(per[a.pk]),
            "over": over[a.pk],
            "spark": sparkline(
                [min(100, 100 * v // (2 * threshold)) for v in per[a.pk]],
                label="Hostile conversations per day",
            ),
            "now": now.get(a.pk),
        }
        for a in agents
    ]
    rows.sort(key=lambda r: (-r["total"], r["agent"].name))
    context = {
        "agent": agent,
        "nav": "escalation",
        "rows": rows,
        "days": EXPOSURE_DAYS,
        "threshold": policy.wellbeing.hostile_per_shift,
        "start": start,
    }
    return render(request, "calmdesk/escalation/exposure.html", context)
