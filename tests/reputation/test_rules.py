"""Spike detection on generated series with known answers; the case rules; settings."""

from __future__ import annotations

import random

import pytest

from calmdesk.playbook.reputation import (
    ReputationSettings,
    ReputationSettingsError,
    build_settings,
    detect_spike,
    judge,
    parse_rating_hours,
    poisson_tail,
)

CFG = ReputationSettings()


@pytest.mark.parametrize(
    ("history", "current", "spike"),
    [
        ([2, 1, 3, 2, 2, 1, 2, 3], 9, True),  # well above a steady baseline
        ([2, 1, 3, 2, 2, 1, 2, 3], 4, False),  # a bad week, within the usual range
        ([0, 0, 0, 0, 0, 0, 0, 0], 2, False),  # two reviews at a quiet store: not yet
        ([0, 0, 0, 0, 0, 0, 0, 0], 4, True),  # four at a store that never gets any
        ([10, 12, 9, 11, 10, 13, 12, 11], 14, False),  # a busy store's normal week
        ([10, 12, 9, 11, 10, 13, 12, 11], 26, True),
        ([1, 1, 30, 1, 1, 1, 1, 1], 6, True),  # one old outlier does not hide a new spike
        ([3, 2], 20, False),  # too little history to say
    ],
)
def test_known_answers(history, current, spike):
    assert detect_spike(history, current, CFG).spike is spike


def test_generated_poisson_weeks_rarely_false_alarm_and_spikes_are_found():
    rng = random.Random(11)

    def poisson(lam):  # Knuth's method; small rates only
        limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    false_alarms = found = 0
    for _ in range(400):
        lam = rng.choice([0.5, 1, 2, 4, 8])
        history = [poisson(lam) for _ in range(8)]
        false_alarms += detect_spike(history, poisson(lam), CFG).spike
        found += detect_spike(history, poisson(lam) + int(4 * lam) + 5, CFG).spike
    assert false_alarms <= 4  # at most 1 % of ordinary weeks
    assert found >= 360  # at least 90 % of real spikes


def test_poisson_tail():
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 2.0) == pytest.approx(1 - 0.1353352832, rel=1e-6)


def assessment(level="calm", sentiment=0.0, signals=()):
    return {
        "level": level,
        "sentiment": sentiment,
        "signals": [{"kind": k, "score": 0.8} for k in signals],
    }


@pytest.mark.parametrize(
    ("rating", "a", "negative"),
    [
        (1, None, True),
        (2, assessment(), True),
        (3, assessment(), False),
        (5, assessment("hostile"), True),
        (4, assessment(sentiment=-0.9), False),  # a grumble in a 4-star review is not a case
        (3, assessment(sentiment=-0.7), True),
        (None, assessment(signals=["legal_threat"]), True),
        (None, assessment(signals=["urgency"]), False),
    ],
)
def test_judge(rating, a, negative):
    assert judge(rating, a, CFG).negative is negative


def test_settings_are_validated():
    assert parse_rating_hours("1:12, 2:24") == {1: 12.0, 2: 24.0}
    with pytest.raises(ReputationSettingsError, match="stars:hours"):
        parse_rating_hours("1=12")
    with pytest.raises(ReputationSettingsError, match="sla_hours_by_rating"):
        build_settings({"sla_hours_by_rating": {7: 3}})
    with pytest.raises(ReputationSettingsError, match="spike_weeks"):
        build_settings({"spike_weeks": 1})
