"""Reputation rules: when a review or mention opens a case, its public-response
due time, and whether negative volume is a spike. Pure Python, no Django.

The public-response SLA itself comes from the policy
(`sla.targets.<channel>.<level>.public_response`, business minutes); this
module adds the reputation settings the policy schema does not hold
(validated here; the desk reads them from the environment, see
docs/configuration.md):

    cfg = ReputationSettings(negative_max_rating=2, sla_hours_by_rating={1: 24})
    verdict = judge(rating=1, assessment=a, cfg=cfg)   -> Verdict(negative, reasons)
    due = public_response_due(created, channel, level, rating, policy, cfg, calendar)
    spike = detect_spike(history=[2, 1, 3, 2, 2, 1, 2, 3], current=9, cfg=cfg)

Spike test (robust, two conditions, both must hold): the current count is
at least `spike_min_count` and above median + k × 1.4826 × MAD of the
trailing weeks, and a Poisson tail test with the trailing trimmed mean
(floored at `spike_floor_rate`) puts P(X ≥ current) below `spike_alpha`. The MAD test
ignores one-off bad weeks in the baseline; the Poisson test keeps a quiet
location (baseline 0 or 1 a week) from alerting on two reviews.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from calmdesk.playbook.timefmt import TeamCalendar, add_business_minutes, aware

THREAT_SIGNALS = ("legal_threat", "chargeback_threat", "threat_of_harm", "review_threat")
NEGATIVE_LEVELS = ("difficult", "hostile")


class ReputationSettingsError(ValueError):
    """A reputation setting Calmdesk cannot use; the message names it."""


class ReputationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # A rating at or below this opens a case (1-2 stars by default).
    negative_max_rating: int = Field(default=2, ge=1, le=4)
    # An assessment with sentiment at or below this, or one of these levels, is negative.
    negative_sentiment: float = Field(default=-0.5, ge=-1.0, le=0.0)
    negative_levels: tuple[str, ...] = NEGATIVE_LEVELS
    threat_signals: tuple[str, ...] = THREAT_SIGNALS
    # Optional wall-clock caps per star rating (hours); the earlier of this and
    # the policy's public_response target wins.
    sla_hours_by_rating: dict[int, float] = Field(default_factory=dict)
    # Used when the policy has no public_response target for the channel.
    fallback_sla_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    spike_weeks: int = Field(default=8, ge=3, le=52)
    spike_min_count: int = Field(default=3, ge=1, le=1000)
    spike_mad_k: float = Field(default=3.0, gt=0, le=20)
    spike_alpha: float = Field(default=0.01, gt=0, lt=0.5)
    spike_floor_rate: float = Field(default=0.5, gt=0, le=100)

    @field_validator("sla_hours_by_rating")
    @classmethod
    def _ratings(cls, value: dict[int, float]) -> dict[int, float]:
        for rating, hours in value.items():
            if not 1 <= rating <= 5:
                raise ValueError(f"rating {rating} is not between 1 and 5")
            if not 0 < hours <= 24 * 30:
                raise ValueError(f"{hours} hours for {rating} stars is not in (0, 720]")
        return value

    @field_validator("negative_levels")
    @classmethod
    def _levels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if v not in ("calm", "tense", "difficult", "hostile")]
        if bad:
            raise ValueError(f"unknown level(s) {', '.join(bad)}")
        return value


def parse_rating_hours(text: str) -> dict[int, float]:
    """'1:12,2:24' -> {1: 12.0, 2: 24.0}; '' -> {}."""
    out: dict[int, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        stars, sep, hours = part.partition(":")
        try:
            if not sep:
                raise ValueError
            out[int(stars)] = float(hours)
        except ValueError:
            raise ReputationSettingsError(
                f"{part!r} is not 'stars:hours' (e.g. 1:12,2:24)"
            ) from None
    return out


def build_settings(values: Mapping[str, Any]) -> ReputationSettings:
    """Validate settings, raising ReputationSettingsError naming the field."""
    try:
        return ReputationSettings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReputationSettingsError(f"reputation setting {where}: {first['msg']}") from None


# --- does this review open a case? ------------------------------------------


@dataclass(frozen=True)
class Verdict:
    negative: bool
    reasons: list[str] = field(default_factory=list)
    threats: list[str] = field(default_factory=list)


def judge(
    rating: int | None, assessment: Mapping[str, Any] | None, cfg: ReputationSettings
) -> Verdict:
    """Why (if at all) a review or mention needs a public response as a case.

    `assessment` is the stored Assessment.to_dict() (or None when the engine
    has not run): a low rating alone is enough; otherwise a negative or
    hostile assessment or a threat signal.
    """
    reasons: list[str] = []
    threats: list[str] = []
    if rating is not None and rating <= cfg.negative_max_rating:
        reasons.append(f"{rating}-star rating")
    if assessment:
        level = assessment.get("level", "calm")
        sentiment = float(assessment.get("sentiment", 0.0) or 0.0)
        if level in cfg.negative_levels:
            reasons.append(f"{level} assessment")
        elif sentiment <= cfg.negative_sentiment and (rating is None or rating <= 3):
            reasons.append("negative assessment")
        for signal in assessment.get("signals") or []:
            kind = signal.get("kind", "")
            if kind in cfg.threat_signals and float(signal.get("score", 0) or 0) > 0:
                threats.append(kind)
        if threats:
            reasons.append("threat: " + ", ".join(t.replace("_", " ") for t in threats))
    return Verdict(bool(reasons), reasons, threats)


# --- the public-response due time --------------------------------------------


def public_response_due(
    created: datetime,
    channel: str,
    level: str,
    rating: int | None,
    policy: Any,
    cfg: ReputationSettings,
    calendar: TeamCalendar | None = None,
    timezone: str = "UTC",
) -> datetime:
    """When the public reply is due: the policy's public_response target in
    business minutes (the team's calendar), capped by the per-rating hours."""
    created = aware(created)
    due: datetime | None = None
    target = policy.sla_target(channel, level) if policy is not None else None
    minutes = getattr(target, "public_response", None)
    if minutes is not None:
        cal = calendar or _policy_calendar(policy, timezone)
        due = add_business_minutes(created, int(minutes), cal)
    if rating is not None and rating in cfg.sla_hours_by_rating:
        cap = created + timedelta(hours=cfg.sla_hours_by_rating[rating])
        due = cap if due is None or cap < due else due
    return due or created + timedelta(hours=cfg.fallback_sla_hours)


def _policy_calendar(policy: Any, timezone: str) -> TeamCalendar:
    """The policy's business hours in the team's time zone."""
    from calmdesk.playbook.context import calendar_for
    from calmdesk.playbook.views import EMPTY_CONVERSATION

    return calendar_for(replace(EMPTY_CONVERSATION, team_timezone=timezone), policy)


# --- spikes ------------------------------------------------------------------


@dataclass(frozen=True)
class Spike:
    spike: bool
    current: int
    baseline: float  # the median of the trailing weeks
    threshold: float  # the count the current week had to exceed
    p_value: float
    reason: str


def poisson_tail(k: int, rate: float) -> float:
    """P(X >= k) for X ~ Poisson(rate), computed stably."""
    if k <= 0:
        return 1.0
    term = math.exp(-rate)
    cdf = term
    for i in range(1, k):
        term *= rate / i
        cdf += term
    return max(0.0, 1.0 - cdf)


def detect_spike(history: Sequence[int], current: int, cfg: ReputationSettings) -> Spike:
    """Is `current` (this week's negative count) well above `history` (the
    trailing weeks' counts, oldest first)? Needs at least three weeks."""
    weeks = list(history)[-cfg.spike_weeks :]
    if len(weeks) < 3:
        return Spike(False, current, 0.0, math.inf, 1.0, "not enough history (3 weeks needed)")
    median = float(statistics.median(weeks))
    mad = float(statistics.median(abs(w - median) for w in weeks))
    # A MAD of 0 (a perfectly steady baseline) would make any +1 a spike: use
    # the Poisson spread of the median instead.
    spread = max(1.4826 * mad, math.sqrt(max(median, cfg.spike_floor_rate)))
    threshold = median + cfg.spike_mad_k * spread
    # The usual rate, robust to one freak week: the mean without the highest and lowest.
    trimmed = sorted(weeks)[1:-1] if len(weeks) >= 5 else weeks
    rate = max(statistics.fmean(trimmed), cfg.spike_floor_rate)
    p = poisson_tail(current, rate)
    if current < cfg.spike_min_count:
        return Spike(False, current, median, threshold, p, f"fewer than {cfg.spike_min_count}")
    if current <= threshold:
        return Spike(False, current, median, threshold, p, "within the usual range")
    if p >= cfg.spike_alpha:
        return Spike(False, current, median, threshold, p, "not unlikely enough by chance")
    reason = f"{current} negative this week against a usual {median:g} (threshold {threshold:.1f})"
    return Spike(True, current, median, threshold, p, reason)


__all__ = [
    "NEGATIVE_LEVELS",
    "THREAT_SIGNALS",
    "ReputationSettings",
    "ReputationSettingsError",
    "Spike",
    "Verdict",
    "build_settings",
    "detect_spike",
    "judge",
    "parse_rating_hours",
    "poisson_tail",
    "public_response_due",
]
