"""The agent's own in-app alerts: /notifications/ and the header badge.

`calmdesk.actions.notify` writes one Notification per recipient; this page
lists the signed-in agent's (recipient = their Agent, never anyone else's),
newest first. Opening one (POST) marks it read and goes to its link;
"Mark all read" clears the badge. Both go through `actions.do_mark_read`.

The header badge is `{% notification_badge agent %}` (templatetags/
notifications.py): one indexed COUNT per page (`notif_recipient_unread`),
refreshed out of band by the inbox's 10-second htmx poll.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from calmdesk.actions import do_mark_read
from calmdesk.models import Agent, Notification
from calmdesk.web.auth import agent_required

PAGE_SIZE = 50


def unread_count(agent: Agent) -> int:
    """The agent's unread notifications: one COUNT on the (recipient, read_at) index."""
    return Notification.objects.filter(recipient=agent, read_at__isnull=True).count()


def own_notifications(agent: Agent) -> QuerySet[Notification]:
    """The only notifications an agent may see or mark: their own."""
    return Notification.objects.filter(recipient=agent)


def kind_label(kind: str) -> str:
    """ "survey.low_score" -> "Survey · low score"."""
    words = kind.replace("_", " ").split(".")
    return " · ".join(w.strip() for w in words if w.strip()).capitalize()


@require_safe
@agent_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    agent = request.agent
    paginator = Paginator(own_notifications(agent).order_by("-created_at", "-id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for n in page.object_list:
        n.kind_label = kind_label(n.kind)
    return render(
        request,
        "calmdesk/notifications.html",
        {
            "agent": agent,
            "page": page,
            "unread": unread_count(agent),
            "nav": "notifications",
        },
    )


@require_POST
@agent_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    do_mark_read(request.agent)
    return redirect("notifications")


@require_POST
@agent_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the agent's own notifications read, then follow its link."""
    notification = own_notifications(request.agent).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    do_mark_read(request.agent, [notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications")
