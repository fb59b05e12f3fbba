"""The weekly digest to managers: top causes, spikes and broken promises, with links.

Builds the emails (text and HTML); calmdesk.actions.insights.do_send_digest
sends them after its transaction commits, once per ISO week.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from calmdesk.insights.base import optional_model, setting
from calmdesk.insights.report import overview
from calmdesk.models import Agent, Conversation, Role

TOP_CAUSES = 5
BROKEN_LIMIT = 10


def broken_promises(since: datetime, until: datetime) -> list[dict] | None:
    """Promises that broke in the period (None when promises are not tracked yet)."""
    model = optional_model("Commitment", "conversation", "state", "due_at")
    if model is None:
        return None
    rows = model.objects.filter(state="broken", due_at__gte=since, due_at__lt=until).order_by(
        "due_at"
    )
    fields = ["conversation_id", "due_at"] + (
        ["text"] if any(f.name == "text" for f in model._meta.fields) else []
    )
    return list(rows.values(*fields)[:BROKEN_LIMIT])


def digest_context(now: datetime) -> dict:
    data = overview(Conversation.objects.all(), now)
    week_ago = now - timedelta(days=7)
    causes = [
        r
        for r in data.causes
        if r.weekly and r.weekly[-1] + (r.weekly[-2] if len(r.weekly) > 1 else 0)
    ]
    return {
        "now": now,
        "since": week_ago,
        "overall": data.overall,
        "causes": causes[:TOP_CAUSES],
        "spikes": data.spikes,
        "broken": broken_promises(week_ago, now),
        "proposals": _open_proposals(),
        "base_url": setting("CALMDESK_BASE_URL", "").rstrip("/"),
    }


def _open_proposals() -> int:
    from calmdesk.models import CauseProposal, ProposalStatus

    return CauseProposal.objects.filter(status=ProposalStatus.OPEN).count()


def build_digests(now: datetime) -> list[EmailMultiAlternatives]:
    managers = list(
        Agent.objects.filter(role__in=(Role.MANAGER, Role.ADMIN), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    if not managers or not setting("CALMDESK_DIGEST_ENABLED", True):
        return []
    context = digest_context(now)
    subject = f"Calmdesk weekly insights: week of {context['since']:%d %b %Y}"
    text = render_to_string("calmdesk/insights/digest.txt", context)
    html = render_to_string("calmdesk/insights/digest.html", context)
    out = []
    for agent in managers:
        email = EmailMultiAlternatives(subject, text, to=[agent.user.email])
        email.attach_alternative(html, "text/html")
        out.append(email)
    return out
