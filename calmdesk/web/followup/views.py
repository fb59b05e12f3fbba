"""Desk pages for follow-ups (review queue), recovery figures and survey campaigns.

Thin: reads through calmdesk.access and calmdesk.insights.recovery, writes
through the actions. Agents see follow-ups of their teams' conversations;
recovery and campaigns are for leads, managers and admins.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from calmdesk.access import access_customer, visible_conversations
from calmdesk.actions.campaigns import (
    CampaignFilters,
    do_create_campaign,
    do_send_campaign,
    recipients,
)
from calmdesk.actions.followup import do_approve_follow_up, do_cancel_follow_up
from calmdesk.actions.surveys import draft_context
from calmdesk.insights import recovery as rec
from calmdesk.models import (
    CampaignState,
    Channel,
    Customer,
    CustomerEvent,
    FollowUp,
    FollowUpState,
    Level,
    Location,
    Survey,
    SurveyCampaign,
    SurveyKind,
    Team,
)
from calmdesk.playbook import load_policy
from calmdesk.playbook.followup import load_plan
from calmdesk.playbook.followup import render as fill
from calmdesk.web.auth import SUPERVISORS, agent_required

PERIODS = (30, 90, 180, 365)


def _follow_up(request, pk: int) -> FollowUp:
    fu = FollowUp.objects.filter(
        pk=pk, conversation__in=visible_conversations(request.agent)
    ).first()
    if fu is None:
        raise Http404("No such follow-up.")
    return fu


@agent_required
@require_safe
def queue(request):
    mine = visible_conversations(request.agent)
    base = FollowUp.objects.filter(conversation__in=mine).select_related(
        "conversation__customer", "conversation__assignee__user", "approved_by__user"
    )
    waiting = list(base.filter(state=FollowUpState.SCHEDULED).order_by("due_at", "id")[:100])
    for fu in waiting:
        fu.needs_review = not fu.ready
        fu.overdue = fu.due_at <= timezone.now()
    sent = list(
        base.filter(
            state=FollowUpState.SENT, sent_at__gte=timezone.now() - timedelta(days=14)
        ).order_by("-sent_at")[:50]
    )
    return render(
        request,
        "calmdesk/followup/queue.html",
        {
            "agent": request.agent,
            "nav": "follow-up",
            "waiting": waiting,
            "sent": sent,
            "review_count": sum(fu.needs_review for fu in waiting),
        },
    )


@agent_required
@require_POST
def approve(request, pk: int):
    fu = _follow_up(request, pk)
    try:
        done = do_approve_follow_up(request.agent, fu, request.POST.get("body"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done:
            messages.success(request, f"Approved: it goes to {fu.conversation.customer} when due.")
        else:
            messages.error(request, "This follow-up is no longer waiting.")
    return redirect("followup:queue")


@agent_required
@require_POST
def cancel(request, pk: int):
    fu = _follow_up(request, pk)
    if do_cancel_follow_up(request.agent, fu, f"cancelled by {request.agent.name}"):
        messages.success(request, "Follow-up cancelled.")
    return redirect("followup:queue")


def _days(request) -> int:
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    return days if days in PERIODS else 90


@agent_required(roles=SUPERVISORS)
@require_safe
def recovery(request):
    days = _days(request)
    since = timezone.now() - timedelta(days=days)
    summary = rec.summary(since, conversations=visible_conversations(request.agent))
    cases = sorted(summary.cases, key=lambda c: c.resolved_at, reverse=True)[:50]
    labels = {key: o.label for key, o in load_policy().compensation.options.items()}
    remedies = [
        (labels.get(key, key.replace("_", " ").capitalize()), *rest)
        for key, *rest in summary.by_remedy
    ]
    return render(
        request,
        "calmdesk/followup/recovery.html",
        {
            "agent": request.agent,
            "nav": "recovery",
            "s": summary,
            "cases": cases,
            "remedies": remedies,
            "days": days,
            "periods": PERIODS,
            "known": summary.recovered + summary.not_recovered,
        },
    )


@agent_required
@require_safe
def customer(request, pk: int):
    person = access_customer(request.agent, pk)
    cases = rec.outcomes(
        rec.difficult_cases(
            customer_id=person.pk, conversations=visible_conversations(request.agent)
        )
    )
    surveys = list(
        Survey.objects.filter(customer=person, answered_at__isnull=False).order_by("-answered_at")[
            :20
        ]
    )
    events = list(CustomerEvent.objects.filter(customer=person).order_by("-occurred_at")[:20])
    return render(
        request,
        "calmdesk/followup/customer.html",
        {
            "agent": request.agent,
            "person": person,
            "cases": cases,
            "surveys": surveys,
            "events": events,
        },
    )


@agent_required(roles=SUPERVISORS)
@require_http_methods(["GET", "POST"])
def campaigns(request):
    today = timezone.localdate()
    form = {
        "name": "",
        "kind": SurveyKind.CSAT,
        "resolved_from": (today - timedelta(days=7)).isoformat(),
        "resolved_to": today.isoformat(),
        "location": "",
        "team": "",
        "channel": "",
        "level_at_least": "",
    }
    error = ""
    if request.method == "POST":
        form.update({k: request.POST.get(k, "") for k in form})
        try:
            filters = CampaignFilters.check(form)
            made = do_create_campaign(request.agent, form["name"], form["kind"], filters)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("followup:campaign", pk=made.pk)
    return render(
        request,
        "calmdesk/followup/campaigns.html",
        {
            "agent": request.agent,
            "nav": "campaigns",
            "form": form,
            "error": error,
            "campaigns": SurveyCampaign.objects.select_related("created_by__user")[:30],
            "locations": Location.objects.all(),
            "teams": Team.objects.all(),
            "channels": Channel.choices,
            "levels": Level.choices,
            "kinds": SurveyKind.choices,
        },
        status=400 if error else 200,
    )


@agent_required(roles=SUPERVISORS)
@require_http_methods(["GET", "POST"])
def campaign(request, pk: int):
    item = get_object_or_404(SurveyCampaign, pk=pk)
    scope = visible_conversations(request.agent)
    if request.method == "POST":
        try:
            sent = do_send_campaign(
                request.agent, item, int(request.POST.get("expected", -1)), scope
            )
        except (ValidationError, ValueError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"Sent {sent} surveys.")
        return redirect("followup:campaign", pk=item.pk)
    found = (
        recipients(CampaignFilters.check(item.filters), scope)
        if item.state == CampaignState.DRAFT
        else []
    )
    sample_ids = [c for c, _ in found[:10]]
    bulk = Customer.objects.in_bulk(sample_ids)
    sample = [bulk[c] for c in sample_ids]
    example = None
    if sample:
        t = load_plan().templates
        example = (
            fill(t.survey_email, draft_context(sample[0], None))
            + "\n\n--\n"
            + fill(t.unsubscribe_email, draft_context(sample[0], None))
        )
    return render(
        request,
        "calmdesk/followup/campaign.html",
        {
            "agent": request.agent,
            "nav": "campaigns",
            "item": item,
            "count": len(found),
            "sample": sample,
            "example": example,
            "answered": item.surveys.filter(answered_at__isnull=False).count(),
        },
    )
