"""SLA due times and states: pure arithmetic over a conversation's timestamps.

A conversation has two clocks: the response clock (first response, then the
next response after each customer message) and the resolution clock (from
the first message). Targets come from `policy.sla.targets` by channel and
level and are counted in the team's business hours (`TeamCalendar`). A clock
is *at risk* once `policy.sla.at_risk_fraction` of its business time has
passed and *breached* at its deadline. Pass `now`: nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from calmdesk.playbook.policy import Policy
from calmdesk.playbook.timefmt import TeamCalendar, add_business_minutes, aware

SlaState = Literal["ok", "at_risk", "breached"]
_RANK = {"ok": 0, "at_risk": 1, "breached": 2}


def policy_calendar(policy: Policy, timezone: str) -> TeamCalendar:
    """The policy's business hours in a team's time zone."""
    from calmdesk.playbook.context import calendar_for
    from calmdesk.playbook.views import EMPTY_CONVERSATION

    return calendar_for(replace(EMPTY_CONVERSATION, team_timezone=timezone or "UTC"), policy)


def business_minutes_between(start: datetime, end: datetime, cal: TeamCalendar) -> int:
    """Opening-hours minutes from `start` to `end` (0 when end <= start)."""
    start, end = aware(start).astimezone(cal.tz), aware(end).astimezone(cal.tz)
    if end <= start:
        return 0
    if not cal.days:
        return int((end - start).total_seconds() // 60)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if cal.is_open_day(day):
            opens = datetime.combine(day, cal.open, tzinfo=cal.tz)
            closes = cal.close_of(day)
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


@dataclass(frozen=True)
class SlaClock:
    """What the SLA reads from a conversation."""

    channel: str
    level: str
    opened_at: datetime
    first_response_at: datetime | None = None
    last_inbound_at: datetime | None = None
    awaiting_reply: bool = True
    resolved: bool = False
    held: bool = False  # paused or blocked: the response clock stops


@dataclass(frozen=True)
class SlaDue:
    response_kind: Literal["first_response", "next_response", ""]
    response_started: datetime | None
    response_due: datetime | None
    resolution_started: datetime | None
    resolution_due: datetime | None

    @property
    def next_due(self) -> datetime | None:
        """The earliest open deadline."""
        dues = [d for d in (self.response_due, self.resolution_due) if d is not None]
        return min(dues) if dues else None

    @property
    def next_kind(self) -> str:
        due = self.next_due
        if due is None:
            return ""
        return self.response_kind if due == self.response_due else "resolution"


NO_DUE = SlaDue("", None, None, None, None)


def compute_due(clock: SlaClock, policy: Policy, cal: TeamCalendar) -> SlaDue:
    """The deadlines of a conversation's open clocks."""
    if clock.resolved:
        return NO_DUE
    target = policy.sla_target(clock.channel, clock.level)
    opened = aware(clock.opened_at)
    resolution_due = add_business_minutes(opened, target.resolution, cal)
    if not clock.awaiting_reply or clock.held:
        return SlaDue("", None, None, opened, resolution_due)
    if clock.first_response_at is None:
        minutes = target.first_response
        if policy.is_public(clock.channel) and target.public_response:
            minutes = target.public_response
        return SlaDue(
            "first_response",
            opened,
            add_business_minutes(opened, minutes, cal),
            opened,
            resolution_due,
        )
    started = aware(clock.last_inbound_at or opened)
    return SlaDue(
        "next_response",
        started,
        add_business_minutes(started, target.next_response, cal),
        opened,
        resolution_due,
    )


def clock_state(
    started: datetime | None,
    due: datetime | None,
    now: datetime,
    cal: TeamCalendar,
    at_risk_fraction: float,
) -> SlaState:
    if started is None or due is None:
        return "ok"
    now = aware(now)
    if now >= due:
        return "breached"
    total = business_minutes_between(started, due, cal)
    used = business_minutes_between(started, now, cal)
    return "at_risk" if total and used >= at_risk_fraction * total else "ok"


def sla_state(due: SlaDue, now: datetime, cal: TeamCalendar, policy: Policy) -> SlaState:
    """The worse of the two clocks' states at `now`."""
    frac = policy.sla.at_risk_fraction
    states = [
        clock_state(due.response_started, due.response_due, now, cal, frac),
        clock_state(due.resolution_started, due.resolution_due, now, cal, frac),
    ]
    return max(states, key=_RANK.__getitem__)


def time_left(due: datetime | None, now: datetime) -> str:
    """'2 h 10 min left', '35 min left', 'overdue 1 h'; '' without a deadline."""
    if due is None:
        return ""
    seconds = int((aware(due) - aware(now)).total_seconds())
    word = _span(abs(seconds))
    return f"{word} left" if seconds >= 0 else f"overdue {word}"


def _span(seconds: int) -> str:
    minutes = seconds // 60
    if minutes < 1:
        return "< 1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes and hours < 4 else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours and days < 3 else f"{days} d"
