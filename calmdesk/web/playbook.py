"""The playbook in the conversation page (issue 5): step tracker, draft, live coach.

Read-only views (the panel, the draft, the coach) build the playbook's view
of the conversation in a fixed number of queries; they are loaded by htmx so
the conversation page itself does not pay for them. The one write (the step
override) goes through calmdesk.actions. Every fetch goes through
calmdesk.access: another team's conversation is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from calmdesk import actions
from calmdesk.access import access_conversation
from calmdesk.actions.conversations import MAX_REPLY_CHARS
from calmdesk.models import Agent, Conversation
from calmdesk.playbook import (
    STEP_KEYS,
    CoachResult,
    Policy,
    PolicyError,
    coach,
    draft_reply,
    load_policy,
    recommend,
    track_steps,
)
from calmdesk.services.playbook_views import agent_view, conversation_view
from calmdesk.web.auth import agent_required


def policy_path() -> str | None:
    return settings.CALMDESK_POLICY_PATH or None


def active_policy() -> Policy | None:
    """The active policy; None when it is invalid (the pages say so, the desk still works)."""
    try:
        return load_policy(policy_path())
    except PolicyError:
        return None


def coach_reply(agent: Agent, conversation: Conversation, body: str) -> CoachResult | None:
    """The coach's verdict on `body` for this conversation; None without a usable policy."""
    policy = active_policy()
    if policy is None or not body.strip():
        return None
    return coach(body, conversation_view(conversation), policy, agent_view(agent))


def coach_context(result: CoachResult | None) -> dict:
    if result is None:
        return {"coach": None}
    ordered = sorted(result.findings, key=lambda f: (f.severity != "blocking", f.start))
    findings = [{**f.to_dict(), "message": f.message, "label": f.label} for f in ordered]
    return {
        "coach": result,
        "findings": findings,
        "blocking": [f for f in findings if f["severity"] == "blocking"],
    }


@require_safe
@agent_required
def panel(request, pk: int):
    """The side panel: the six steps, the next one's sample language, what to do next."""
    agent = request.agent
    conversation = access_conversation(agent, pk)
    policy = active_policy()
    context = {"conversation": conversation, "policy_ok": policy is not None}
    if policy is not None:
        view, me = conversation_view(conversation), agent_view(agent)
        progress = track_steps(view, policy, me)
        context.update(
            progress=progress,
            recommendations=[r for r in recommend(view, policy, me) if r.kind != "next_step"],
            step_choices=[(i, policy.step(key).title) for i, key in enumerate(STEP_KEYS, start=1)],
        )
    return render(request, "calmdesk/conversation/_playbook.html", context)


@require_safe
@agent_required
def draft(request, pk: int):
    """The reply box filled with a personalized draft, and the coach's verdict on it."""
    agent = request.agent
    conversation = access_conversation(agent, pk)
    policy = active_policy()
    context = {"conversation": conversation, "oob": True, "coach": None}
    if policy is None:
        context["reply_body"] = ""
        context["policy_error"] = True
    else:
        view, me = conversation_view(conversation), agent_view(agent)
        text = draft_reply(view, policy, me).text
        context["reply_body"] = text
        context.update(coach_context(coach(text, view, policy, me)))
    return render(request, "calmdesk/conversation/_draft.html", context)


@require_POST
@agent_required
def coach_view(request, pk: int):
    """The findings for the reply being typed (htmx, debounced): a partial."""
    agent = request.agent
    conversation = access_conversation(agent, pk)
    body = request.POST.get("body", "")[:MAX_REPLY_CHARS]
    context = {
        "conversation": conversation,
        **coach_context(coach_reply(agent, conversation, body)),
    }
    return render(request, "calmdesk/conversation/_coach.html", context)


@require_POST
@agent_required
def set_step(request, pk: int):
    """The agent's framework step override; 0 lets the playbook infer it again."""
    agent = request.agent
    conversation = access_conversation(agent, pk)
    value = request.POST.get("step", "")
    try:
        actions.do_set_framework_step(agent, conversation, int(value) if value.isdigit() else -1)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        step = conversation.framework_step
        messages.success(
            request, f"Next step set to step {step}." if step else "Next step: inferred again."
        )
    return redirect(reverse("conversation", args=[conversation.pk]) + "#playbook-panel")
