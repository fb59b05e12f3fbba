"""Framework tracking: which of the six steps our replies have covered.

A step counts as covered when one of its cues (policy, framework.steps[].cues)
appears in an outbound message; "document and learn" is covered by a root
cause on the conversation or an internal note that matches its cues. The
next step is the first one not covered, unless the agent set one by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from calmdesk.playbook.compiled import any_match, compiled
from calmdesk.playbook.context import draft_context, render
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.schema import STEP_KEYS
from calmdesk.playbook.views import AgentView, ConversationView


@dataclass(frozen=True)
class StepStatus:
    key: str
    title: str
    covered: bool
    evidence: str = ""  # the words that covered it
    message_index: int | None = None  # index into conversation.messages


@dataclass(frozen=True)
class StepProgress:
    steps: list[StepStatus]
    current: str | None  # the next step to take; None when all six are done
    title: str
    goal: str
    sample: str  # the current step's sample language, for this channel and tone
    overridden: bool

    @property
    def covered(self) -> list[str]:
        return [s.key for s in self.steps if s.covered]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def track_steps(
    conversation: ConversationView,
    policy: Policy,
    agent: AgentView | None = None,
    now: datetime | None = None,
) -> StepProgress:
    """Which steps the outbound messages covered and which comes next."""
    cues = compiled(policy).step_cues
    statuses: list[StepStatus] = []
    for step in policy.framework.steps:
        evidence, where = "", None
        if step.internal:
            if conversation.root_cause:
                evidence = f"root cause: {conversation.root_cause}"
            sources = [(i, m) for i, m in enumerate(conversation.messages) if m.direction == "note"]
        else:
            sources = [(i, m) for i, m in enumerate(conversation.messages) if m.direction == "out"]
        for i, msg in sources:
            if evidence:
                break
            m = any_match(cues[step.key], msg.body.replace("\u2019", "'"))
            if m:
                evidence, where = m.group(0), i
        statuses.append(StepStatus(step.key, step.title, bool(evidence), evidence, where))

    overridden = conversation.step_override in STEP_KEYS
    if overridden:
        current: str | None = conversation.step_override
    else:
        current = next((s.key for s in statuses if not s.covered), None)
    if current is None:
        return StepProgress(statuses, None, "All steps done", "", "", overridden=False)
    step = policy.step(current)
    ctx = draft_context(conversation, policy, agent, now)
    template = policy.sample(current, conversation.channel, ctx.tone)
    if current == "clarify_confirm" and ctx.issue is None:
        template = policy.drafts.clarify_question
    sample = render(template, ctx) if template else ""
    return StepProgress(statuses, current, step.title, step.goal, sample, overridden)
