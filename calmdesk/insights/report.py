"""Everything the insights overview, the causes list and the digest show, computed once.

Read-only and a fixed number of queries whatever the data: facts for the
window (one query), names for teams, locations and causes, the causes with
their owners, and the complaints the before/after verdicts need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from calmdesk.insights import customers, loop, patterns
from calmdesk.insights.base import Window, setting
from calmdesk.insights.stats import Verdict
from calmdesk.models import CauseStatus, Conversation, RootCause

RECENT_WEEKS = 4


@dataclass
class CauseRow:
    cause: RootCause
    weekly: list[int]
    recent: int  # complaints in the last RECENT_WEEKS weeks
    previous: int  # the RECENT_WEEKS weeks before those
    share: float | None  # of all complaints with a cause in the last RECENT_WEEKS weeks
    spike_weeks: list[int]
    verdict: Verdict | None

    @property
    def change(self) -> int:
        return self.recent - self.previous


@dataclass
class Overview:
    now: datetime
    window: Window
    facts: list[patterns.Fact] = field(repr=False)
    overall: patterns.Row
    breakdowns: dict[str, patterns.Breakdown]
    causes: list[CauseRow]
    repeat_all: customers.Rate
    repeat_difficult: customers.Rate
    churn: customers.Churn
    revenue: customers.Revenue
    product_tags: bool
    repeat_days: int
    churn_days: int

    @property
    def spikes(self) -> list[tuple[str, str, datetime]]:
        """(dimension label, value label, week) for every spike in the window's last two weeks."""
        recent = len(self.window.weeks) - 2
        out = [
            ("All", "Difficult conversations", self.window.weeks[w])
            for w in self.overall.spike_weeks
            if w >= recent
        ]
        for b in self.breakdowns.values():
            out += [(b.label, r.label, self.window.weeks[w]) for r, w in b.spikes if w >= recent]
        return out


def overview(
    visible: QuerySet[Conversation], now: datetime | None = None, weeks: int | None = None
) -> Overview:
    now = now or timezone.now()
    weeks = weeks or int(setting("CALMDESK_INSIGHTS_WEEKS", 12))
    window = Window.last(weeks, now)
    repeat_days = int(setting("CALMDESK_REPEAT_CONTACT_DAYS", 14))
    churn_days = int(setting("CALMDESK_CHURN_WINDOW_DAYS", 60))
    cohort_start = now - timedelta(days=churn_days + customers.COHORT_DAYS)
    since = min(window.start - timedelta(days=repeat_days), cohort_start)
    facts = patterns.load_facts(visible, since, now)
    weeks_of = patterns.week_indexes(facts, window)
    breakdowns = {
        d: patterns.breakdown(facts, window, d, weeks_of=weeks_of) for d in patterns.DIMENSIONS
    }
    repeat_all, repeat_hard = customers.repeat_contacts(facts, window.start, repeat_days)
    churn = customers.silent_churn(facts, now, churn_days)
    return Overview(
        now=now,
        window=window,
        facts=facts,
        overall=patterns.overall(facts, window, weeks_of),
        breakdowns=breakdowns,
        causes=cause_rows(visible, breakdowns["cause"], window, now),
        repeat_all=repeat_all,
        repeat_difficult=repeat_hard,
        churn=churn,
        revenue=customers.revenue_at_risk(facts, churn, now),
        product_tags=patterns.product_tags_available(),
        repeat_days=repeat_days,
        churn_days=churn_days,
    )


def cause_rows(
    visible, by_cause: patterns.Breakdown, window: Window, now: datetime
) -> list[CauseRow]:
    causes = list(
        RootCause.objects.exclude(status=CauseStatus.PROPOSED).select_related("owner__user")
    )
    complaints = loop.complaints_since(visible, loop.earliest_needed(causes, now, now))
    rows = {r.key: r for r in by_cause.rows}
    n = len(window.weeks)
    total_recent = sum(
        (by_cause.rows[0].weekly_total if by_cause.rows else [0] * n)[-RECENT_WEEKS:]
    )
    out = []
    for cause in causes:
        row = rows.get(str(cause.pk))
        weekly = row.weekly_difficult if row else [0] * n
        recent = sum(weekly[-RECENT_WEEKS:])
        if cause.status == CauseStatus.RETIRED and not recent and cause.fix_date is None:
            continue
        out.append(
            CauseRow(
                cause=cause,
                weekly=weekly,
                recent=recent,
                previous=sum(weekly[-2 * RECENT_WEEKS : -RECENT_WEEKS]),
                share=recent / total_recent if total_recent else None,
                spike_weeks=row.spike_weeks if row else [],
                verdict=loop.verdict_for(cause, complaints, now),
            )
        )
    out.sort(key=lambda r: (-r.recent, r.cause.label))
    return out
