"""Hand-over pages: the form with the drafted (editable) brief, and the receiver's acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from calmdesk import actions
from calmdesk.access import access_conversation
from calmdesk.actions.handoff import draft_brief, may_receive
from calmdesk.actions.wellbeing import candidates
from calmdesk.models import Agent, Handoff, HandoffState, Role, Team
from calmdesk.playbook import load_policy
from calmdesk.playbook.handover import continuity_message
from calmdesk.playbook.views import AgentView
from calmdesk.services.playbook_views import agent_view, conversation_view
from calmdesk.web.auth import agent_required

PLACEHOLDER = AgentView(name="[name]")  # team hand-over: whoever acknowledges signs it


def _receivers(agent: Agent, conversation) -> list[Agent]:
    """Colleagues to offer: the team's agents and leads (least exposed first), then managers.

    Never the requester (one does not hand over to oneself) nor the current owner.
    """
    skip = {agent.pk, conversation.assignee_id}
    found = candidates(conversation.team_id, conversation.level, exclude=conversation.assignee_id)
    others = [a for a in found if a.pk not in skip]
    managers = Agent.objects.select_related("user").filter(role=Role.MANAGER, user__is_active=True)
    taken = skip | {a.pk for a in others}
    return others + [m for m in managers if m.pk not in taken]


def _still_with(agent: Agent, conversation) -> str:
    """Who has the conversation while the hand-over waits, in the words of the message."""
    if conversation.assignee_id is None:
        return "It stays unassigned"
    if conversation.assignee_id == agent.pk:
        return "It stays yours"
    return f"It stays with {conversation.assignee.name}"


def _continuity(conversation, policy, receivers: list[Agent], to: str) -> str:
    """The continuity message as the chosen receiver (the first offered by default) would send it."""
    if not to and receivers:
        to = f"agent:{receivers[0].pk}"
    chosen = next((a for a in receivers if f"agent:{a.pk}" == to), None)
    sender = agent_view(chosen) if chosen else PLACEHOLDER
    return continuity_message(conversation_view(conversation), policy, sender, timezone.now())


@agent_required
def request_form(request, pk: int):
    agent = request.agent
    conversation = access_conversation(agent, pk)
    receivers = _receivers(agent, conversation)
    all_teams = list(Team.objects.all() if agent.sees_all_teams else agent.teams.all())
    teams = [t for t in all_teams if t.pk != conversation.team_id]  # offered
    for a in receivers:
        a.choice = f"agent:{a.pk}"
    for t in all_teams:
        t.choice = f"team:{t.pk}"
    policy = load_policy()
    if request.method == "GET" and request.htmx.target == "handoff-continuity":  # preview as them
        to = request.GET.get("to", "")
        response = render(
            request,
            "calmdesk/escalation/_continuity.html",
            {"continuity": _continuity(conversation, policy, receivers, to)},
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    if request.method not in ("GET", "POST"):
        return redirect("escalation:handoff", pk=pk)
    kept = {"to": "", "brief": None, "reason": "", "continuity": True}
    if request.method == "POST":
        to = request.POST.get("to", "")
        kept = {
            "to": to,
            "brief": request.POST.get("brief", ""),
            "reason": request.POST.get("reason", ""),
            "continuity": request.POST.get("continuity") == "1",
        }
        to_agent = next((a for a in receivers if a.choice == to), None)
        to_team = next((t for t in all_teams if t.choice == to), None)
        try:
            if to_agent is None and to_team is None:
                raise ValidationError("Choose who takes the conversation over from the list.")
            handoff = actions.do_request_handoff(
                agent,
                conversation,
                to_agent=to_agent,
                to_team=to_team,
                brief_text=kept["brief"],
                reason=kept["reason"],
                send_continuity=kept["continuity"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            who = handoff.to_agent.name if handoff.to_agent else handoff.to_team.name
            messages.success(
                request,
                f"Hand-over sent to {who}. {_still_with(agent, conversation)} "
                "until they acknowledge the brief.",
            )
            return redirect(reverse("conversation", args=[pk]))
    drafted = draft_brief(conversation, policy)
    context = {
        "agent": agent,
        "conversation": conversation,
        "brief": drafted,
        "brief_text": drafted.to_text() if kept["brief"] is None else kept["brief"],
        "kept": kept,
        "receivers": receivers,
        "teams": teams,
        "continuity": _continuity(conversation, policy, receivers, kept["to"]),
        "threshold": policy.wellbeing.hostile_per_shift,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "calmdesk/escalation/handoff_form.html", context, status=status)


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
