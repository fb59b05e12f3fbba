"""The team page: service figures (from the SLA, escalation and follow-up areas)
and post-hoc QA of every reply, per agent, with the findings seen most often."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from calmdesk.access import visible_conversations
from calmdesk.insights import charts, team
from calmdesk.insights.base import Window
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.insights import tables
from calmdesk.web.insights.views import _context

TEAM_WEEKS = 4


def team_data(agent, weeks: int = TEAM_WEEKS):
    visible = visible_conversations(agent)
    now = timezone.now()
    start = now - timedelta(weeks=weeks)
    figures = team.service_figures(visible, start, now)
    agents, findings, total = team.qa_by_agent(visible, start, now)
    labels = team.finding_labels(findings)
    # The drill-down lists use whole weeks; the figures here use the last 4 x 7 days.
    drill_weeks = Window.last(weeks, now)
    return {
        "figures": figures,
        "qa_agents": agents,
        "service": tables.service_table(figures, weeks),
        "qa": tables.qa_table(agents, weeks, labels),
        "findings": tables.findings_table(findings, total, weeks, labels),
        "reviewed": total,
        "since": start,
        "drill_weeks": drill_weeks,
    }


@require_safe
@agent_required(roles=SUPERVISORS)
def team_page(request):
    data = team_data(request.agent)
    agents = data["qa_agents"]
    chart = charts.score_bands(
        "chart-qa",
        "Coach scores of every reply, per agent",
        [a.name for a in agents],
        [(label, [a.bands[key] for a in agents]) for key, label, *_ in team.BANDS],
    )
    return render(
        request,
        "calmdesk/insights/team.html",
        _context(
            request,
            chart=chart,
            charts=[chart] if agents else [],
            tab="team",
            weeks=TEAM_WEEKS,
            **data,
        ),
    )
