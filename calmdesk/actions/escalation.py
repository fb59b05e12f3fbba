"""Escalation up the ladder (lead -> manager), the policy's rules, and the hooks that run them.

`apply_rules` evaluates `policy.rules` (playbook.evaluate_rules) on a
conversation and carries out what they ask through `registry.dispatch`:
`escalate` moves it up the ladder with the reason (and alerts); the other
actions (approval, boundary message, compensation tier, follow-up) are
advice the panel shows, or are enforced where they apply (compensation
approval in actions.compensation, the boundary in actions.abuse).

Hooks, each a small call from the core actions:
- `queue_after_assessment(ids)` (from assessment._store, on commit): hold a
  blocked contact's message, record abuse, refresh the SLA, apply the rules,
  route hostile work away from an agent past the wellbeing threshold;
- `on_reply(message)` (from do_reply): promises, boundary sent, exposure, SLA;
- `on_status(conversation)` (from do_set_status): de-escalate when resolved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import notify
from calmdesk.models import (
    ESCALATION_RANK,
    Agent,
    Conversation,
    Direction,
    Escalation,
    EscalationLevel,
    Message,
    Role,
    Status,
)
from calmdesk.playbook import Policy, dispatch, evaluate_rules, load_policy
from calmdesk.playbook.registry import ACTION_REGISTRY

log = logging.getLogger(__name__)
_ORDINALS = {
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "tenth": 10,
}
_ORDINAL_RX = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b", re.IGNORECASE)


def contact_count(conversation: Conversation, messages: Iterable = ()) -> int:
    """Contacts about this issue: inbound messages here, the customer's words ("third
    time"), and their other recent conversations with the same team."""
    inbound = [m for m in messages if m.direction == Direction.IN]
    best = max(1, len(inbound))
    for m in inbound:
        for s in m.assessment.signals if m.assessment else ():
            if s.kind == "repeat_contact":
                for e in s.evidence:
                    for word in _ORDINAL_RX.findall(e.text):
                        best = max(best, _ORDINALS[word.lower()])
    since = (conversation.created_at or timezone.now()) - timedelta(
        days=settings.CALMDESK_REPEAT_CONTACT_DAYS
    )
    earlier = (
        Conversation.objects.filter(
            customer_id=conversation.customer_id,
            team_id=conversation.team_id,
            created_at__gte=since,
            created_at__lt=conversation.created_at or timezone.now(),
        )
        .exclude(pk=conversation.pk)
        .count()
    )
    return max(best, len(inbound) + earlier)


def _recipients(conversation: Conversation, level: str) -> list[Agent]:
    qs = Agent.objects.select_related("user").filter(user__is_active=True)
    leads = list(qs.filter(role=Role.LEAD, teams=conversation.team_id))
    managers = list(qs.filter(role=Role.MANAGER))
    return (leads or managers) if level == EscalationLevel.LEAD else managers + leads


def do_escalate(
    conversation: Conversation,
    level: str,
    reason: str,
    *,
    rule: str = "",
    actor: Agent | None = None,
) -> Escalation | None:
    """Move the conversation up to `level` (never down); alerts who must now look at it."""
    if ESCALATION_RANK[level] <= ESCALATION_RANK[conversation.escalation_level]:
        return None
    reason = " ".join(reason.split())[:300] or "escalated"
    try:
        with transaction.atomic():
            row = Escalation.objects.create(
                conversation=conversation,
                level=level,
                reason=reason,
                rule=rule[:200],
                raised_by=actor,
            )
    except IntegrityError:
        return None  # a concurrent run escalated it already
    before = {"escalation_level": conversation.escalation_level}
    conversation.escalation_level, conversation.escalation_reason = level, reason
    conversation.escalated_at = row.created_at
    conversation.save(
        update_fields=["escalation_level", "escalation_reason", "escalated_at", "updated_at"]
    )
    log_event(
        EventKind.ESCALATED,
        actor=actor,
        conversation=conversation,
        before=before,
        after={"escalation_level": level},
        reason=reason,
        rule=rule,
    )
    who = conversation.customer.name or f"conversation #{conversation.pk}"
    label = "a manager" if level == EscalationLevel.MANAGER else "a team lead"
    notify(
        _recipients(conversation, level),
        "escalation",
        f"Escalated to {label}: {who}",
        f"{reason}. {conversation.subject}".strip(),
        conversation=conversation,
    )
    return row


def do_deescalate(actor: Agent | None, conversation: Conversation, reason: str) -> int:
    """Close the open escalations (the case was resolved, or a manager stood it down)."""
    now = timezone.now()
    n = Escalation.objects.filter(conversation=conversation, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor, resolution=reason[:300]
    )
    if conversation.escalation_level != EscalationLevel.NONE:
        before = {"escalation_level": conversation.escalation_level}
        conversation.escalation_level, conversation.escalation_reason = EscalationLevel.NONE, ""
        conversation.save(update_fields=["escalation_level", "escalation_reason", "updated_at"])
        log_event(
            EventKind.DEESCALATED,
            actor=actor,
            conversation=conversation,
            before=before,
            after={"escalation_level": EscalationLevel.NONE},
            reason=reason,
        )
    return n


def apply_rules(conversation: Conversation, policy: Policy | None = None) -> Escalation | None:
    """Evaluate the policy's rules and escalate once, to the highest rung asked, with every reason."""
    from calmdesk.services.playbook_views import conversation_view

    policy = policy or load_policy()
    if conversation.status not in (Status.OPEN, Status.PENDING):
        return None
    wanted: list[tuple[str, str, str]] = []  # (level, reason, rule)

    def escalate(params, rule: str) -> None:
        wanted.append((params.to, params.reason or rule, rule))

    for match in evaluate_rules(conversation_view(conversation, rules=policy), policy):
        handlers = {name: (lambda p: None) for name in ACTION_REGISTRY}
        handlers["escalate"] = lambda p, rule=match.name: escalate(p, rule)
        for name, params in match.actions:
            dispatch(name, params, handlers)
    if not wanted:
        return None
    top = max(wanted, key=lambda w: ESCALATION_RANK[w[0]])[0]
    reasons = list(dict.fromkeys(w[1] for w in wanted))
    return do_escalate(
        conversation,
        top,
        "; ".join(reasons),
        rule=", ".join(dict.fromkeys(w[2] for w in wanted if w[0] == top)),
    )


# --- hooks ------------------------------------------------------------------
def queue_after_assessment(message_ids: Iterable[int]) -> None:
    """Called by the assessment writer: run `after_assessment` once the commit is done."""
    ids = sorted(set(message_ids))
    transaction.on_commit(lambda: _safely(after_assessment, ids))


def _safely(func, *args) -> None:
    try:
        func(*args)
    except Exception:  # the sweep catches up; intake must never fail because of this
        log.exception("escalation hook %s failed", func.__name__)


def after_assessment(
    message_ids: list[int], now: datetime | None = None, *, route: bool = True
) -> None:
    """What a newly assessed message sets off. `route=False` re-evaluates old
    messages (the demo, a backfill) without handing anything over."""
    from calmdesk.actions.abuse import customers_maybe_blocked, hold_if_blocked, record_abuse
    from calmdesk.actions.sla import refresh_sla
    from calmdesk.actions.wellbeing import reroute_if_exposed

    policy = load_policy()
    messages = list(
        Message.objects.filter(pk__in=message_ids, direction=Direction.IN)
        .select_related(
            "conversation__team", "conversation__customer", "conversation__assignee__user"
        )
        .order_by("conversation_id", "sent_at", "id")
    )
    by_conversation: dict[int, list[Message]] = {}
    for m in messages:
        by_conversation.setdefault(m.conversation_id, []).append(m)
    # one query for the batch instead of one per message: blocks are rare
    times = [m.created_at for m in messages]
    blocked = customers_maybe_blocked(min(times), max(times)) if times else set()
    for conversation_id, batch in by_conversation.items():
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update(of=("self",))
                .select_related("team", "customer", "assignee__user")
                .get(pk=conversation_id)
            )
            held = False
            for m in batch:
                m.conversation = conversation
                if conversation.customer_id in blocked:
                    held = hold_if_blocked(m, m.created_at) is not None or held
                if not held:
                    record_abuse(m, policy)
            refresh_sla(conversation, now, policy=policy)
            if not held:
                apply_rules(conversation, policy)
                if route:
                    reroute_if_exposed(conversation, now, policy)


def on_reply(message: Message) -> None:
    """Inside do_reply's transaction: never lets a failure here stop the reply."""
    try:
        with transaction.atomic():
            _on_reply(message)
    except Exception:
        log.exception("escalation reply hook failed for message %s", message.pk)


def _on_reply(message: Message) -> None:
    from calmdesk.actions.abuse import mark_warnings_sent
    from calmdesk.actions.commitments import detect_commitments
    from calmdesk.actions.sla import refresh_sla
    from calmdesk.actions.wellbeing import record_exposure

    policy = load_policy()
    conversation = message.conversation
    detect_commitments(message, policy)
    mark_warnings_sent(message, policy)
    if message.author is not None:
        record_exposure(message.author, conversation, message.sent_at, policy)
    refresh_sla(conversation, policy=policy)


def on_status(actor: Agent | None, conversation: Conversation) -> None:
    """Inside do_set_status's transaction: resolved or closed de-escalates; the SLA follows."""
    from calmdesk.actions.sla import refresh_sla

    try:
        with transaction.atomic():
            if conversation.status in (Status.RESOLVED, Status.CLOSED):
                do_deescalate(actor, conversation, f"conversation {conversation.status}")
            refresh_sla(conversation)
    except Exception:
        log.exception("escalation status hook failed for conversation %s", conversation.pk)


def do_sweep(now: datetime | None = None) -> dict[str, int]:
    """The periodic job: SLA states, promise reminders and breaches, ended blocks,
    and the SLA-breach rule for conversations that just breached."""
    from calmdesk.actions.abuse import expire_blocks
    from calmdesk.actions.commitments import sweep_commitments
    from calmdesk.actions.sla import do_sweep_sla

    now = now or timezone.now()
    policy = load_policy()
    released = expire_blocks(now)
    reminded, broken = sweep_commitments(now, policy)
    result = do_sweep_sla(now, policy)
    breached = Conversation.objects.filter(
        sla_state="breached",
        status__in=(Status.OPEN, Status.PENDING),
        escalation_level=EscalationLevel.NONE,
    ).select_related("team", "customer")
    escalated = 0
    for c in breached:
        with transaction.atomic():
            escalated += apply_rules(c, policy) is not None
    return {
        "checked": result.checked,
        "at_risk": result.at_risk,
        "breached": result.breached,
        "reminded": reminded,
        "broken": broken,
        "released": released,
        "escalated": escalated,
    }
