"""The conversation panel and the forms in it. Forms post here and redirect back.

Writes go through calmdesk.actions; every object is reached through the
conversation it belongs to (calmdesk.access), so a foreign id is a 404.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from calmdesk import actions
from calmdesk.access import access_conversation
from calmdesk.models import AbuseWarning, Commitment, Compensation, ContactBlock
from calmdesk.playbook import load_policy
from calmdesk.web.auth import SUPERVISORS, agent_required
from calmdesk.web.escalation import panel as panel_data


def _back(request, conversation_id: int, anchor: str = "#escalation-panel"):
    nxt = request.POST.get("next", "")
    if nxt.startswith("/escalation/") and "//" not in nxt:
        return redirect(nxt)
    return redirect(reverse("conversation", args=[conversation_id]) + anchor)


def _problem(request, exc: Exception) -> None:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


def _keep(request, conversation_id: int, form: str, exc: ValidationError, **values: str) -> None:
    """Keep a refused form's input and error for the panel's next render (after the redirect)."""
    request.session[_kept_key(conversation_id)] = {
        "form": form,
        "error": " ".join(exc.messages),
        **{k: v[:5000] for k, v in values.items()},
    }


def _kept_key(conversation_id: int) -> str:
    return f"escalation-form-{conversation_id}"


@require_safe
@agent_required
def panel(request, pk: int):
    conversation = access_conversation(request.agent, pk)
    context = {
        "agent": request.agent,
        "p": panel_data.build(request.agent, conversation, load_policy()),
        "kept": request.session.pop(_kept_key(pk), None) or {},
    }
    return render(request, "calmdesk/escalation/_panel.html", context)


@require_POST
@agent_required
def escalate(request, pk: int):
    agent = request.agent
    conversation = access_conversation(agent, pk)
    level = request.POST.get("level", "lead")
    if level not in ("lead", "manager") or (level == "manager" and agent.role not in SUPERVISORS):
        raise PermissionDenied("Agents escalate to a lead; a lead escalates to a manager.")
    reason = request.POST.get("reason", "").strip() or f"escalated by {agent.name}"
    if actions.do_escalate(conversation, level, reason, actor=agent):
        messages.success(
            request, f"Escalated to {'a manager' if level == 'manager' else 'a lead'}."
        )
    else:
        messages.error(request, "It is already at that level or higher.")
    return _back(request, pk)


@require_POST
@agent_required(roles=SUPERVISORS)
def deescalate(request, pk: int):
    conversation = access_conversation(request.agent, pk)
    reason = request.POST.get("reason", "").strip() or "stood down"
    actions.do_deescalate(request.agent, conversation, reason)
    messages.success(request, "Escalation closed.")
    return _back(request, pk)


def _due(value: str, tz) -> datetime:
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("Give the due date and time.") from None
    return naive if naive.tzinfo else timezone.make_aware(naive, tz)


@require_POST
@agent_required
def add_promise(request, pk: int):
    conversation = access_conversation(request.agent, pk)
    from calmdesk.actions.sla import team_calendar

    text, due_text = request.POST.get("text", ""), request.POST.get("due", "")
    try:
        due = _due(due_text, team_calendar(conversation.team).tz)
        actions.do_add_commitment(request.agent, conversation, text, due)
    except ValidationError as exc:
        _problem(request, exc)
        _keep(request, pk, "promise", exc, text=text, due=due_text)
    else:
        messages.success(request, "Promise added to the ledger.")
    return _back(request, pk)


@require_POST
@agent_required
def close_promise(request, pk: int):
    row = get_object_or_404(Commitment, pk=pk)
    access_conversation(request.agent, row.conversation_id)
    try:
        actions.do_close_commitment(
            request.agent, row, request.POST.get("state", ""), request.POST.get("note", "")
        )
    except ValidationError as exc:
        _problem(request, exc)
    else:
        messages.success(request, "Promise updated.")
    return _back(request, row.conversation_id)


@require_POST
@agent_required
def propose(request, pk: int):
    conversation = access_conversation(request.agent, pk)
    kind, amount, note = (request.POST.get(k, "") for k in ("kind", "amount", "note"))
    try:
        comp = actions.do_propose_compensation(request.agent, conversation, kind, amount, note)
    except ValidationError as exc:
        _problem(request, exc)
        _keep(request, pk, "compensation", exc, kind=kind, amount=amount, note=note)
    else:
        if comp.state == "pending":
            messages.success(
                request, f"Sent for approval ({comp.required_role}): {comp.approval_reason}."
            )
        else:
            messages.success(request, "Offer recorded: within your limit.")
    return _back(request, pk)


@require_POST
@agent_required(roles=SUPERVISORS)
def decide(request, pk: int):
    comp = get_object_or_404(Compensation, pk=pk)
    access_conversation(request.agent, comp.conversation_id)
    approve = request.POST.get("decision") == "approve"
    try:
        actions.do_decide_compensation(request.agent, comp, approve, request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        _problem(request, exc)
    else:
        messages.success(request, "Approved." if approve else "Rejected.")
    return _back(request, comp.conversation_id)


@require_POST
@agent_required
def outcome(request, pk: int):
    comp = get_object_or_404(Compensation, pk=pk)
    access_conversation(request.agent, comp.conversation_id)
    try:
        actions.do_compensation_outcome(request.agent, comp, request.POST.get("outcome", ""))
    except ValidationError as exc:
        _problem(request, exc)
    else:
        messages.success(request, "Outcome recorded.")
    return _back(request, comp.conversation_id)


@require_POST
@agent_required
def dismiss_warning(request, pk: int):
    warning = get_object_or_404(AbuseWarning, pk=pk)
    access_conversation(request.agent, warning.conversation_id)
    try:
        actions.do_dismiss_warning(request.agent, warning, request.POST.get("reason", ""))
    except ValidationError as exc:
        _problem(request, exc)
    return _back(request, warning.conversation_id)


@require_POST
@agent_required(roles=SUPERVISORS)
def block(request, pk: int):
    conversation = access_conversation(request.agent, pk)
    hours = request.POST.get("hours", "")
    try:
        actions.do_block(
            request.agent,
            conversation,
            request.POST.get("kind", ""),
            int(hours) if hours.isdigit() else 0,
            request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _problem(request, exc)
    else:
        messages.success(
            request, "Decision recorded. Messages are still stored; the case stays open."
        )
    return _back(request, pk)


@require_POST
@agent_required(roles=SUPERVISORS)
def lift(request, pk: int):
    row = get_object_or_404(ContactBlock, pk=pk)
    if row.conversation_id:
        access_conversation(request.agent, row.conversation_id)
    try:
        actions.do_lift_block(request.agent, row, request.POST.get("reason", ""))
    except PermissionDenied as exc:
        _problem(request, exc)
    else:
        messages.success(request, "Lifted.")
    return (
        _back(request, row.conversation_id)
        if row.conversation_id
        else redirect("escalation:boundaries")
    )


@require_POST
@agent_required
def take_break(request):
    actions.do_take_break(request.agent)
    messages.success(
        request,
        "Enjoy the break. Hostile conversations go to colleagues for the rest of this shift.",
    )
    return redirect("inbox")
