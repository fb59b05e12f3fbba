"""The boundary protocol: warn, warn finally, then a lead or manager decides.

When the analysis finds abuse aimed at staff in a customer's message, a
warning is recorded and the agent is offered the policy's boundary message
(the final warning once `boundary.warnings_before_final` were sent). Abuse
after a final warning asks the policy's `deciders` (leads, managers) to
decide: pause the channel or block the contact, with a reason, a duration
and an audit record. Nothing is blocked automatically, and a blocked
contact's messages are still stored (held: nobody is asked to answer them
until the block ends) and listed for managers. The case stays open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import managers_of, notify
from calmdesk.models import (
    AbuseWarning,
    Agent,
    BlockKind,
    ContactBlock,
    Conversation,
    Customer,
    Direction,
    Message,
    Status,
    WarningStage,
    WarningState,
)
from calmdesk.playbook import Policy, load_policy
from calmdesk.playbook.compiled import compiled

ACTIVE = (Status.OPEN, Status.PENDING)


def abuse_in(assessment: dict | None, policy: Policy) -> tuple[list[str], list[str]] | None:
    """(signal kinds, evidence words) when an assessment shows abuse aimed at staff."""
    if not assessment:
        return None
    cfg = policy.boundary
    kinds, words = [], []
    for s in assessment.get("signals") or []:
        if s.get("kind") in cfg.trigger_signals and (s.get("score") or 0) > 0:
            kinds.append(s["kind"])
            words += [e.get("text", "") for e in s.get("evidence") or []]
    if not kinds and (assessment.get("abuse") or 0) < cfg.min_abuse:
        return None
    return kinds or ["abuse"], [w for w in words if w][:10]


def sent_warnings(conversation: Conversation) -> int:
    return AbuseWarning.objects.filter(conversation=conversation, state=WarningState.SENT).count()


def record_abuse(message: Message, policy: Policy | None = None) -> AbuseWarning | None:
    """Record the warning an abusive inbound message calls for (once per message)."""
    policy = policy or load_policy()
    found = abuse_in(message.assessment, policy)
    if found is None or message.direction != Direction.IN:
        return None
    conversation = message.conversation
    given = sent_warnings(conversation)
    final = given >= policy.boundary.warnings_before_final
    warning, created = AbuseWarning.objects.get_or_create(
        message=message,
        defaults={
            "conversation": conversation,
            "customer_id": conversation.customer_id,
            "stage": WarningStage.FINAL if final else WarningStage.WARNING,
            "signals": found[0],
            "evidence": found[1],
            "text": policy.boundary.final_warning_message if final else policy.boundary.message,
        },
    )
    if not created:
        return warning
    log_event(
        EventKind.ABUSE_WARNING,
        conversation=conversation,
        message=message.pk,
        stage=warning.stage,
        signals=found[0],
    )
    who = conversation.customer.name or f"conversation #{conversation.pk}"
    if conversation.assignee_id:
        notify(
            [conversation.assignee],
            "boundary.warning",
            f"Abusive message from {who}",
            f"Set a boundary before anything else: {warning.text}",
            conversation=conversation,
            email=False,
            chat=False,
        )
    if (
        final
        and AbuseWarning.objects.filter(
            conversation=conversation, stage=WarningStage.FINAL, state=WarningState.SENT
        ).exists()
    ):
        deciders = [a for a in managers_of(conversation) if a.role in policy.boundary.deciders]
        notify(
            deciders,
            "boundary.decision",
            f"Decide: pause or block {who}",
            "Abuse continued after the final warning. Decide whether to pause the channel or "
            "block the contact, with a reason and a duration.",
            conversation=conversation,
            url="/escalation/boundaries/",
        )
    return warning


def decision_needed(conversation: Conversation) -> bool:
    """Abuse after a final warning was sent, and no block yet."""
    final = (
        AbuseWarning.objects.filter(
            conversation=conversation, stage=WarningStage.FINAL, state=WarningState.SENT
        )
        .order_by("created_at")
        .first()
    )
    if final is None:
        return False
    later = AbuseWarning.objects.filter(conversation=conversation, created_at__gt=final.created_at)
    return later.exists() and not conversation.blocks.filter(lifted_at__isnull=True).exists()


def mark_warnings_sent(reply: Message, policy: Policy) -> int:
    """A reply that states the boundary sends the warnings offered so far."""
    body = reply.body.replace("\u2019", "'")
    if not any(rx.search(body) for rx in compiled(policy).boundary):
        return 0
    offered = list(
        AbuseWarning.objects.filter(
            conversation_id=reply.conversation_id, state=WarningState.OFFERED
        )
    )
    for w in offered:
        w.state, w.sent_in = WarningState.SENT, reply
        w.save(update_fields=["state", "sent_in"])
        log_event(
            EventKind.ABUSE_WARNING_SENT,
            actor=reply.author,
            conversation=reply.conversation,
            warning=w.pk,
            stage=w.stage,
            message=reply.pk,
        )
    return len(offered)


@transaction.atomic
def do_dismiss_warning(agent: Agent, warning: AbuseWarning, reason: str = "") -> AbuseWarning:
    """Not abuse at staff after all (e.g. swearing at a situation); recorded, not sent."""
    if warning.state != WarningState.OFFERED:
        raise ValidationError("This warning was already handled.")
    warning.state = WarningState.DISMISSED
    warning.save(update_fields=["state"])
    log_event(
        EventKind.ABUSE_WARNING_DISMISSED,
        actor=agent,
        conversation=warning.conversation,
        warning=warning.pk,
        reason=" ".join(reason.split())[:300],
    )
    return warning


def check_can_block(agent: Agent, policy: Policy) -> None:
    if agent.role not in policy.boundary.deciders:
        allowed = ", ".join(policy.boundary.deciders)
        raise PermissionDenied(f"Only a {allowed} may pause a channel or block a contact.")


def active_block(customer_id: int, channel: str, now: datetime) -> ContactBlock | None:
    return (
        ContactBlock.objects.filter(
            Q(kind=BlockKind.BLOCK) | Q(kind=BlockKind.PAUSE, channel=channel),
            customer_id=customer_id,
            lifted_at__isnull=True,
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .order_by("-ends_at")
        .first()
    )


def customers_maybe_blocked(start: datetime, end: datetime) -> set[int]:
    """Customers with a block (of any kind, on any channel) in force at some time
    in [start, end]: the only ones `active_block` can find anything for then."""
    return set(
        ContactBlock.objects.filter(
            lifted_at__isnull=True, starts_at__lte=end, ends_at__gt=start
        ).values_list("customer_id", flat=True)
    )


def _affected(block: ContactBlock):
    qs = Conversation.objects.filter(customer=block.customer, status__in=ACTIVE)
    if block.kind == BlockKind.PAUSE:
        qs = qs.filter(pk=block.conversation_id)
    return qs


@transaction.atomic
def do_block(
    actor: Agent,
    conversation: Conversation,
    kind: str,
    hours: int,
    reason: str,
    *,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> ContactBlock:
    """A decider pauses this conversation's channel or blocks the contact, for `hours`."""
    policy = policy or load_policy()
    check_can_block(actor, policy)
    if kind not in BlockKind.values:
        raise ValidationError("Choose pause or block.")
    if hours not in policy.boundary.pause_options_hours:
        options = ", ".join(str(h) for h in policy.boundary.pause_options_hours)
        raise ValidationError(f"Choose a duration the policy allows: {options} hours.")
    reason = " ".join(reason.split())[:500]
    if len(reason) < 5:
        raise ValidationError("Give the reason for the decision.")
    now = now or timezone.now()
    block = ContactBlock.objects.create(
        customer=conversation.customer,
        conversation=conversation,
        kind=kind,
        channel=conversation.channel if kind == BlockKind.PAUSE else "",
        reason=reason,
        starts_at=now,
        ends_at=now + timedelta(hours=hours),
        decided_by=actor,
    )
    _affected(block).update(held_until=block.ends_at, awaiting_reply=False, updated_at=now)
    log_event(
        EventKind.CONTACT_BLOCKED,
        actor=actor,
        conversation=conversation,
        block=block.pk,
        block_kind=kind,
        hours=hours,
        reason=reason,
        until=block.ends_at.isoformat(),
    )
    notify(
        [conversation.assignee, *managers_of(conversation)],
        "boundary.blocked",
        f"{block.get_kind_display()}: {conversation.customer.name or conversation.pk}",
        f"{actor.name}, for {hours} h: {reason}",
        conversation=conversation,
        chat=False,
    )
    return block


def _release(conversations) -> None:
    for c in conversations:
        c.held_until = None
        c.awaiting_reply = bool(
            c.last_inbound_at
            and (c.last_outbound_at is None or c.last_inbound_at > c.last_outbound_at)
        )
        c.save(update_fields=["held_until", "awaiting_reply", "updated_at"])


@transaction.atomic
def do_lift_block(
    actor: Agent | None, block: ContactBlock, reason: str = "", *, policy: Policy | None = None
) -> ContactBlock:
    """End a pause or block early (a decider), or at its end (the sweep, actor None)."""
    if actor is not None:
        check_can_block(actor, policy or load_policy())
    block = ContactBlock.objects.select_for_update(of=("self",)).get(pk=block.pk)
    if block.lifted_at is not None:
        return block
    now = timezone.now()
    block.lifted_at, block.lifted_by = min(now, block.ends_at), actor
    block.lift_reason = " ".join(reason.split())[:300] or ("ended" if actor is None else "lifted")
    block.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    still = [c for c in _affected(block) if active_block(c.customer_id, c.channel, now) is None]
    _release(still)
    log_event(
        EventKind.CONTACT_UNBLOCKED,
        actor=actor,
        conversation=block.conversation,
        block=block.pk,
        reason=block.lift_reason,
    )
    return block


def hold_if_blocked(message: Message, now: datetime | None = None) -> ContactBlock | None:
    """A message from a blocked contact: stored, held (nobody asked to answer)."""
    conversation = message.conversation
    block = active_block(conversation.customer_id, conversation.channel, now or timezone.now())
    if block is None:
        return None
    conversation.held_until, conversation.awaiting_reply = block.ends_at, False
    conversation.save(update_fields=["held_until", "awaiting_reply", "updated_at"])
    log_event(EventKind.MESSAGE_HELD, conversation=conversation, message=message.pk, block=block.pk)
    return block


def expire_blocks(now: datetime | None = None) -> int:
    """End the blocks whose time is up and release their conversations."""
    now = now or timezone.now()
    done = 0
    for block in ContactBlock.objects.filter(lifted_at__isnull=True, ends_at__lte=now):
        do_lift_block(None, block)
        done += 1
    return done


def held_messages(block: ContactBlock) -> list[Message]:
    """Messages that came in while the block was in force (managers see them)."""
    until = block.lifted_at or block.ends_at
    qs = Message.objects.filter(
        conversation__customer_id=block.customer_id,
        direction=Direction.IN,
        sent_at__gte=block.starts_at,
        sent_at__lt=until,
    )
    if block.kind == BlockKind.PAUSE:
        qs = qs.filter(channel=block.channel)
    return list(qs.select_related("conversation").order_by("sent_at", "id")[:200])


def blocked_customer_ids(customers: list[Customer], now: datetime) -> set[int]:
    return set(
        ContactBlock.objects.filter(
            customer__in=customers, lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now
        ).values_list("customer_id", flat=True)
    )
