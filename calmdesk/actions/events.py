"""Writing the audit log. Every action calls `log_event` inside its transaction."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from calmdesk.models import Agent, Conversation, Customer, Event


class EventKind(StrEnum):
    MESSAGE_RECEIVED = "message.received"
    MESSAGE_ASSESSED = "message.assessed"
    REPLY_SENT = "conversation.replied"
    REPLY_DELIVERED = "reply.delivered"
    REPLY_FAILED = "reply.failed"
    NOTE_ADDED = "conversation.note_added"
    COACH_OVERRIDE = "reply.coach_override"  # sent despite blocking findings (issue 5)
    FRAMEWORK_STEP_SET = "conversation.framework_step_set"  # agent's step override (issue 5)
    CONVERSATION_CREATED = "conversation.created"
    CONVERSATION_ASSIGNED = "conversation.assigned"
    CONVERSATION_STATUS = "conversation.status_changed"
    CONVERSATION_REOPENED = "conversation.reopened"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMERS_MERGED = "customer.merged"
    IDENTITY_LINKED = "customer.identity_linked"
    USER_CREATED = "user.created"
    TOKEN_CREATED = "token.created"  # noqa: S105 (an event name)
    TOKEN_REVOKED = "token.revoked"  # noqa: S105 (an event name)
    MAILBOX_POLLED = "mailbox.polled"
    FOLLOW_UP_PLANNED = "follow_up.planned"
    FOLLOW_UP_APPROVED = "follow_up.approved"
    FOLLOW_UP_SENT = "follow_up.sent"
    FOLLOW_UP_CANCELLED = "follow_up.cancelled"
    SURVEY_SENT = "survey.sent"
    SURVEY_REMINDED = "survey.reminded"
    SURVEY_ANSWERED = "survey.answered"
    SURVEY_CAMPAIGN_SENT = "survey.campaign_sent"
    RECOVERY_OPPORTUNITY = "survey.recovery_opportunity"
    CUSTOMER_UNSUBSCRIBED = "customer.unsubscribed"
    CUSTOMER_RESUBSCRIBED = "customer.resubscribed"
    CUSTOMER_EVENT = "customer.event_recorded"
    OUTBOX_SENT = "outbox.sent"
    OUTBOX_FAILED = "outbox.failed"
    REVIEW_TRACKED = "review.tracked"
    REVIEW_REVISED = "review.revised"
    REVIEW_REMOVED = "review.removed"
    REVIEW_CASE_OPENED = "review.case_opened"
    REVIEW_SLA_BREACHED = "review.sla_breached"
    REVIEW_PUBLIC_REPLY = "review.public_reply_approved"
    REVIEW_LINKED = "review.reviewer_linked"
    REVIEW_LINK_DISMISSED = "review.link_dismissed"
    REPUTATION_ALERT = "reputation.alert_raised"
    REPUTATION_ALERT_ACK = "reputation.alert_acknowledged"
    REVIEW_SOURCE_SAVED = "review_source.saved"
    FEED_POLLED = "review_source.polled"
    LOCATIONS_IMPORTED = "location.imported"
    # SLAs, escalation, hand-overs, boundaries, promises, compensation, wellbeing (issue 6)
    SLA_AT_RISK = "sla.at_risk"
    SLA_BREACHED = "sla.breached"
    ESCALATED = "conversation.escalated"
    DEESCALATED = "conversation.deescalated"
    HANDOFF_REQUESTED = "handoff.requested"
    HANDOFF_ACCEPTED = "handoff.accepted"
    HANDOFF_DECLINED = "handoff.declined"
    HANDOFF_CANCELLED = "handoff.cancelled"
    ABUSE_WARNING = "boundary.warning_offered"
    ABUSE_WARNING_SENT = "boundary.warning_sent"
    ABUSE_WARNING_DISMISSED = "boundary.warning_dismissed"
    CONTACT_BLOCKED = "boundary.blocked"
    CONTACT_UNBLOCKED = "boundary.lifted"
    MESSAGE_HELD = "boundary.message_held"
    COMMITMENT_ADDED = "commitment.added"
    COMMITMENT_REMINDED = "commitment.reminded"
    COMMITMENT_KEPT = "commitment.kept"
    COMMITMENT_BROKEN = "commitment.broken"
    COMMITMENT_CANCELLED = "commitment.cancelled"
    COMPENSATION_PROPOSED = "compensation.proposed"
    COMPENSATION_APPROVED = "compensation.approved"
    COMPENSATION_REJECTED = "compensation.rejected"
    COMPENSATION_OUTCOME = "compensation.outcome"
    WELLBEING_THRESHOLD = "wellbeing.threshold_reached"
    WELLBEING_REROUTED = "wellbeing.rerouted"
    WELLBEING_BREAK = "wellbeing.break_taken"


def log_event(
    kind: EventKind,
    *,
    actor: Agent | None = None,
    conversation: Conversation | None = None,
    customer: Customer | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **data: Any,
) -> Event:
    return Event.objects.create(
        kind=str(kind),
        actor=actor,
        conversation=conversation,
        customer=customer if customer is not None else getattr(conversation, "customer", None),
        before=before,
        after=after,
        data=data,
    )
