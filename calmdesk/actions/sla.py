"""SLA due times on conversations, and the sweep that marks at-risk and breached ones.

Due times follow from the conversation's own timestamps (`playbook.sla`), so
`refresh_sla` can run at any moment and agree with itself: after an
assessment (the level changes the target), after a reply or a status change.
Raising a state (ok -> at risk -> breached), with its alert and priority, is
the sweep's job (`do_sweep_sla`, a periodic job); a reply that answers the
customer lowers it at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import managers_of, notify
from calmdesk.models import (
    Commitment,
    CommitmentState,
    Conversation,
    Direction,
    Message,
    Priority,
    SlaState,
    Status,
    Team,
)
from calmdesk.playbook import Policy, load_policy
from calmdesk.playbook.sla import SlaClock, SlaDue, compute_due, policy_calendar, sla_state
from calmdesk.playbook.timefmt import TeamCalendar

log = logging.getLogger(__name__)
ACTIVE = (Status.OPEN, Status.PENDING)
_RANK = {SlaState.OK: 0, SlaState.AT_RISK: 1, SlaState.BREACHED: 2}
SWEEP_BATCH = 500
SLA_FIELDS = [
    "response_due_at",
    "resolution_due_at",
    "sla_due_at",
    "sla_state",
    "sla_breached_at",
    "priority",
    "held_until",
]


def team_calendar(team: Team, policy: Policy | None = None) -> TeamCalendar:
    """The policy's opening hours and holidays in the team's time zone."""
    return policy_calendar(policy or load_policy(), team.timezone)


def opened_at(conversation: Conversation, now: datetime) -> datetime:
    """When the customer first wrote (imported history keeps its own times).

    `started_at` is stored by intake (the earliest inbound message's time); a
    conversation without it (none inbound yet) is asked of its messages."""
    first = conversation.started_at
    if first is None:
        first = (
            Message.objects.filter(conversation=conversation, direction=Direction.IN)
            .order_by("sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
    candidates = [t for t in (first, conversation.created_at) if t is not None]
    return min(candidates) if candidates else now


def sla_clock(conversation: Conversation, now: datetime) -> SlaClock:
    return SlaClock(
        channel=conversation.channel,
        level=conversation.level,
        opened_at=opened_at(conversation, now),
        first_response_at=conversation.first_response_at,
        last_inbound_at=conversation.last_inbound_at,
        awaiting_reply=conversation.awaiting_reply and conversation.status != Status.PENDING,
        resolved=conversation.status not in ACTIVE,
        held=conversation.held_until is not None and conversation.held_until > now,
    )


def due_for(conversation: Conversation, now: datetime, policy: Policy) -> tuple[SlaDue, str]:
    cal = team_calendar(conversation.team, policy)
    due = compute_due(sla_clock(conversation, now), policy, cal)
    return due, sla_state(due, now, cal, policy)


def priority_of(conversation: Conversation) -> int:
    """The conversation's priority score from its SLA state and broken promises (one query)."""
    if conversation.status not in ACTIVE:
        return 0
    score = {SlaState.AT_RISK: Priority.SLA_AT_RISK, SlaState.BREACHED: Priority.SLA_BREACHED}.get(
        conversation.sla_state, 0
    )
    if Commitment.objects.filter(conversation=conversation, state=CommitmentState.BROKEN).exists():
        score += Priority.PROMISE_BROKEN
    return score


def refresh_sla(
    conversation: Conversation,
    now: datetime | None = None,
    *,
    policy: Policy | None = None,
    raise_state: bool = False,
) -> str:
    """Store the conversation's due times (and a lower state); returns the computed state.

    With `raise_state` (the sweep) a worse state is stored too, with its event
    and alert. Call inside a transaction.
    """
    now = now or timezone.now()
    policy = policy or load_policy()
    if not raise_state:  # the caller's copy may predate the last sweep
        conversation.refresh_from_db(fields=SLA_FIELDS)
    due, state = due_for(conversation, now, policy)
    fields = []
    values = {
        "response_due_at": due.response_due,
        "resolution_due_at": due.resolution_due,
        "sla_due_at": due.next_due,
    }
    for name, value in values.items():
        if getattr(conversation, name) != value:
            setattr(conversation, name, value)
            fields.append(name)
    old = conversation.sla_state
    worse = _RANK[state] > _RANK[old]
    if state != old and (raise_state or not worse):
        conversation.sla_state = state
        fields.append("sla_state")
        if state == SlaState.BREACHED and conversation.sla_breached_at is None:
            conversation.sla_breached_at = now
            fields.append("sla_breached_at")
        if worse:
            _alert(conversation, state, due)
    priority = priority_of(conversation)
    if priority != conversation.priority:
        conversation.priority = priority
        fields.append("priority")
    if fields:
        conversation.save(update_fields=[*fields, "updated_at"])
    return state


def _alert(conversation: Conversation, state: str, due: SlaDue) -> None:
    kind = EventKind.SLA_BREACHED if state == SlaState.BREACHED else EventKind.SLA_AT_RISK
    log_event(
        kind,
        conversation=conversation,
        after={"sla_state": state},
        clock=due.next_kind,
        due=due.next_due.isoformat() if due.next_due else None,
    )
    who = conversation.customer.name or f"conversation #{conversation.pk}"
    clock = (due.next_kind or "resolution").replace("_", " ")
    if state == SlaState.BREACHED:
        recipients = [conversation.assignee, *managers_of(conversation)]
        title = f"SLA breached: {who} ({clock})"
    else:
        recipients = [conversation.assignee] if conversation.assignee else managers_of(conversation)
        title = f"SLA at risk: {who} ({clock})"
    when = f"{due.next_due:%a %d %b %H:%M} UTC" if due.next_due else "now"
    notify(
        recipients,
        f"sla.{state}",
        title,
        f"Due {when}. {conversation.subject}".strip(),
        conversation=conversation,
    )


@dataclass
class SweepResult:
    checked: int = 0
    at_risk: int = 0
    breached: int = 0
    cleared: int = 0


def do_sweep_sla(now: datetime | None = None, policy: Policy | None = None) -> SweepResult:
    """Recompute every active conversation's SLA; raise states, alert and prioritise."""
    now = now or timezone.now()
    policy = policy or load_policy()
    result = SweepResult()
    stale = Q(status__in=ACTIVE) | ~Q(sla_state=SlaState.OK) | Q(sla_due_at__isnull=False)
    ids = list(Conversation.objects.filter(stale).order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), SWEEP_BATCH):
        chunk = ids[start : start + SWEEP_BATCH]
        with transaction.atomic():
            for c in (
                Conversation.objects.select_for_update(of=("self",))
                .select_related("team", "customer", "assignee__user")
                .filter(pk__in=chunk)
                .order_by("id")
            ):
                before = c.sla_state
                state = refresh_sla(c, now, policy=policy, raise_state=True)
                result.checked += 1
                if state != before:
                    if state == SlaState.BREACHED:
                        result.breached += 1
                    elif state == SlaState.AT_RISK:
                        result.at_risk += 1
                    else:
                        result.cleared += 1
    return result
