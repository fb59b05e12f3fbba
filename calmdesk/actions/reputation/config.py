"""The reputation settings (docs/configuration.md), validated by the playbook's pure module."""

from __future__ import annotations

from django.conf import settings

from calmdesk.playbook.reputation import (
    ReputationSettings,
    ReputationSettingsError,
    build_settings,
    parse_rating_hours,
)

# Reviews published longer ago than this when they reach us (a backfill of
# old exports) are tracked and shown, but raise no alerts.
ALERT_MAX_AGE_DAYS = 14


def reputation_settings() -> ReputationSettings:
    try:
        alpha = float(settings.CALMDESK_REPUTATION_SPIKE_ALPHA)
    except (TypeError, ValueError):
        raise ReputationSettingsError(
            f"CALMDESK_REPUTATION_SPIKE_ALPHA={settings.CALMDESK_REPUTATION_SPIKE_ALPHA!r} is not a number"
        ) from None
    return build_settings(
        {
            "negative_max_rating": settings.CALMDESK_REPUTATION_NEGATIVE_MAX_RATING,
            "threat_signals": tuple(settings.CALMDESK_REPUTATION_THREAT_SIGNALS),
            "sla_hours_by_rating": parse_rating_hours(settings.CALMDESK_REPUTATION_SLA_HOURS),
            "spike_weeks": settings.CALMDESK_REPUTATION_SPIKE_WEEKS,
            "spike_min_count": settings.CALMDESK_REPUTATION_SPIKE_MIN_COUNT,
            "spike_alpha": alpha,
        }
    )
