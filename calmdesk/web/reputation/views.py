"""Reputation pages: thin views over calmdesk.insights.reputation and the actions.

Every agent sees the reviews of their teams (managers and admins: all);
a review outside them is a 404, like any conversation.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from calmdesk.access import access_customer, visible_conversations
from calmdesk.actions.reputation import (
    coach_public_reply,
    do_acknowledge_alert,
    do_approve_public_reply,
    do_confirm_link,
    do_dismiss_link,
    draft_public_reply,
    suggest_links,
)
from calmdesk.insights import reputation as figures
from calmdesk.models import (
    Agent,
    Location,
    Platform,
    ReputationAlert,
    Review,
    ReviewKind,
    ReviewSource,
    SourceKind,
)
from calmdesk.web.auth import agent_required
from calmdesk.web.reputation.charts import rating_trend

PERIODS = {"30": 30, "90": 90, "365": 365}
DEFAULT_PERIOD = "90"
SCRIPT = (Path(__file__).with_name("reputation.js")).read_text()


def visible_reviews(agent: Agent) -> QuerySet[Review]:
    return Review.objects.filter(conversation__in=visible_conversations(agent))


def _filters(request, agent: Agent) -> tuple[QuerySet[Review], dict]:
    qs = visible_reviews(agent)
    f = {
        "location": request.GET.get("location", ""),
        "kind": request.GET.get("kind", ""),
        "platform": request.GET.get("platform", ""),
        "period": request.GET.get("period", DEFAULT_PERIOD),
        "negative": request.GET.get("negative", "") == "1",
    }
    if f["period"] not in PERIODS:
        f["period"] = DEFAULT_PERIOD
    qs = qs.filter(published_at__gte=timezone.now() - timedelta(days=PERIODS[f["period"]]))
    if f["location"]:
        qs = qs.filter(location__slug=f["location"])
    if f["kind"] in ReviewKind.values:
        qs = qs.filter(kind=f["kind"])
    if f["platform"] in Platform.values:
        qs = qs.filter(platform=f["platform"])
    if f["negative"]:
        qs = qs.filter(negative=True)
    return qs, f


def _theme_labels() -> dict[str, str]:
    from calmdesk.playbook import load_policy

    return {key: info.label for key, info in load_policy().root_causes.items()}


def visible_alerts(agent: Agent) -> QuerySet[ReputationAlert]:
    qs = ReputationAlert.objects.select_related("location")
    if agent.sees_all_teams:
        return qs
    teams = agent.teams.all()
    return qs.filter(
        Q(review__conversation__team__in=teams) | Q(review__isnull=True, location__team__in=teams)
    )


def _alerts(agent: Agent):
    return list(
        visible_alerts(agent).filter(acknowledged_at__isnull=True).order_by("-created_at")[:20]
    )


@require_safe
@agent_required
def dashboard(request):
    agent = request.agent
    qs, f = _filters(request, agent)
    now = timezone.now()
    weeks = 12 if f["period"] != "30" else 5
    report = figures.report(qs, now, weeks=weeks, theme_labels=_theme_labels())
    report.brand.chart = rating_trend(
        report.brand.trend, width=480, height=120, label="All locations"
    )
    for loc in report.locations:
        loc.chart = rating_trend(loc.trend, label=loc.name)
    unanswered = figures.unanswered_negative(qs)
    for review in unanswered:
        review.age = now - review.published_at
        review.overdue = bool(review.response_due_at and review.response_due_at < now)
    context = {
        "agent": agent,
        "nav": "reputation",
        "report": report,
        "unanswered": unanswered,
        "alerts": _alerts(agent),
        "failing_feeds": list(
            ReviewSource.objects.filter(kind=SourceKind.FEED, failures__gt=0, active=True)
        )
        if agent.sees_all_teams
        else [],
        "f": f,
        "locations": Location.objects.order_by("name"),
        "platforms": Platform.choices,
        "kinds": ReviewKind.choices,
        "periods": [("30", "30 days"), ("90", "90 days"), ("365", "A year")],
        "query": request.GET.urlencode(),
    }
    return render(request, "calmdesk/reputation/page.html", context)


@require_safe
@agent_required
def export(request):
    from calmdesk.insights.export import to_csv

    qs, f = _filters(request, request.agent)
    body = to_csv(figures.EXPORT_HEADER, figures.export_rows(qs))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"reputation-{f['location'] or 'all'}-{timezone.now():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def script(request):
    response = HttpResponse(SCRIPT, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _review(agent: Agent, pk: int) -> Review:
    review = (
        visible_reviews(agent)
        .select_related(
            "conversation__customer", "conversation__team", "location", "source", "response"
        )
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


def _review_context(request, review: Review, text: str | None = None, error: str = ""):
    agent = request.agent
    checked = (
        coach_public_reply(review, text, agent)
        if text is not None
        else draft_public_reply(review, agent)
    )
    now = timezone.now()
    return {
        "agent": agent,
        "nav": "reputation",
        "review": review,
        "revisions": list(review.revisions.all()),
        "draft": checked,
        "error": error,
        "suggestions": suggest_links(review),
        "overdue": bool(
            review.negative
            and not review.responded_at
            and review.response_due_at
            and review.response_due_at < now
        ),
        "stars": range(review.rating or 0),
        "alerts": list(review.alerts.order_by("-created_at")[:5]),
    }


@require_safe
@agent_required
def review_page(request, pk: int):
    review = _review(request.agent, pk)
    return render(request, "calmdesk/reputation/review.html", _review_context(request, review))


@require_POST
@agent_required
def reply(request, pk: int):
    review = _review(request.agent, pk)
    text = request.POST.get("body", "").strip()
    if request.POST.get("action") == "approve" and text:
        try:
            do_approve_public_reply(
                request.agent, review, text, override=request.POST.get("override") == "1"
            )
        except ValidationError as exc:
            context = _review_context(request, review, text, error=" ".join(exc.messages))
            return render(request, "calmdesk/reputation/review.html", context, status=422)
        messages.success(request, "Public reply recorded. Copy it to post it on the platform.")
        return redirect("reputation_review", pk=review.pk)
    context = _review_context(
        request, review, text or "", error="" if text else "The reply is empty."
    )
    return render(request, "calmdesk/reputation/review.html", context)


@require_POST
@agent_required
def link(request, pk: int):
    review = _review(request.agent, pk)
    try:
        customer = access_customer(request.agent, int(request.POST.get("customer", "0")))
    except ValueError:
        raise Http404("No such customer.") from None
    if request.POST.get("action") == "dismiss":
        do_dismiss_link(request.agent, review, customer)
        messages.info(request, f"{customer.name or 'That customer'} will not be suggested again.")
        return redirect("reputation_review", pk=review.pk)
    try:
        do_confirm_link(request.agent, review, customer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reputation_review", pk=review.pk)
    messages.success(request, f"Review linked to {customer.name or 'the customer'}.")
    return redirect("customer", pk=customer.pk)


@require_POST
@agent_required
def acknowledge(request, pk: int):
    alert = visible_alerts(request.agent).filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert.")
    do_acknowledge_alert(request.agent, alert)
    return redirect("reputation")
