"""The only code that writes. Views, the API, jobs and the CLI call these.

`do_*` writes and records an Event; `check_*` validates first. Work that
must wait for the commit (assessment, delivery, notifications) is queued
with `transaction.on_commit`, never from model signals.
"""

from calmdesk.actions.abuse import do_block, do_dismiss_warning, do_lift_block
from calmdesk.actions.assessment import do_assess_messages, refresh_conversation_difficulty
from calmdesk.actions.commitments import do_add_commitment, do_close_commitment
from calmdesk.actions.compensation import (
    do_compensation_outcome,
    do_decide_compensation,
    do_propose_compensation,
)
from calmdesk.actions.conversations import (
    do_add_note,
    do_assign,
    do_reply,
    do_set_framework_step,
    do_set_status,
)
from calmdesk.actions.delivery import DeliveryError, do_deliver_reply
from calmdesk.actions.escalation import do_deescalate, do_escalate, do_sweep
from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.handoff import (
    do_acknowledge_handoff,
    do_cancel_handoff,
    do_decline_handoff,
    do_request_handoff,
)
from calmdesk.actions.identity import (
    do_link_identity,
    do_merge_customers,
    normalize_email,
    normalize_phone,
    resolve_customer,
)
from calmdesk.actions.insights import (
    check_correct_cause,
    do_accept_proposal,
    do_categorize,
    do_correct_cause,
    do_discover,
    do_dismiss_proposal,
    do_review_replies,
    do_send_digest,
    do_set_cause_owner,
    do_set_cause_status,
    do_train_cause_model,
)
from calmdesk.actions.intake import ReceiveResult, receive
from calmdesk.actions.notify import do_mark_read, managers_of, notify
from calmdesk.actions.reputation import (
    do_approve_public_reply,
    do_confirm_link,
    do_evaluate_reviews,
    do_ingest_review,
)
from calmdesk.actions.sla import do_sweep_sla
from calmdesk.actions.users import check_token, do_create_token, do_create_user, do_revoke_token
from calmdesk.actions.wellbeing import do_take_break

__all__ = [
    "do_acknowledge_handoff",
    "do_add_commitment",
    "do_block",
    "do_cancel_handoff",
    "do_close_commitment",
    "do_compensation_outcome",
    "do_decide_compensation",
    "do_decline_handoff",
    "do_deescalate",
    "do_dismiss_warning",
    "do_escalate",
    "do_lift_block",
    "do_propose_compensation",
    "do_request_handoff",
    "do_sweep",
    "do_sweep_sla",
    "do_take_break",
    "check_correct_cause",
    "do_accept_proposal",
    "do_categorize",
    "do_correct_cause",
    "do_discover",
    "do_dismiss_proposal",
    "do_review_replies",
    "do_send_digest",
    "do_set_cause_owner",
    "do_set_cause_status",
    "do_train_cause_model",
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
    "do_revoke_token",
    "do_deliver_reply",
    "do_link_identity",
    "do_mark_read",
    "managers_of",
    "notify",
    "do_merge_customers",
    "do_reply",
    "do_set_framework_step",
    "do_set_status",
    "log_event",
    "normalize_email",
    "normalize_phone",
    "receive",
    "refresh_conversation_difficulty",
    "resolve_customer",
]
