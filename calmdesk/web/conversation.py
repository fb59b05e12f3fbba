"""The conversation page and what an agent does there: reply, note, assign, status.

Every write goes through calmdesk.actions; every fetch through
calmdesk.access (a conversation outside the agent's teams is a 404).
Forms post here and redirect back (they work without JavaScript).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from calmdesk import actions
from calmdesk.access import access_conversation
from calmdesk.models import Agent, Status
from calmdesk.web import playbook, timeline
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.customers import customer_card


def _messages(conversation):
    return list(conversation.messages.select_related("author__user").order_by("sent_at", "id"))


def _assignable(conversation) -> list[Agent]:
    """Agents who may take this conversation: its team's, plus managers and admins."""
    return list(
        Agent.objects.select_related("user")
        .filter(
            Q(teams=conversation.team_id) | Q(role__in=["manager", "admin"]), user__is_active=True
        )
        .distinct()
    )


def _page_context(agent, conversation, **extra) -> dict:
    return {
        "agent": agent,
        "conversation": conversation,
        "entries": timeline.entries(_messages(conversation)),
        "card": customer_card(agent, conversation.customer, current=conversation),
        "assignable": _assignable(conversation),
        "statuses": Status.choices,
        "can_merge": agent.role in SUPERVISORS,
        **extra,
    }


@require_safe
@agent_required
def conversation_page(request, pk: int):
    agent = request.agent
    conversation = access_conversation(agent, pk)
    return render(request, "calmdesk/conversation/page.html", _page_context(agent, conversation))


@require_safe
@agent_required
def conversation_timeline(request, pk: int):
    """The timeline alone, for htmx's poll: new messages appear without a reload."""
    conversation = access_conversation(request.agent, pk)
    context = {"conversation": conversation, "entries": timeline.entries(_messages(conversation))}
    return render(request, "calmdesk/conversation/_timeline.html", context)


def _back(conversation, anchor: str = ""):
    return redirect(reverse("conversation", args=[conversation.pk]) + anchor)


@require_POST
@agent_required
def reply(request, pk: int):
    agent = request.agent
    conversation = access_conversation(agent, pk)
    body = request.POST.get("body", "")
    override = request.POST.get("override") == "1"
    verdict = playbook.coach_reply(agent, conversation, body)
    if verdict is not None and verdict.blocking and not override:
        # Blocking findings: ask before sending (the form comes back with a "Send anyway").
        context = _page_context(
            agent, conversation, reply_body=body, confirm=True, **playbook.coach_context(verdict)
        )
        return render(request, "calmdesk/conversation/page.html", context)
    try:
        actions.do_reply(agent, conversation, body, coach_result=verdict, override=override)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(conversation, "#reply")
    messages.success(
        request,
        "Reply sent."
        if not (override and verdict and verdict.blocking)
        else "Reply sent despite the coach's blocking findings (recorded).",
    )
    return _back(conversation, "#timeline-end")


@require_POST
@agent_required
def add_note(request, pk: int):
    conversation = access_conversation(request.agent, pk)
    try:
        actions.do_add_note(request.agent, conversation, request.POST.get("body", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(conversation, "#note")
    messages.success(request, "Note added.")
    return _back(conversation, "#timeline-end")


@require_POST
@agent_required
def assign(request, pk: int):
    agent = request.agent
    conversation = access_conversation(agent, pk)
    value = request.POST.get("assignee", "")
    if value == "me":
        assignee = agent
    elif value == "none":
        assignee = None
    elif value.isdigit():
        assignee = next((a for a in _assignable(conversation) if a.pk == int(value)), None)
        if assignee is None:
            raise Http404("No such agent.")
    else:
        messages.error(request, "Choose who takes this conversation.")
        return _back(conversation)
    try:
        actions.do_assign(agent, conversation, assignee)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return _back(conversation)
    messages.success(request, f"Assigned to {assignee.name}." if assignee else "Unassigned.")
    return _back(conversation)


@require_POST
@agent_required
def set_status(request, pk: int):
    conversation = access_conversation(request.agent, pk)
    try:
        actions.do_set_status(request.agent, conversation, request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(conversation)
    messages.success(request, f"Status: {conversation.get_status_display()}.")
    return _back(conversation)
