"""What the conversation page shows of the escalation area (loaded by htmx into the page).

Read-only: a fixed number of queries per conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from calmdesk.access import is_manager
from calmdesk.actions.abuse import active_block, decision_needed
from calmdesk.actions.compensation import RANK, judge
from calmdesk.actions.wellbeing import current_shift
from calmdesk.models import (
    AbuseWarning,
    Agent,
    Commitment,
    Compensation,
    Conversation,
    Direction,
    Escalation,
    Handoff,
    HandoffState,
    Role,
    WarningState,
)
from calmdesk.models.compensation import GIVEN
from calmdesk.playbook import Policy
from calmdesk.playbook.sla import time_left
from calmdesk.web.auth import SUPERVISORS


@dataclass
class Panel:
    conversation: Conversation
    time_left: str
    escalations: list[Escalation]
    guidance: str
    pending_handoff: Handoff | None
    warnings: list[AbuseWarning]
    offered: list[AbuseWarning]
    decision_needed: bool
    block: object
    can_block: bool
    pause_hours: list[int]
    commitments: list[Commitment]
    compensations: list[Compensation]
    past: list[Compensation]
    judgement: object
    options: list[tuple[str, str, float]] = field(default_factory=list)  # key, label, limit
    can_deescalate: bool = False
    can_escalate_to: list[str] = field(default_factory=list)
    shift: object = None
    over_threshold: bool = False
    policy: Policy | None = None


def _asks_for_senior(conversation: Conversation) -> bool:
    latest = (
        conversation.messages.filter(direction=Direction.IN, assessment__isnull=False)
        .order_by("-sent_at", "-id")
        .values_list("assessment", flat=True)
        .first()
    )
    return any(s.get("kind") == "escalation_request" for s in (latest or {}).get("signals", []))


def build(agent: Agent, conversation: Conversation, policy: Policy) -> Panel:
    now = timezone.now()
    habitual = judge(conversation.customer, policy)
    comps = list(
        Compensation.objects.filter(customer=conversation.customer)
        .select_related("proposed_by__user", "decided_by__user", "conversation")
        .order_by("-created_at")[:50]
    )
    warnings = list(
        AbuseWarning.objects.filter(conversation=conversation).select_related("message")
    )
    shift = current_shift(agent, now)
    ladder = ["lead", "manager"] if agent.role in SUPERVISORS else ["lead"]
    guidance = ""
    if _asks_for_senior(conversation):
        guidance = policy.drafts.escalation_request
    return Panel(
        conversation=conversation,
        time_left=time_left(conversation.sla_due_at, now),
        escalations=list(Escalation.objects.filter(conversation=conversation)[:10]),
        guidance=guidance,
        pending_handoff=conversation.handoffs.filter(state=HandoffState.PENDING)
        .select_related("to_agent__user", "from_agent__user", "to_team")
        .first(),
        warnings=warnings,
        offered=[w for w in warnings if w.state == WarningState.OFFERED],
        decision_needed=decision_needed(conversation),
        block=active_block(conversation.customer_id, conversation.channel, now),
        can_block=agent.role in policy.boundary.deciders,
        pause_hours=list(policy.boundary.pause_options_hours),
        commitments=list(
            Commitment.objects.filter(conversation=conversation)
            .select_related("owner__user")
            .order_by("state", "due_at")
        ),
        compensations=[c for c in comps if c.conversation_id == conversation.pk],
        past=[c for c in comps if c.conversation_id != conversation.pk and c.state in GIVEN],
        judgement=habitual,
        options=[
            (
                key,
                policy.compensation.options[key].label,
                policy.limit(agent.role, key, habitual.habitual),
            )
            for key in policy.compensation.options
        ],
        can_deescalate=agent.role in SUPERVISORS and conversation.escalation_level != "none",
        can_escalate_to=[lvl for lvl in ladder if RANK.get(lvl, 0) > _rank(conversation)],
        shift=shift,
        over_threshold=bool(shift and shift.hostile >= policy.wellbeing.hostile_per_shift),
        policy=policy,
    )


def _rank(conversation: Conversation) -> int:
    return {"none": 0, "lead": 1, "manager": 2}[conversation.escalation_level]


def can_decide_compensation(agent: Agent) -> bool:
    return agent.role in (Role.LEAD, Role.MANAGER, Role.ADMIN) or is_manager(agent)
