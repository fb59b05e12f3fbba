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
    CONVERSATION_CREATED = "conversation.created"
    CONVERSATION_ASSIGNED = "conversation.assigned"
    CONVERSATION_STATUS = "conversation.status_changed"
    CONVERSATION_REOPENED = "conversation.reopened"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMERS_MERGED = "customer.merged"
    IDENTITY_LINKED = "customer.identity_linked"
    USER_CREATED = "user.created"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    MAILBOX_POLLED = "mailbox.polled"


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
