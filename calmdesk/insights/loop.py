"""The loop: did the fix work? Complaints about a cause before and after its fix date.

Read-only. The two windows have the same length, L = the days since the fix
(at least 14, at most 90): [fix - L, fix) and [fix, fix + L). Counts are
complaints with this cause; totals are complaints with any cause in the
same window, so the share can be compared too. `stats.before_after_verdict`
turns them into words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from calmdesk.insights.base import fast_datetime, setting
from calmdesk.insights.stats import Verdict, before_after_verdict
from calmdesk.models import Conversation, ConversationCause, RootCause

MIN_WINDOW_DAYS = 14
MAX_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Complaint:
    cause_id: int
    at: datetime
    conversation_id: int


def complaints_since(visible: QuerySet[Conversation], since: datetime) -> list[Complaint]:
    at, to_datetime = fast_datetime(F("occurred_at"), ConversationCause.objects.db)
    rows = (
        ConversationCause.objects.filter(occurred_at__gte=since, conversation__in=visible)
        .order_by("occurred_at")
        .annotate(at=at)
        .values_list("cause_id", "at", "conversation_id")
    )
    return [Complaint(c, to_datetime(t), v) for c, t, v in rows.iterator(chunk_size=5000)]


def fix_moment(cause: RootCause) -> datetime | None:
    if cause.fix_date is None:
        return None
    return timezone.make_aware(datetime.combine(cause.fix_date, time.min))


def windows(cause: RootCause, now: datetime) -> tuple[datetime, datetime, datetime] | None:
    """(before_start, fix, after_end) for the comparison, or None without a fix date."""
    fix = fix_moment(cause)
    if fix is None:
        return None
    days = min(max((now - fix).days, MIN_WINDOW_DAYS), MAX_WINDOW_DAYS)
    return fix - timedelta(days=days), fix, min(fix + timedelta(days=days), now)


def earliest_needed(causes, now: datetime, default: datetime) -> datetime:
    starts = [w[0] for c in causes if (w := windows(c, now)) is not None]
    return min([default, *starts])


def verdict_for(cause: RootCause, complaints: list[Complaint], now: datetime) -> Verdict | None:
    """The before/after verdict for a cause with a fix date (None without one)."""
    w = windows(cause, now)
    if w is None:
        return None
    start, fix, end = w
    before = after = before_total = after_total = 0
    for c in complaints:
        if start <= c.at < fix:
            before_total += 1
            before += c.cause_id == cause.pk
        elif fix <= c.at < end:
            after_total += 1
            after += c.cause_id == cause.pk
    after_days = max((end - fix).total_seconds() / 86400, 0)
    return before_after_verdict(
        before,
        (fix - start).total_seconds() / 86400,
        after,
        after_days,
        before_total=before_total,
        after_total=after_total,
        min_count=int(setting("CALMDESK_VERDICT_MIN_COUNT", 10)),
        min_after_days=MIN_WINDOW_DAYS,
    )


def ids_in(cause: RootCause, complaints: list[Complaint], now: datetime, part: str) -> list[int]:
    """The conversations counted in the "before" or "after" figure."""
    w = windows(cause, now)
    if w is None:
        return []
    start, fix, end = w
    lo, hi = (start, fix) if part == "before" else (fix, end)
    return [c.conversation_id for c in complaints if c.cause_id == cause.pk and lo <= c.at < hi]
