"""Personalized reply drafts, built from the policy's templates.

Deterministic: the same conversation, policy, agent and `now` give the same
draft. A private reply walks the framework: greeting with the first name,
their issue repeated back in their own words, the boundary statement when
they were abusive, the emotion acknowledged, one apology, a clarifying
question when the issue is unclear, the options this agent may offer, a
time the SLA can keep and the follow-up. Public channels get a short public
reply that moves the conversation to a private channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmdesk.playbook.context import DraftContext, draft_context, render
from calmdesk.playbook.policy import Policy, level_at_least
from calmdesk.playbook.text import customer_wants, wants_remedy
from calmdesk.playbook.views import (
    AgentView,
    ConversationView,
    dominant_emotion,
    signal_kinds,
)


@dataclass(frozen=True)
class DraftPart:
    name: str  # greeting, acknowledge, boundary, emotion, apology, ... closing
    text: str


@dataclass(frozen=True)
class Draft:
    text: str
    parts: list[DraftPart]
    public: bool
    due: datetime  # the time the draft commits to

    def part(self, name: str) -> str:
        return next((p.text for p in self.parts if p.name == name), "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "public": self.public,
            "due": self.due.isoformat(),
            "parts": [{"name": p.name, "text": p.text} for p in self.parts],
        }


def is_abusive(conversation: ConversationView, policy: Policy) -> bool:
    """Whether the latest inbound messages call for the boundary statement."""
    cfg = policy.boundary
    triggers = set(cfg.trigger_signals)
    return any(
        a.abuse >= cfg.min_abuse or any(s.kind in triggers and s.score > 0 for s in a.signals)
        for a in conversation.assessments(latest_only=True)
    )


def boundary_text(conversation: ConversationView, policy: Policy) -> str:
    cfg = policy.boundary
    final = conversation.abuse_warnings >= cfg.warnings_before_final
    return cfg.final_warning_message if final else cfg.message


MAX_OPTIONS = 4
_WANT_OPTION = {
    "a refund": "refund",
    "a replacement": "replacement",
    "compensation": "store_credit",
}
_FEE_CAUSES = {"billing_payment", "policy"}


def draft_options(
    conversation: ConversationView, policy: Policy, role: str, root_cause: str
) -> list[str]:
    """The options to offer: what they asked for first, then the ladder, at most four."""
    allowed = policy.options_for(role)
    if root_cause not in _FEE_CAUSES:
        allowed = [o for o in allowed if o != "fee_waiver"] or allowed
    wanted = [_WANT_OPTION[w] for w in customer_wants(conversation) if w in _WANT_OPTION]
    ordered = [o for o in wanted if o in allowed] + [o for o in allowed if o not in wanted]
    return ordered[:MAX_OPTIONS]


def _options(
    conversation: ConversationView,
    ctx: DraftContext,
    policy: Policy,
    agent: AgentView | None,
    short: bool,
) -> str:
    role = agent.role if agent else policy.coaching.default_role
    options = draft_options(conversation, policy, role, ctx.root_cause)
    if not options:
        return ""
    infos = [policy.compensation.options[o] for o in options]  # type: ignore[index]
    if short:
        labels = [i.label[0].lower() + i.label[1:] for i in infos[:3]]
        joined = ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]
        return f"I can offer {joined}; which would you prefer?"
    lines = [render(policy.drafts.options_intro, ctx)]
    lines += [
        render(policy.drafts.option_line, ctx, label=i.label, explain=i.explain) for i in infos
    ]
    return "\n".join(lines)


def _public(conversation: ConversationView, policy: Policy, ctx: DraftContext) -> list[DraftPart]:
    text = render(policy.drafts.public_reply, ctx).rstrip(" -\u2014")
    if not is_abusive(conversation, policy):
        return [DraftPart("public", text)]
    head, sep, rest = text.partition(". ")
    return [
        DraftPart("public", head + sep.rstrip()),
        DraftPart("boundary", boundary_text(conversation, policy)),
        DraftPart("public", rest),
    ]


def _private(
    conversation: ConversationView, policy: Policy, agent: AgentView | None, ctx: DraftContext
) -> list[DraftPart]:
    d = policy.drafts
    sms = conversation.channel == "sms"
    parts: list[DraftPart] = []
    greeting = d.greeting if ctx.first_name else d.greeting_no_name
    parts.append(DraftPart("greeting", render(greeting, ctx)))
    if ctx.issue:
        ack = render(policy.sample("listen_acknowledge", ctx.channel, ctx.tone), ctx)
    else:
        ack = render(d.acknowledge_unclear, ctx)
    parts.append(DraftPart("acknowledge", ack))
    if is_abusive(conversation, policy):
        parts.append(DraftPart("boundary", boundary_text(conversation, policy)))
    emotion = dominant_emotion(conversation)
    if emotion and not sms:
        parts.append(DraftPart("emotion", render(d.emotions[emotion], ctx)))  # type: ignore[index]
    parts.append(DraftPart("apology", render(d.apology, ctx)))
    signals = signal_kinds(conversation, latest_only=True)
    if not sms and ("repeat_contact" in signals or conversation.customer.contact_count >= 2):
        parts.append(DraftPart("repeat_contact", render(d.repeat_contact, ctx)))
    if not sms and "escalation_request" in signals:
        parts.append(DraftPart("escalation_request", render(d.escalation_request, ctx)))
    if ctx.issue is None:
        parts.append(DraftPart("clarify", render(d.clarify_question, ctx)))
    remedy = wants_remedy(conversation, policy)
    if remedy or (ctx.issue is not None and level_at_least(conversation.level, "difficult")):
        options = _options(conversation, ctx, policy, agent, short=sms)
        if options:
            parts.append(DraftPart("options", options))
    parts.append(DraftPart("commitment", render(d.commitment, ctx)))
    if not sms:
        parts.append(DraftPart("follow_up", render(d.follow_up, ctx)))
    if ctx.agent_name:
        closing = f"- {agent.first_name}" if sms and agent else render(d.closing, ctx)
        parts.append(DraftPart("closing", closing))
    return parts


_PARAGRAPH_BREAK_BEFORE = {"acknowledge", "emotion", "clarify", "options", "commitment", "closing"}


def _join(parts: list[DraftPart], compact: bool) -> str:
    if compact:
        return " ".join(p.text for p in parts)
    out = ""
    for p in parts:
        if not out:
            out = p.text
        elif p.name in _PARAGRAPH_BREAK_BEFORE:
            out += "\n\n" + p.text
        else:
            out += " " + p.text
    return out


def draft_reply(
    conversation: ConversationView,
    policy: Policy,
    agent: AgentView | None = None,
    now: datetime | None = None,
) -> Draft:
    """A personalized, policy-based reply for the agent to edit and send."""
    ctx = draft_context(conversation, policy, agent, now)
    if ctx.public:
        parts = _public(conversation, policy, ctx)
        text = _join(parts, compact=True)
    else:
        parts = _private(conversation, policy, agent, ctx)
        text = _join(parts, compact=conversation.channel == "sms")
    return Draft(text=text, parts=parts, public=ctx.public, due=ctx.due)
