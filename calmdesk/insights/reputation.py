"""Reputation figures, per location and for the brand. Read-only.

All functions take a queryset of Review rows (already limited to what the
viewer may see and to the page's filters) and read it once as plain values,
so the page runs a fixed number of queries however many locations there are.

- rating trend: average stars per week (reviews with a rating)
- negative share: negative reviews and mentions / all
- response rate: answered / all; median response time from publication
- unanswered negatives by age; top complaint themes (the playbook's root
  causes of the text, with the analysis signals behind them)
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet

from calmdesk.models import Review, ReviewState

AGE_BUCKETS = (("under 1 day", 1), ("1–3 days", 3), ("3–7 days", 7), ("over a week", None))
FIELDS = (
    "pk", "kind", "location_id", "location__name", "location__slug", "rating", "negative",
    "published_at", "responded_at", "response_due_at", "state", "theme", "signals",
)  # fmt: skip


@dataclass
class Figures:
    """The figures for one location (or the whole brand)."""

    name: str
    slug: str = ""
    total: int = 0
    reviews: int = 0
    rated: list[int] = field(default_factory=list)
    negative: int = 0
    answered: int = 0
    response_hours: list[float] = field(default_factory=list)
    unanswered_negative: int = 0
    overdue: int = 0
    weekly: list[list[int]] = field(default_factory=list)  # ratings per week, oldest first

    @property
    def average(self) -> float | None:
        return round(statistics.fmean(self.rated), 2) if self.rated else None

    @property
    def negative_share(self) -> float | None:
        return round(self.negative / self.total, 3) if self.total else None

    @property
    def response_rate(self) -> float | None:
        return round(self.answered / self.total, 3) if self.total else None

    @property
    def median_response_hours(self) -> float | None:
        return round(statistics.median(self.response_hours), 1) if self.response_hours else None

    @property
    def trend(self) -> list[float | None]:
        return [round(statistics.fmean(w), 2) if w else None for w in self.weekly]


@dataclass
class Report:
    brand: Figures
    locations: list[Figures]
    weeks: list[datetime]
    unanswered_ages: list[tuple[str, int]]
    themes: list[tuple[str, int, list[str]]]  # label, count, top signals


def week_starts(now: datetime, weeks: int) -> list[datetime]:
    """Start of each 7-day window ending at `now`, oldest first."""
    return [now - timedelta(days=7 * (weeks - i)) for i in range(weeks)]


def report(reviews: QuerySet[Review], now: datetime, weeks: int = 12, theme_labels=None) -> Report:
    rows = list(reviews.order_by().values(*FIELDS))
    brand = Figures("All locations", weekly=[[] for _ in range(weeks)])
    per: dict[int | None, Figures] = {}
    ages: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    theme_signals: dict[str, Counter[str]] = defaultdict(Counter)
    start = now - timedelta(days=7 * weeks)
    for r in rows:
        loc = per.get(r["location_id"])
        if loc is None:
            loc = per[r["location_id"]] = Figures(
                r["location__name"] or "No location",
                r["location__slug"] or "",
                weekly=[[] for _ in range(weeks)],
            )
        for f in (brand, loc):
            _add(f, r, now, start)
        if r["negative"]:
            themes[r["theme"] or "other"] += 1
            theme_signals[r["theme"] or "other"].update(r["signals"] or [])
            if r["responded_at"] is None and r["state"] != ReviewState.REMOVED:
                ages[_age_bucket(now - r["published_at"])] += 1
    labels = theme_labels or {}
    return Report(
        brand=brand,
        locations=sorted(per.values(), key=lambda f: (-(f.unanswered_negative), f.name)),
        weeks=week_starts(now, weeks),
        unanswered_ages=[(label, ages[label]) for label, _ in AGE_BUCKETS],
        themes=[
            (
                labels.get(key, key.replace("_", " ").capitalize()),
                n,
                [s.replace("_", " ") for s, _ in theme_signals[key].most_common(3)],
            )
            for key, n in themes.most_common(8)
        ],
    )


def _add(f: Figures, r: dict, now: datetime, start: datetime) -> None:
    f.total += 1
    f.reviews += r["kind"] == "review"
    f.negative += bool(r["negative"])
    if r["rating"]:
        f.rated.append(r["rating"])
        if r["published_at"] >= start:
            index = int((r["published_at"] - start).total_seconds() // (7 * 86400))
            f.weekly[min(index, len(f.weekly) - 1)].append(r["rating"])
    if r["responded_at"] is not None:
        f.answered += 1
        f.response_hours.append(
            max(0.0, (r["responded_at"] - r["published_at"]).total_seconds() / 3600)
        )
    elif r["negative"] and r["state"] != ReviewState.REMOVED:
        f.unanswered_negative += 1
        if r["response_due_at"] and r["response_due_at"] < now:
            f.overdue += 1


def _age_bucket(age: timedelta) -> str:
    days = age.total_seconds() / 86400
    for label, limit in AGE_BUCKETS:
        if limit is None or days < limit:
            return label
    return AGE_BUCKETS[-1][0]


def unanswered_negative(reviews: QuerySet[Review], limit: int = 50) -> list[Review]:
    """Negative reviews nobody has answered in public, oldest first."""
    return list(
        reviews.filter(negative=True, responded_at__isnull=True)
        .exclude(state=ReviewState.REMOVED)
        .select_related("location", "conversation")
        .order_by("published_at", "pk")[:limit]
    )


EXPORT_HEADER = (
    "review_id", "kind", "platform", "location", "published_at", "rating", "author", "title",
    "text", "url", "negative", "reasons", "theme", "state", "response_due_at", "responded_at",
    "response_hours", "conversation_id",
)  # fmt: skip


def export_rows(reviews: QuerySet[Review]):
    """One row per review for the CSV export (cells neutralized by to_csv)."""
    for r in (
        reviews.select_related("location").order_by("published_at", "pk").iterator(chunk_size=500)
    ):
        hours = None
        if r.responded_at:
            hours = round((r.responded_at - r.published_at).total_seconds() / 3600, 1)
        yield (
            r.external_id, r.kind, r.platform, r.location.name if r.location else "",
            r.published_at.isoformat(), r.rating, r.author, r.title, r.body, r.url,
            r.negative, "; ".join(r.reasons or []), r.theme, r.state,
            r.response_due_at.isoformat() if r.response_due_at else "",
            r.responded_at.isoformat() if r.responded_at else "", hours, r.conversation_id,
        )  # fmt: skip
