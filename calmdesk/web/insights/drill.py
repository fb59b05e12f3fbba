"""The drill-down: the conversations behind any number on the insights pages.

The figure is recomputed from the same functions that produced it (so the
list and the number always agree) and the ids are intersected with what the
agent may see. Parameters are checked, never trusted.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from calmdesk.access import visible_conversations
from calmdesk.insights import loop, patterns, team
from calmdesk.insights.base import Window, setting
from calmdesk.models import RootCause

LIMIT = 200
WEEK_CHOICES = (4, 8, 12, 26, 52)


def weeks_param(request) -> int:
    raw = request.GET.get("weeks", "")
    default = int(setting("CALMDESK_INSIGHTS_WEEKS", 12))
    return int(raw) if raw.isdigit() and int(raw) in (*WEEK_CHOICES, default) else default


def _int(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def conversations_behind(request):
    """(title, conversations, total) for the figure named in the query string."""
    visible = visible_conversations(request.agent)
    now = timezone.now()
    weeks = weeks_param(request)
    window = Window.last(weeks, now)
    figure = request.GET.get("figure", "")
    if figure == "cell":
        ids, title = _cell(request, visible, window)
    elif figure == "repeat":
        from calmdesk.insights.customers import repeat_contacts

        days = int(setting("CALMDESK_REPEAT_CONTACT_DAYS", 14))
        facts = patterns.load_facts(visible, window.start - timedelta(days=days), now)
        every, hard = repeat_contacts(facts, window.start, days)
        hard_only = request.GET.get("difficult") == "1"
        ids = (hard if hard_only else every).ids
        title = f"Repeat contacts within {days} days" + (" (difficult)" if hard_only else "")
    elif figure == "churn":
        from calmdesk.insights.customers import COHORT_DAYS, silent_churn

        days = int(setting("CALMDESK_CHURN_WINDOW_DAYS", 60))
        facts = patterns.load_facts(visible, now - timedelta(days=days + COHORT_DAYS), now)
        ids, title = (
            silent_churn(facts, now, days).difficult.ids,
            "Silent churn (estimate): last difficult contacts",
        )
    elif figure == "cause":
        cause = RootCause.objects.filter(pk=_int(request, "cause") or 0).first()
        part = request.GET.get("part", "")
        if cause is None or part not in ("before", "after"):
            raise Http404("No such figure.")
        complaints = loop.complaints_since(visible, loop.earliest_needed([cause], now, now))
        ids, title = (
            loop.ids_in(cause, complaints, now, part),
            f"{cause.label}: complaints {part} the fix",
        )
    elif figure == "qa":
        finding = request.GET.get("finding", "")[:60]
        band = request.GET.get("band", "")
        band = band if band in {b[0] for b in team.BANDS} else ""
        ids = team.qa_ids(visible, window.start, now, _int(request, "agent"), band, finding)
        title = "Replies reviewed by the coach" + (
            f": {finding.replace('_', ' ')}" if finding else ""
        )
    elif figure == "service":
        func = team.SERVICE_BY_KEY.get(request.GET.get("key", ""))
        fig = func(visible, window.start, now) if func is not None else None
        if fig is None or not fig.tracked:
            raise Http404("No such figure.")
        ids, title = fig.ids, fig.label
    else:
        raise Http404("No such figure.")
    total = len(ids)
    rows = list(
        visible.filter(pk__in=ids[:LIMIT])
        .select_related("customer", "team", "location", "cause_assignment__cause")
        .order_by("-last_inbound_at", "-id")
    )
    return title, rows, total


def _cell(request, visible, window: Window):
    dim = request.GET.get("dim", "")
    if dim and dim not in patterns.DIMENSIONS:
        raise Http404("No such dimension.")
    week = _int(request, "week")
    if week is not None and week >= len(window.weeks):
        raise Http404("No such week.")
    difficult = True if request.GET.get("difficult") == "1" else None
    value = request.GET.get("value", "")[:64]
    facts = patterns.load_facts(visible, window.start, window.end)
    ids = patterns.select(facts, window, week=week, dimension=dim, value=value, difficult=difficult)
    parts = ["Difficult conversations" if difficult else "Conversations"]
    if dim:
        parts.append(f"by {patterns.DIMENSION_LABELS[dim].lower()}")
    if week is not None:
        parts.append(f"in the week of {window.weeks[week]:%d %b %Y}")
    return ids, " ".join(parts)
