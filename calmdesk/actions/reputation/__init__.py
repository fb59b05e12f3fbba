"""Reputation watch: every write about reviews, mentions, their cases and alerts.

A package rather than one module so each part stays readable:
ingest (new reviews, edits, removals), cases (judging, SLA, the public
reply), alerts (raising, delivering, spikes), linking (reviewer ↔
customer), sources (webhook keys, feeds, locations).
"""

from calmdesk.actions.reputation.alerts import (
    do_acknowledge_alert,
    do_check_spikes,
    raise_alert,
)
from calmdesk.actions.reputation.cases import (
    PublicDraft,
    coach_public_reply,
    do_approve_public_reply,
    do_evaluate_reviews,
    do_sweep_cases,
    draft_public_reply,
)
from calmdesk.actions.reputation.config import reputation_settings
from calmdesk.actions.reputation.ingest import IngestResult, do_adopt_untracked, do_ingest_review
from calmdesk.actions.reputation.linking import (
    LinkSuggestion,
    do_confirm_link,
    do_dismiss_link,
    suggest_links,
)
from calmdesk.actions.reputation.sources import (
    PollResult,
    check_source_key,
    do_create_source,
    do_import_locations,
    do_poll_feed,
    poll_due_feeds,
)

__all__ = [
    "IngestResult",
    "LinkSuggestion",
    "PollResult",
    "PublicDraft",
    "check_source_key",
    "coach_public_reply",
    "do_acknowledge_alert",
    "do_adopt_untracked",
    "do_approve_public_reply",
    "do_check_spikes",
    "do_confirm_link",
    "do_create_source",
    "do_dismiss_link",
    "do_evaluate_reviews",
    "do_import_locations",
    "do_ingest_review",
    "do_poll_feed",
    "do_sweep_cases",
    "draft_public_reply",
    "poll_due_feeds",
    "raise_alert",
    "reputation_settings",
    "suggest_links",
]
