"""The only code that writes. Views, the API, jobs and the CLI call these.

`do_*` writes and records an Event; `check_*` validates first. Work that
must wait for the commit (assessment, delivery, notifications) is queued
with `transaction.on_commit`, never from model signals.
"""

from calmdesk.actions.assessment import do_assess_messages, refresh_conversation_difficulty
from calmdesk.actions.conversations import do_add_note, do_assign, do_reply, do_set_status
from calmdesk.actions.delivery import DeliveryError, do_deliver_reply
from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.identity import (
    do_link_identity,
    do_merge_customers,
    normalize_email,
    normalize_phone,
    resolve_customer,
)
from calmdesk.actions.intake import ReceiveResult, receive
from calmdesk.actions.notify import do_mark_read, managers_of, notify
from calmdesk.actions.reputation import (
    do_approve_public_reply,
    do_confirm_link,
    do_evaluate_reviews,
    do_ingest_review,
)
from calmdesk.actions.users import check_token, do_create_token, do_create_user

__all__ = [
    "do_approve_public_reply",
    "do_confirm_link",
    "do_evaluate_reviews",
    "do_ingest_review",
    "DeliveryError",
    "EventKind",
    "ReceiveResult",
    "check_token",
    "do_add_note",
    "do_assess_messages",
    "do_assign",
    "do_create_token",
    "do_create_user",
    "do_deliver_reply",
    "do_link_identity",
    "do_mark_read",
    "managers_of",
    "notify",
    "do_merge_customers",
    "do_reply",
    "do_set_status",
    "log_event",
    "normalize_email",
    "normalize_phone",
    "receive",
    "refresh_conversation_difficulty",
    "resolve_customer",
]
