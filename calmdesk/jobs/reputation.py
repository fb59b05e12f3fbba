"""Reputation jobs: judge new reviews, poll feeds, sweep overdue cases and
spikes. Thin: each calls one action. Never imports calmdesk.jobs (this
module is loaded while that package is being imported)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings

from calmdesk.celery_app import app

log = logging.getLogger(__name__)


@app.task(name="calmdesk.reputation.evaluate_reviews")
def evaluate_reviews(review_ids: list[int]) -> int:
    from calmdesk.actions.reputation import do_evaluate_reviews

    return do_evaluate_reviews(review_ids)


@app.task(name="calmdesk.reputation.poll_feeds")
def poll_feeds() -> int:
    """Poll the feeds that are due; failures are recorded per feed, never raised."""
    from calmdesk.actions.reputation import poll_due_feeds

    return sum(r.new for r in poll_due_feeds())


@app.task(name="calmdesk.reputation.sweep")
def sweep() -> dict:
    """Adopt reviews taken in elsewhere, judge what is pending, mark overdue
    public replies, check for spikes."""
    from calmdesk.actions.reputation import (
        do_adopt_untracked,
        do_check_spikes,
        do_evaluate_reviews,
        do_sweep_cases,
    )
    from calmdesk.models import Review

    adopted = do_adopt_untracked()
    pending = list(
        Review.objects.filter(evaluated_at__isnull=True).values_list("pk", flat=True)[:2000]
    )
    opened = do_evaluate_reviews(pending)
    cases = do_sweep_cases()
    spikes = do_check_spikes()
    return {"adopted": len(adopted), "opened": opened, **cases, "spikes": len(spikes)}


def queue_review_evaluation(review_ids: list[int]) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            evaluate_reviews(list(review_ids))
        except Exception:  # the sweep judges it later; intake must not fail for this
            log.exception("evaluating reviews %s failed", review_ids)
    else:
        evaluate_reviews.delay(list(review_ids))


PERIODIC = {
    "reputation-poll-feeds": (poll_feeds, timedelta(minutes=1)),
    "reputation-sweep": (
        sweep,
        timedelta(minutes=max(1, settings.CALMDESK_REPUTATION_SWEEP_MINUTES)),
    ),
}
