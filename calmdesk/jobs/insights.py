"""Insights jobs: categorize new complaints, review new replies, and the weekly
discovery, retraining and digest. Thin: each calls one action. Never imports
calmdesk.jobs (this module is loaded while that package is being imported)."""

from __future__ import annotations

import logging
from datetime import timedelta

from calmdesk.celery_app import app

log = logging.getLogger(__name__)


@app.task(name="calmdesk.insights.categorize")
def categorize() -> int:
    """Give every complaint without a root cause one (rules, or the classifier)."""
    from calmdesk.actions.insights import do_categorize

    return do_categorize()


@app.task(name="calmdesk.insights.review_replies")
def review_replies() -> int:
    """Post-hoc QA: coach the replies sent since the last run."""
    from calmdesk.actions.insights import do_review_replies

    return do_review_replies()


@app.task(name="calmdesk.insights.weekly")
def weekly() -> dict:
    """Retrain on the week's corrections, recategorize, then discover new causes."""
    from calmdesk.actions.insights import do_categorize, do_discover, do_train_cause_model
    from calmdesk.insights.classifier import NotEnoughLabels
    from calmdesk.insights.features import InsightsUnavailable

    out: dict = {}
    try:
        out["trained"] = do_train_cause_model()["examples"]
        out["recategorized"] = do_categorize(recategorize=True)
    except (NotEnoughLabels, InsightsUnavailable) as exc:
        log.info("root-cause model not trained: %s", exc)
    try:
        out["proposed"] = len(do_discover())
    except InsightsUnavailable as exc:
        log.info("discovery skipped: %s", exc)
    return out


@app.task(name="calmdesk.insights.digest")
def digest() -> int:
    """The weekly digest to managers (sent at most once per ISO week)."""
    from calmdesk.actions.insights import do_send_digest

    return do_send_digest()


PERIODIC = {
    "insights-categorize": (categorize, timedelta(minutes=10)),
    "insights-review-replies": (review_replies, timedelta(minutes=15)),
    "insights-weekly": (weekly, timedelta(days=7)),
    # Checked daily; the action sends once per ISO week.
    "insights-digest": (digest, timedelta(days=1)),
}
