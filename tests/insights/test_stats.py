"""The statistics on series with known answers, and against hand-computed values."""

import math

from calmdesk.insights.stats import (
    before_after_verdict,
    binom_cdf,
    poisson_rate_test,
    poisson_sf,
    spikes,
    two_proportion_test,
)


def test_binomial_and_poisson_tails_match_hand_values():
    # P(X <= 1), X ~ Bin(4, 0.5) = (1 + 4) / 16
    assert math.isclose(binom_cdf(1, 4, 0.5), 5 / 16)
    # P(X >= 2), X ~ Poisson(1) = 1 - e^-1 - e^-1
    assert math.isclose(poisson_sf(2, 1.0), 1 - 2 * math.exp(-1))


def test_two_proportion_test_matches_the_z_formula():
    # 30/100 vs 10/100: pooled 0.2, se = sqrt(.2*.8*(2/100)) = 0.05657; z = 3.536
    p = two_proportion_test(30, 100, 10, 100)
    assert math.isclose(p, math.erfc(3.5355339 / math.sqrt(2)), rel_tol=1e-6)


def test_rate_test_equal_rates_is_not_significant():
    assert poisson_rate_test(20, 28, 20, 28, direction="drop") > 0.5


def test_a_real_drop_is_claimed():
    # 60 complaints in 28 days before, 15 in 28 days after; share 60/200 -> 15/190
    v = before_after_verdict(60, 28, 15, 28, before_total=200, after_total=190)
    assert v.kind == "drop"
    assert v.p_rate < 0.001
    assert "dropped" in v.text and "60 vs 15" in v.text
    assert math.isclose(v.before_per_week, 15.0) and math.isclose(v.after_per_week, 3.75)


def test_noise_is_not_called_a_drop():
    v = before_after_verdict(22, 28, 18, 28, before_total=100, after_total=95)
    assert v.kind == "no_change"
    assert "could be chance" in v.text and "no drop is claimed" in v.text


def test_too_few_cases_make_no_claim_even_when_it_looks_like_a_drop():
    v = before_after_verdict(6, 28, 1, 28, before_total=30, after_total=30)
    assert v.kind == "too_few"
    assert "Too few" in v.text and "6 before and 1 after" in v.text


def test_too_soon_after_the_fix_makes_no_claim():
    assert before_after_verdict(50, 28, 1, 5).kind == "too_soon"


def test_a_drop_that_only_follows_a_general_decline_is_not_credited_to_the_fix():
    # the cause fell from 40 to 20, but all complaints fell from 400 to 100: its share doubled
    v = before_after_verdict(40, 28, 20, 28, before_total=400, after_total=100)
    assert v.kind == "no_change" and "not the fix" in v.text


def test_a_rise_is_reported():
    assert before_after_verdict(10, 28, 40, 28).kind == "rise"


def test_spikes_flag_only_the_outlier_week():
    series = [4, 5, 3, 4, 5, 4, 19, 4]
    assert spikes(series) == [False] * 6 + [True, False]


def test_spikes_need_a_minimum_count_and_a_history():
    assert spikes([0, 0, 0, 4]) == [False] * 4  # 4 < minimum count
    assert spikes([20, 1]) == [False, False]  # not enough history
