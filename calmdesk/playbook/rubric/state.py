"""What the coach knows while it reads one reply.

`CoachState` is built once per call: the normalised reply, the compiled
policy, who is writing, what the customer said and wants, and the time
the SLA allows. Each check reads it and returns findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from calmdesk.playbook.compiled import Compiled, compiled
from calmdesk.playbook.context import DraftContext, draft_context
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.schema_ops import Target
from calmdesk.playbook.text import content_words, wants_remedy
from calmdesk.playbook.views import EMPTY_CONVERSATION, AgentView, ConversationView


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str  # "blocking" | "advice"
    start: int
    end: int
    text: str  # reply[start:end]; "" for something missing
    rule: str  # the policy path of the rule, e.g. "coaching.avoid.blame.0"
    suggestion: str  # replace reply[start:end] with this ("" = delete it)
    message: str = ""  # one line for people; not part of to_dict()

    @property
    def label(self) -> str:
        """The kind for people: "missing apology", not "missing_apology"."""
        return self.kind.replace("_", " ")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
            "suggestion": self.suggestion,
        }


@dataclass
class CoachState:
    original: str  # the reply as written; findings quote it
    reply: str  # curly apostrophes made straight; same length as the original
    policy: Policy
    rx: Compiled
    conversation: ConversationView
    known: bool  # False when coaching against an empty context
    role: str
    ctx: DraftContext
    target: Target
    habitual: bool
    issue_words: set[str]
    wants_remedy: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def level(self) -> str:
        return self.conversation.level

    @property
    def public(self) -> bool:
        return self.ctx.public

    def required(self, element: str) -> bool:
        return self.known and self.policy.required_at(element, self.level)

    def add(
        self,
        kind: str,
        start: int,
        end: int,
        rule: str,
        suggestion: str,
        message: str,
    ) -> None:
        severity = self.policy.severity(kind)
        if severity == "ignore":
            return
        self.findings.append(
            Finding(kind, severity, start, end, self.original[start:end], rule, suggestion, message)
        )

    def has(self, kind: str) -> bool:
        return any(f.kind == kind for f in self.findings)


def build_state(
    reply: str,
    conversation: ConversationView | None,
    policy: Policy,
    agent: AgentView | None,
    now: datetime | None,
) -> CoachState:
    known = conversation is not None
    conv = conversation if conversation is not None else EMPTY_CONVERSATION
    ctx = draft_context(conv, policy, agent, now or datetime.now(UTC))
    issue_words = content_words(ctx.issue.restated) if ctx.issue else set()
    return CoachState(
        original=reply,
        reply=reply.replace("\u2019", "'").replace("\u2018", "'"),
        policy=policy,
        rx=compiled(policy),
        conversation=conv,
        known=known,
        role=agent.role if agent else policy.coaching.default_role,
        ctx=ctx,
        target=policy.sla_target(conv.channel, conv.level),
        habitual=conv.customer.habitual,
        issue_words=issue_words,
        wants_remedy=known and wants_remedy(conv, policy),
    )


_SENTENCE_END = re.compile(r"[.!?\n]")


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end (before the full stop) of the sentence around `pos`."""
    start = max(text.rfind(c, 0, pos) for c in ".!?\n") + 1
    m = _SENTENCE_END.search(text, pos)
    return start, (m.start() if m else len(text.rstrip()))


def at_sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:\n"


def match_case(suggestion: str, sentence_start: bool) -> str:
    """Capitalise a rewrite at the start of a sentence, lower-case it elsewhere."""
    if not suggestion:
        return suggestion
    if sentence_start:
        return suggestion[:1].upper() + suggestion[1:]
    if re.match(r"I\b", suggestion):
        return suggestion
    return suggestion[:1].lower() + suggestion[1:]
