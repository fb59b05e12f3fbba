"""The coach: check a reply against the policy before it is sent.

`coach(reply, conversation, policy, agent)` returns a score 0-100 and
findings, each with its exact span in the reply, a severity from the
policy, the policy rule that produced it and a concrete rewrite (replace
reply[start:end] with `suggestion`; a zero-length span means "insert").
With `conversation=None` it coaches against an empty context: only the
checks that need no customer (wording, times, amounts) run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmdesk.playbook.policy import Policy
from calmdesk.playbook.rubric.promises import check_amounts, check_times
from calmdesk.playbook.rubric.required import (
    check_acknowledgement,
    check_boundary,
    check_options,
    check_personal,
)
from calmdesk.playbook.rubric.state import Finding, build_state
from calmdesk.playbook.rubric.wording import (
    check_apologies,
    check_emotion,
    check_personal_data,
    check_phrases,
)
from calmdesk.playbook.views import AgentView, ConversationView

# Order matters only for the order of findings with the same span.
CHECKS = (
    check_boundary,
    check_acknowledgement,
    check_personal,
    check_apologies,
    check_phrases,
    check_emotion,
    check_personal_data,
    check_amounts,
    check_times,
    check_options,
)
MAX_PENALTIES_PER_KIND = 2


@dataclass(frozen=True)
class CoachResult:
    score: int
    findings: list[Finding]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "blocking"]

    def kinds(self) -> set[str]:
        return {f.kind for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "findings": [f.to_dict() for f in self.findings]}


def score(findings: list[Finding], policy: Policy) -> int:
    penalties = policy.coaching.penalties
    counted: dict[str, int] = {}
    total = 0
    for f in findings:
        counted[f.kind] = counted.get(f.kind, 0) + 1
        if counted[f.kind] <= MAX_PENALTIES_PER_KIND:
            total += penalties.blocking if f.severity == "blocking" else penalties.advice
    return max(0, 100 - total)


def coach(
    reply: str,
    conversation: ConversationView | None,
    policy: Policy,
    agent: AgentView | None = None,
    now: datetime | None = None,
) -> CoachResult:
    """Score `reply` and list what to change, with spans and rewrites."""
    st = build_state(reply, conversation, policy, agent, now)
    if reply.strip():
        for check in CHECKS:
            check(st)
    findings = sorted(st.findings, key=lambda f: (f.start, f.end))
    return CoachResult(score(findings, policy), findings)


__all__ = ["CoachResult", "Finding", "coach"]
