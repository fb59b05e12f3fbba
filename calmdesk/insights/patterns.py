"""Patterns over time: volume and share of difficult conversations by channel,
location, team and cause, week by week, with spikes flagged.

Read-only. One query loads a compact row ("fact") per conversation in the
window (through `access.visible_conversations`, so a lead sees their teams);
everything else is counted in Python, so the page's query count does not
grow with the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet

from calmdesk.insights.base import (
    Window,
    fast_datetime,
    is_difficult,
    started_between,
    started_expr,
)
from calmdesk.insights.stats import spikes
from calmdesk.models import Channel, Conversation, Location, RootCause, Team

DIMENSIONS = ("cause", "channel", "team", "location")
DIMENSION_LABELS = {
    "cause": "Root cause",
    "channel": "Channel",
    "team": "Team",
    "location": "Location",
    "product": "Product",
}


@dataclass(slots=True)
class Fact:
    id: int
    started: datetime
    channel: str
    team_id: int
    location_id: int | None
    customer_id: int
    difficult: bool
    cause_id: int | None
    status: str


def load_facts(visible: QuerySet[Conversation], since: datetime, until: datetime) -> list[Fact]:
    """One row per conversation the customer started between `since` and `until`."""
    started, to_datetime = fast_datetime(started_expr(), visible.db)
    rows = (
        visible.filter(started_between(since, until))
        .annotate(started=started)
        .order_by()
        .values_list(
            "id",
            "started",
            "channel",
            "team_id",
            "location_id",
            "customer_id",
            "peak_difficulty",
            "rating",
            "cause_assignment__cause_id",
            "status",
        )
    )
    out = []
    for cid, started, channel, team, loc, cust, peak, rating, cause, status in rows.iterator(
        chunk_size=5000
    ):
        out.append(
            Fact(
                cid,
                to_datetime(started),
                channel,
                team,
                loc,
                cust,
                is_difficult(peak, channel, rating),
                cause,
                status,
            )
        )
    out.sort(key=lambda f: (f.started, f.id))
    return out


@dataclass
class Row:
    """One value of a dimension (a channel, a team, a cause) over the window."""

    key: str
    label: str
    total: int = 0
    difficult: int = 0
    weekly_total: list[int] = field(default_factory=list)
    weekly_difficult: list[int] = field(default_factory=list)
    spike_weeks: list[int] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.difficult / self.total if self.total else None

    @property
    def weekly_share(self) -> list[float | None]:
        return [
            d / t if t else None
            for d, t in zip(self.weekly_difficult, self.weekly_total, strict=True)
        ]

    @property
    def spiking(self) -> bool:
        return bool(self.spike_weeks)

    @property
    def last_spike(self) -> int | None:
        return self.spike_weeks[-1] if self.spike_weeks else None


@dataclass
class Breakdown:
    dimension: str
    label: str
    rows: list[Row]
    weeks: list[datetime]
    share_of: str  # what the share is a share of, in words

    @property
    def spikes(self) -> list[tuple[Row, int]]:
        return [(r, w) for r in self.rows for w in r.spike_weeks]


def _labels(dimension: str, keys: Iterable) -> dict:
    keys = {k for k in keys if k is not None}
    if dimension == "channel":
        return {k: Channel(k).label if k in Channel.values else k for k in keys}
    if dimension == "team":
        return dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "location":
        return dict(Location.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "cause":
        return dict(RootCause.objects.filter(pk__in=keys).values_list("pk", "label"))
    return {k: str(k) for k in keys}


_KEY: dict[str, Callable[[Fact], object]] = {
    "channel": lambda f: f.channel,
    "team": lambda f: f.team_id,
    "location": lambda f: f.location_id,
    "cause": lambda f: f.cause_id,
}


def week_indexes(facts: list[Fact], window: Window) -> list[int | None]:
    """Which of the window's weeks each fact started in (None: outside it): worked
    out once per page and shared by its breakdowns."""
    index = window.index
    return [index(f.started) for f in facts]


def breakdown(
    facts: list[Fact],
    window: Window,
    dimension: str,
    labels: dict | None = None,
    weeks_of: list[int | None] | None = None,
) -> Breakdown:
    """Weekly counts per value of `dimension`.

    For channel, team and location: `total` is every conversation and
    `difficult` the difficult ones (share = how often conversations there
    turn difficult). For cause: `total` is every complaint with a cause and
    `difficult` those with this cause (share = the cause's share of complaints).
    `weeks_of`: week_indexes(facts, window), when the caller has it.
    """
    key_of = _KEY[dimension]
    n = len(window.weeks)
    rows: dict[object, Row] = {}
    week_complaints = [0] * n
    if weeks_of is None:
        weeks_of = week_indexes(facts, window)
    for f, w in zip(facts, weeks_of, strict=True):
        if w is None:
            continue
        if dimension == "cause":
            if f.cause_id is None:
                continue
            week_complaints[w] += 1
        k = key_of(f)
        row = rows.get(k)
        if row is None:
            row = rows[k] = Row(
                str(k if k is not None else ""), "", weekly_total=[0] * n, weekly_difficult=[0] * n
            )
        if dimension == "cause":
            row.difficult += 1
            row.weekly_difficult[w] += 1
        else:
            row.total += 1
            row.weekly_total[w] += 1
            if f.difficult:
                row.difficult += 1
                row.weekly_difficult[w] += 1
    if dimension == "cause":
        for row in rows.values():
            row.weekly_total = list(week_complaints)
            row.total = sum(week_complaints)
    names = labels if labels is not None else _labels(dimension, rows)
    for k, row in rows.items():
        row.label = str(names.get(k, "")) or (
            "No location" if dimension == "location" else "Unknown"
        )
        row.spike_weeks = [i for i, s in enumerate(spikes(row.weekly_difficult)) if s]
    ordered = sorted(rows.values(), key=lambda r: (-r.difficult, r.label))
    share_of = "complaints with a cause" if dimension == "cause" else "conversations"
    return Breakdown(dimension, DIMENSION_LABELS[dimension], ordered, window.weeks, share_of)


def overall(facts: list[Fact], window: Window, weeks_of: list[int | None] | None = None) -> Row:
    """All conversations: weekly totals, difficult ones, spikes."""
    n = len(window.weeks)
    row = Row("all", "All conversations", weekly_total=[0] * n, weekly_difficult=[0] * n)
    if weeks_of is None:
        weeks_of = week_indexes(facts, window)
    for f, w in zip(facts, weeks_of, strict=True):
        if w is None:
            continue
        row.total += 1
        row.weekly_total[w] += 1
        if f.difficult:
            row.difficult += 1
            row.weekly_difficult[w] += 1
    row.spike_weeks = [i for i, s in enumerate(spikes(row.weekly_difficult)) if s]
    return row


def product_tags_available() -> bool:
    """Conversations carry no product tag yet; the page says so instead of guessing."""
    from calmdesk.insights.base import has_field

    return has_field(Conversation, "product") or has_field(Conversation, "tags")


def select(
    facts: list[Fact],
    window: Window,
    *,
    week: int | None = None,
    dimension: str = "",
    value: str = "",
    difficult: bool | None = None,
) -> list[int]:
    """The conversation ids behind one cell of a breakdown (for the drill-down list)."""
    key_of = _KEY.get(dimension)
    out = []
    for f in facts:
        w = window.index(f.started)
        if w is None or (week is not None and w != week):
            continue
        if key_of is not None and str(key_of(f) if key_of(f) is not None else "") != value:
            continue
        if difficult is not None and f.difficult != difficult:
            continue
        out.append(f.id)
    return out


def window_facts(
    visible: QuerySet[Conversation], window: Window, extra_days: int = 0
) -> list[Fact]:
    return load_facts(visible, window.start - timedelta(days=extra_days), window.end)
