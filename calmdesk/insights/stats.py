"""The statistics behind insights' claims: rate comparisons, verdicts, spikes.

Pure Python (math only), no Django, so the numbers can be checked by hand.

- `poisson_rate_test`: did the complaint *rate* change? Conditional on the
  total n = before + after, the after-count is Binomial(n, t_after / (t_before
  + t_after)) when the rate is the same (the exact conditional test for two
  Poisson rates); the p-value is one-sided in the direction asked.
- `two_proportion_test`: did the *share* change (two-sided z-test, pooled)?
- `before_after_verdict`: both, in plain language, refusing to claim a drop
  the data cannot support (too few cases, too short a window, chance).
- `spikes`: weeks far above their own recent past (Poisson upper tail).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ALPHA = 0.05
SPIKE_ALPHA = 0.01
SPIKE_BASELINE_WEEKS = 8
SPIKE_MIN_COUNT = 5


def _log_binom_pmf(k: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 0.0 if k == 0 else -math.inf
    if p >= 1.0:
        return 0.0 if k == n else -math.inf
    return (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return min(1.0, sum(math.exp(_log_binom_pmf(i, n, p)) for i in range(k + 1)))


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return 1.0 - binom_cdf(k - 1, n, p)


def poisson_sf(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    below = sum(math.exp(i * math.log(mu) - mu - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - below)


def poisson_rate_test(
    before: int, t_before: float, after: int, t_after: float, *, direction: str
) -> float:
    """One-sided p-value that the after-rate is lower ("drop") or higher ("rise")."""
    n = before + after
    if n == 0 or t_before <= 0 or t_after <= 0:
        return 1.0
    p0 = t_after / (t_before + t_after)
    if direction == "drop":
        return binom_cdf(after, n, p0)
    return binom_sf(after, n, p0)


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value that x1/n1 and x2/n2 differ (pooled z-test)."""
    if n1 == 0 or n2 == 0:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / se
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass(frozen=True)
class Verdict:
    """What the before/after comparison supports, with its numbers."""

    kind: str  # "drop" | "rise" | "no_change" | "too_few" | "too_soon"
    text: str
    before: int
    after: int
    before_days: float
    after_days: float
    before_total: int
    after_total: int
    p_rate: float | None = None
    p_share: float | None = None

    @property
    def before_per_week(self) -> float:
        return self.before / self.before_days * 7 if self.before_days else 0.0

    @property
    def after_per_week(self) -> float:
        return self.after / self.after_days * 7 if self.after_days else 0.0

    @property
    def before_share(self) -> float | None:
        return self.before / self.before_total if self.before_total else None

    @property
    def after_share(self) -> float | None:
        return self.after / self.after_total if self.after_total else None


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def before_after_verdict(
    before: int,
    before_days: float,
    after: int,
    after_days: float,
    *,
    before_total: int = 0,
    after_total: int = 0,
    min_count: int = 10,
    min_after_days: float = 14,
    alpha: float = ALPHA,
) -> Verdict:
    """Compare complaints about a cause before and after its fix.

    `before`/`after` count the cause's complaints in windows of the given
    lengths; `*_total` count all difficult complaints in the same windows
    (for the share). A drop is claimed only when the rate fell with
    p < alpha *and* the share did not rise; with fewer than `min_count`
    complaints in total, or an after-window shorter than `min_after_days`,
    no claim is made at all.
    """
    v = dict(
        before=before,
        after=after,
        before_days=before_days,
        after_days=after_days,
        before_total=before_total,
        after_total=after_total,
    )
    if after_days < min_after_days:
        return Verdict(
            "too_soon",
            f"Too soon to tell: the fix has {after_days:.0f} days of data "
            f"after it; wait for at least {min_after_days:.0f}.",
            **v,
        )
    if before + after < min_count:
        return Verdict(
            "too_few",
            f"Too few complaints to tell: {before} before and {after} after "
            f"(at least {min_count} in all are needed before any claim).",
            **v,
        )
    rate_b, rate_a = before / before_days * 7, after / after_days * 7
    p_drop = poisson_rate_test(before, before_days, after, after_days, direction="drop")
    p_rise = poisson_rate_test(before, before_days, after, after_days, direction="rise")
    share_known = before_total > 0 and after_total > 0
    p_share = two_proportion_test(before, before_total, after, after_total) if share_known else None
    share_b = before / before_total if before_total else None
    share_a = after / after_total if after_total else None
    rates = (
        f"{rate_b:.1f} a week before, {rate_a:.1f} a week after ({before} vs {after} complaints)"
    )
    if p_drop < alpha:
        share_rose = p_share is not None and p_share < alpha and (share_a or 0) > (share_b or 0)
        share_fell = p_share is not None and p_share < alpha and (share_a or 0) < (share_b or 0)
        if share_rose:
            return Verdict(
                "no_change",
                f"Complaints fell ({rates}), but all complaints fell more: "
                f"the share rose from {_pct(share_b)} to {_pct(share_a)}, so the drop is "
                "not the fix's doing.",
                p_rate=p_drop,
                p_share=p_share,
                **v,
            )
        if p_share is not None and not share_fell:
            return Verdict(
                "drop",
                f"Complaints dropped: {rates}; unlikely to be chance "
                f"(p = {p_drop:.3f}). Their share of difficult conversations went from "
                f"{_pct(share_b)} to {_pct(share_a)}, which alone could be chance, so part "
                "of the drop may be fewer complaints overall.",
                p_rate=p_drop,
                p_share=p_share,
                **v,
            )
        share_txt = (
            f" and their share of difficult conversations fell from {_pct(share_b)} to "
            f"{_pct(share_a)}"
            if share_fell
            else ""
        )
        return Verdict(
            "drop",
            f"Complaints dropped after the fix: {rates}{share_txt}. A drop this "
            f"large is unlikely to be chance (p = {p_drop:.3f}).",
            p_rate=p_drop,
            p_share=p_share,
            **v,
        )
    if p_rise < alpha:
        return Verdict(
            "rise",
            f"Complaints rose after the fix: {rates} (p = {p_rise:.3f}). "
            "The fix has not worked yet.",
            p_rate=p_rise,
            p_share=p_share,
            **v,
        )
    return Verdict(
        "no_change",
        f"No clear change: {rates}. A difference this size could be "
        f"chance (p = {min(p_drop, p_rise):.2f}), so no drop is claimed.",
        p_rate=min(p_drop, p_rise),
        p_share=p_share,
        **v,
    )


def spikes(
    counts: Sequence[int],
    *,
    baseline_weeks: int = SPIKE_BASELINE_WEEKS,
    min_count: int = SPIKE_MIN_COUNT,
    alpha: float = SPIKE_ALPHA,
) -> list[bool]:
    """For each week, True when it is far above the weeks before it.

    A week is a spike when it has at least `min_count` cases, at least 1.5x
    its baseline (the mean of up to `baseline_weeks` earlier weeks, at least
    three of them), and P(X >= count | Poisson(baseline)) < alpha.
    """
    out = []
    for i, c in enumerate(counts):
        past = counts[max(0, i - baseline_weeks) : i]
        if len(past) < 3 or c < min_count:
            out.append(False)
            continue
        mu = max(sum(past) / len(past), 0.5)
        out.append(c >= 1.5 * mu and poisson_sf(c, mu) < alpha)
    return out
