"""Hand-over pages: the form with the drafted (editable) brief, and the receiver's acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from calmdesk import actions
from calmdesk.access import access_conversation
from calmdesk.actions.handoff import draft_brief, may_receive
from calmdesk.actions.wellbeing import candidates
from calmdesk.models import Agent, Handoff, HandoffState, Team
from calmdesk.playbook import load_policy
from calmdesk.playbook.handover import continuity_message
from calmdesk.services.playbook_views import agent_view, conversation_view
from calmdesk.web.auth import agent_required


def _receivers(agent: Agent, conversation) -> list[Agent]:
    found = candidates(conversation.team_id, conversation.level, exclude=conversation.assignee_id)
    others = [a for a in found if a.pk != agent.pk or conversation.assignee_id != agent.pk]
    managers = Agent.objects.select_related("user").filter(role="manager", user__is_active=True)
    return others + [m for m in managers if m.pk not in {a.pk for a in others}]


@agent_required
def request_form(request, pk: int):
    agent = request.agent
    conversation = access_conversation(agent, pk)
    receivers = _receivers(agent, conversation)
    teams = list(Team.objects.all() if agent.sees_all_teams else agent.teams.all())
    if request.method == "POST":
        to = request.POST.get("to", "")
        to_agent = next((a for a in receivers if f"agent:{a.pk}" == to), None)
        to_team = next((t for t in teams if f"team:{t.pk}" == to), None)
        if to_agent is None and to_team is None:
            raise Http404("No such receiver.")
        try:
            handoff = actions.do_request_handoff(
                agent,
                conversation,
                to_agent=to_agent,
                to_team=to_team,
                brief_text=request.POST.get("brief", ""),
                reason=request.POST.get("reason", ""),
                send_continuity=request.POST.get("continuity") == "1",
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("escalation:handoff", pk=pk)
        who = handoff.to_agent.name if handoff.to_agent else handoff.to_team.name
        messages.success(
            request, f"Hand-over sent to {who}. It stays yours until they acknowledge the brief."
        )
        return redirect(reverse("conversation", args=[pk]))
    if request.method != "GET":
        return redirect("escalation:handoff", pk=pk)
    policy = load_policy()
    drafted = draft_brief(conversation, policy)
    sample = receivers[0] if receivers else agent
    context = {
        "agent": agent,
        "conversation": conversation,
        "brief": drafted,
        "brief_text": drafted.to_text(),
        "receivers": receivers,
        "teams": [t for t in teams if t.pk != conversation.team_id],
        "continuity": continuity_message(
            conversation_view(conversation), policy, agent_view(sample), timezone.now()
        ),
        "threshold": policy.wellbeing.hostile_per_shift,
    }
    return render(request, "calmdesk/escalation/handoff_form.html", context)


def _handoff(agent: Agent, pk: int) -> Handoff:
    handoff = get_object_or_404(
        Handoff.objects.select_related("from_agent__user", "to_agent__user", "to_team"), pk=pk
    )
    if not may_receive(agent, handoff):
        access_conversation(agent, handoff.conversation_id)  # others on the team may look
    return handoff


@agent_required
def acknowledge_page(request, pk: int):
    handoff = _handoff(request.agent, pk)
    context = {
        "agent": request.agent,
        "handoff": handoff,
        "conversation": handoff.conversation,
        "receiver": may_receive(request.agent, handoff) and handoff.state == HandoffState.PENDING,
        "sender": handoff.from_agent_id == request.agent.pk,
    }
    return render(request, "calmdesk/escalation/handoff_ack.html", context)


def _post(request, pk: int, func, done: str):
    if request.method != "POST":
        return redirect("escalation:handoff_page", pk=pk)
    handoff = _handoff(request.agent, pk)
    try:
        func(handoff)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("escalation:handoff_page", pk=pk)
    messages.success(request, done)
    return redirect(reverse("conversation", args=[handoff.conversation_id]))


@agent_required
def acknowledge(request, pk: int):
    return _post(
        request,
        pk,
        lambda h: actions.do_acknowledge_handoff(request.agent, h),
        "The conversation is yours; the customer has been told who is taking over.",
    )


@agent_required
def decline(request, pk: int):
    return _post(
        request,
        pk,
        lambda h: actions.do_decline_handoff(request.agent, h, request.POST.get("reason", "")),
        "Declined; the sender was told why.",
    )


@agent_required
def cancel(request, pk: int):
    return _post(
        request, pk, lambda h: actions.do_cancel_handoff(request.agent, h), "Hand-over cancelled."
    )
