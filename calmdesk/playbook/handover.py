"""The continuity message a customer receives when a new agent takes over."""

from __future__ import annotations

from datetime import datetime

from calmdesk.playbook.context import draft_context, render
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.views import AgentView, ConversationView


def continuity_message(
    conversation: ConversationView, policy: Policy, agent: AgentView, now: datetime | None = None
) -> str:
    """The policy's `drafts.continuity`, filled for this customer and the receiving agent."""
    ctx = draft_context(conversation, policy, agent, now)
    text = " ".join(render(policy.drafts.continuity, ctx).split())
    if not ctx.first_name:
        text = text.replace("Hi ,", "Hello,").replace("Hi  ,", "Hello,")
    return text
