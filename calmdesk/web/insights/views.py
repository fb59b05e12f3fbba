"""The insights pages: patterns, causes, one cause, proposals, and the drill-down list.

Thin: figures come from calmdesk.insights (read-only, fixed query counts);
writes go through calmdesk.actions.insights. Leads, managers and admins see
these pages (a lead sees their teams' data); only managers and admins change
a cause or decide on a proposal.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calmdesk import actions
from calmdesk.access import is_manager, visible_conversations
from calmdesk.insights import charts, loop
from calmdesk.insights.base import Window
from calmdesk.insights.report import overview
from calmdesk.models import (
    Agent,
    CauseProposal,
    CauseStatus,
    ConversationCause,
    ProposalStatus,
    RootCause,
)
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.insights import tables
from calmdesk.web.insights.drill import conversations_behind, weeks_param

TOP_SERIES = 5


def _context(request, **extra) -> dict:
    from calmdesk.web.insights.assets import asset_url

    assets = {
        "plotly": asset_url("plotly.min.js"),
        "charts": asset_url("charts.js"),
        "css": asset_url("insights.css"),
        "plotly_css": asset_url("plotly.css"),
    }
    return {
        "agent": request.agent,
        "nav": "insights",
        "can_decide": is_manager(request.agent),
        "assets": assets,
        **extra,
    }


def overview_data(request):
    return overview(visible_conversations(request.agent), weeks=weeks_param(request))


def pattern_tables(data) -> list[tables.Table]:
    weeks = len(data.window.weeks)
    return [tables.weekly_table(data), tables.causes_table(data), tables.customer_table(data)] + [
        tables.breakdown_table(b, weeks) for b in data.breakdowns.values()
    ]


@require_safe
@agent_required(roles=SUPERVISORS)
def patterns_page(request):
    data = overview_data(request)
    weeks = len(data.window.weeks)
    o = data.overall
    chart_list = [
        charts.volume_and_share(
            "chart-weekly",
            "Difficult conversations per week",
            data.window.weeks,
            o.weekly_difficult,
            o.weekly_share,
            o.spike_weeks,
        )
    ]
    for dim, b in data.breakdowns.items():
        top = b.rows[:TOP_SERIES]
        chart_list.append(
            charts.lines(
                f"chart-{dim}",
                f"Difficult conversations by {b.label.lower()} (top {len(top)})",
                "Difficult conversations" if dim != "cause" else "Complaints",
                data.window.weeks,
                [(r.label, r.weekly_difficult) for r in top],
                {r.label: r.spike_weeks for r in top},
            )
        )
    all_tables = {t.name: t for t in pattern_tables(data)}
    sections = [(chart_list[0], all_tables["weekly"])] + [
        (c, all_tables[f"by-{dim}"]) for c, dim in zip(chart_list[1:], data.breakdowns, strict=True)
    ]
    return render(
        request,
        "calmdesk/insights/patterns.html",
        _context(
            request,
            data=data,
            sections=sections,
            customers=all_tables["customers"],
            weeks=weeks,
            charts=[c for c, _ in sections],
            open_proposals=CauseProposal.objects.filter(status=ProposalStatus.OPEN).count(),
            tab="patterns",
        ),
    )


@require_safe
@agent_required(roles=SUPERVISORS)
def causes_page(request):
    data = overview_data(request)
    top = data.causes[:TOP_SERIES]
    chart = charts.lines(
        "chart-causes",
        "Complaints per week by cause (top 5)",
        "Complaints",
        data.window.weeks,
        [(r.cause.label, r.weekly) for r in top],
        {r.cause.label: r.spike_weeks for r in top},
    )
    return render(
        request,
        "calmdesk/insights/causes.html",
        _context(
            request,
            data=data,
            table=tables.causes_table(data),
            chart=chart,
            charts=[chart],
            proposals=list(CauseProposal.objects.filter(status=ProposalStatus.OPEN)[:20]),
            tab="causes",
            weeks=len(data.window.weeks),
        ),
    )


def cause_weekly(visible, cause: RootCause, weeks: int, now):
    """(window, complaints, weekly counts, table) of one cause: the cause page's chart
    and table, and its CSV (`cause-<id>-weekly`). At least 12 weeks."""
    window = Window.last(max(12, weeks), now)
    since = loop.earliest_needed([cause], now, window.start)
    complaints = loop.complaints_since(visible, since)
    weekly = [0] * len(window.weeks)
    for c in complaints:
        i = window.index(c.at) if c.cause_id == cause.pk else None
        if i is not None:
            weekly[i] += 1
    table = tables.Table(
        f"cause-{cause.pk}-weekly",
        f"Complaints per week: {cause.label}",
        ["Week starting", "Complaints", "Period"],
    )
    for i, w in enumerate(window.weeks):
        period = (
            ""
            if cause.fix_date is None
            else ("after the fix" if w.date() >= cause.fix_date else "before")
        )
        table.rows.append([tables.Cell(f"{w:%Y-%m-%d}"), tables.n(weekly[i]), tables.Cell(period)])
    return window, complaints, weekly, table


@require_http_methods(["GET", "POST"])
@agent_required(roles=SUPERVISORS)
def cause_page(request, pk: int):
    cause = get_object_or_404(RootCause.objects.select_related("owner__user"), pk=pk)
    if request.method == "POST":
        return _save_owner(request, cause)
    visible = visible_conversations(request.agent)
    now = timezone.now()
    window, complaints, weekly, table = cause_weekly(visible, cause, weeks_param(request), now)
    verdict = loop.verdict_for(cause, complaints, now)
    chart = charts.before_after(
        "chart-cause", f"Complaints per week: {cause.label}", window.weeks, weekly, cause.fix_date
    )
    recent = list(
        ConversationCause.objects.filter(cause=cause, conversation__in=visible)
        .select_related("conversation__customer", "conversation__team")
        .order_by("-occurred_at")[:15]
    )
    owners = (
        Agent.objects.filter(user__is_active=True).select_related("user").order_by("user__username")
    )
    return render(
        request,
        "calmdesk/insights/cause.html",
        _context(
            request,
            cause=cause,
            verdict=verdict,
            chart=chart,
            charts=[chart],
            table=table,
            weeks=len(window.weeks),
            recent=recent,
            owners=owners,
            tab="causes",
            windows=loop.windows(cause, now),
            before_href=tables.drill(figure="cause", cause=cause.pk, part="before"),
            after_href=tables.drill(figure="cause", cause=cause.pk, part="after"),
        ),
    )


def _save_owner(request, cause: RootCause):
    if not is_manager(request.agent):
        raise PermissionDenied("Only managers change a cause.")
    post = request.POST
    if post.get("status") in CauseStatus.values:
        actions.do_set_cause_status(request.agent, cause, post["status"])
        return redirect("insights:cause", pk=cause.pk)
    owner = None
    if post.get("owner", "").isdigit():
        owner = Agent.objects.filter(pk=int(post["owner"]), user__is_active=True).first()
    fix_date = None
    if post.get("fix_date"):
        try:
            fix_date = date.fromisoformat(post["fix_date"])
        except ValueError:
            messages.error(request, "The fix date must be a date (YYYY-MM-DD).")
            return redirect("insights:cause", pk=cause.pk)
    try:
        actions.do_set_cause_owner(
            request.agent,
            cause,
            owner=owner,
            fix_description=post.get("fix_description", ""),
            fix_date=fix_date,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Saved.")
    return redirect("insights:cause", pk=cause.pk)


@require_POST
@agent_required(roles=SUPERVISORS)
def decide_proposal(request, pk: int):
    proposal = get_object_or_404(CauseProposal, pk=pk)
    try:
        if request.POST.get("decision") == "accept":
            cause = actions.do_accept_proposal(
                request.agent, proposal, label=request.POST.get("label", "")
            )
            messages.success(request, f"“{cause.label}” is now a root cause.")
            return redirect("insights:cause", pk=cause.pk)
        actions.do_dismiss_proposal(request.agent, proposal)
        messages.success(request, "Proposal dismissed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("insights:causes")


@require_safe
@agent_required(roles=SUPERVISORS)
def conversations_page(request):
    title, conversations, total = conversations_behind(request)
    return render(
        request,
        "calmdesk/insights/conversations.html",
        _context(request, title=title, conversations=conversations, total=total, tab=""),
    )


@require_http_methods(["GET", "POST"])
@agent_required
def correct_cause(request, pk: int):
    """Any agent who can see the conversation sets its root cause (it trains the next model)."""
    from calmdesk.access import access_conversation

    conversation = access_conversation(request.agent, pk)
    if request.method == "POST":
        try:
            actions.check_correct_cause(request.agent, pk, request.POST.get("cause", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Root cause saved. Thank you: it teaches the next model.")
            return redirect("conversation", pk=pk)
    current = (
        ConversationCause.objects.filter(conversation=conversation).select_related("cause").first()
    )
    causes = RootCause.objects.filter(status=CauseStatus.ACTIVE).order_by("label")
    if not causes:
        raise Http404("No root causes yet.")
    return render(
        request,
        "calmdesk/insights/correct.html",
        _context(request, conversation=conversation, current=current, causes=causes, nav="inbox"),
    )
