"""Reputation alerts: recorded once (a unique key) for the reputation page,
and sent to people through the desk's one notification path
(calmdesk.actions.notify: in the app, by email, Slack-compatible webhook).

Spike detection lives here too: per location and for the brand, this
week's negative reviews against the trailing weeks
(calmdesk.playbook.reputation.detect_spike).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import notify
from calmdesk.actions.reputation.config import reputation_settings
from calmdesk.models import (
    Agent,
    AlertKind,
    Location,
    ReputationAlert,
    Review,
    ReviewSource,
    Role,
)


def recipients_for(review: Review | None, location: Location | None) -> list[Agent]:
    """The team that owns the review (or location), and every manager."""
    team_id = review.conversation.team_id if review else (location.team_id if location else None)
    qs = Agent.objects.select_related("user").filter(user__is_active=True)
    team = list(qs.filter(teams=team_id)) if team_id else []
    return team + list(qs.filter(role__in=[Role.MANAGER, Role.ADMIN]))


def raise_alert(
    kind: str,
    key: str,
    title: str,
    *,
    detail: str = "",
    review: Review | None = None,
    location: Location | None = None,
    source: ReviewSource | None = None,
    data: dict | None = None,
) -> ReputationAlert | None:
    """Record the alert unless one with `key` exists, and notify people
    (in the app, by email and to the Slack-compatible webhook, through
    calmdesk.actions.notify after the commit)."""
    try:
        with transaction.atomic():
            alert = ReputationAlert.objects.create(
                kind=kind,
                key=key[:200],
                title=title[:300],
                detail=detail,
                review=review,
                location=location,
                source=source,
                data=data or {},
            )
    except IntegrityError:
        return None  # raised before
    conversation = review.conversation if review else None
    log_event(
        EventKind.REPUTATION_ALERT,
        conversation=conversation,
        alert=alert.pk,
        alert_kind=kind,
        key=alert.key,
    )
    rows = notify(
        recipients_for(review, location),
        f"reputation.{kind}",
        alert.title,
        detail[:1000],
        conversation=conversation,
        url=alert_link(alert),
    )
    ReputationAlert.objects.filter(pk=alert.pk).update(notified=len(rows))
    return alert


def alert_link(alert: ReputationAlert) -> str:
    return f"/reputation/r/{alert.review_id}/" if alert.review_id else "/reputation/"


@transaction.atomic
def do_acknowledge_alert(agent: Agent, alert: ReputationAlert) -> ReputationAlert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = agent
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        log_event(EventKind.REPUTATION_ALERT_ACK, actor=agent, alert=alert.pk)
    return alert


# --- spikes -------------------------------------------------------------------


def weekly_negative_counts(now: datetime, weeks: int) -> dict[int | None, list[int]]:
    """Negative reviews per 7-day window ending at `now`, oldest first, per
    location id (None: the whole brand). The last number is the current week."""
    start = now - timedelta(days=7 * (weeks + 1))
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0] * (weeks + 1))
    rows = Review.objects.filter(negative=True, published_at__gte=start, published_at__lt=now)
    for location_id, published in rows.values_list("location_id", "published_at"):
        index = weeks - int((now - published).total_seconds() // (7 * 86400))
        if 0 <= index <= weeks:
            counts[location_id][index] += 1
            counts[None][index] += 1
    return counts


def do_check_spikes(now: datetime | None = None) -> list[ReputationAlert]:
    """Raise a spike alert for each location (and the brand) whose negative
    count this week is well above its usual level; at most one per ISO week."""
    from calmdesk.playbook.reputation import detect_spike

    now = now or timezone.now()
    cfg = reputation_settings()
    counts = weekly_negative_counts(now, cfg.spike_weeks)
    locations = Location.objects.in_bulk([k for k in counts if k is not None])
    year, week, _ = now.isocalendar()
    raised = []
    for location_id, series in counts.items():
        spike = detect_spike(series[:-1], series[-1], cfg)
        if not spike.spike:
            continue
        location = locations.get(location_id) if location_id else None
        where = location.name if location else "the whole brand"
        with transaction.atomic():
            alert = raise_alert(
                AlertKind.SPIKE,
                f"spike:{location.slug if location else 'brand'}:{year}-W{week:02d}",
                f"Spike in negative reviews at {where}",
                detail=spike.reason + f" (p = {spike.p_value:.4f}).",
                location=location,
                data={"current": spike.current, "baseline": spike.baseline, "series": series},
            )
        if alert is not None:
            raised.append(alert)
    return raised
