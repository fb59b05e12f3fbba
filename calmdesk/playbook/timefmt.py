"""Business-time arithmetic and the times people write in replies.

`add_business_minutes` turns an SLA target into a due time with a team's
calendar; `say_due` turns that into words a customer understands ("by
Thursday"); `find_times` reads the times a reply promises ("within 2 hours",
"by Friday", "tomorrow at 3pm", "noon tomorrow") back into deadlines, so the coach can check
them against the SLA. Pure functions of their inputs: pass `now`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class TeamCalendar:
    """Opening hours of a team: weekdays (0 = Monday), open/close, holidays."""

    timezone: str = "UTC"
    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    open: time = time(9, 0)
    close: time = time(17, 0)
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def tz(self) -> tzinfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    def is_open_day(self, d: date) -> bool:
        return d.weekday() in self.days and d not in self.holidays

    def close_of(self, d: date) -> datetime:
        return datetime.combine(d, self.close, tzinfo=self.tz)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def add_business_minutes(start: datetime, minutes: int, cal: TeamCalendar) -> datetime:
    """`start` plus `minutes` of opening hours, in the calendar's time zone."""
    if not cal.days:
        return aware(start) + timedelta(minutes=minutes)
    current = aware(start).astimezone(cal.tz)
    left = timedelta(minutes=max(0, minutes))
    for _ in range(3660):  # ten years of days: a guard, never reached in practice
        d = current.date()
        opens = datetime.combine(d, cal.open, tzinfo=cal.tz)
        closes = cal.close_of(d)
        if not cal.is_open_day(d) or current >= closes:
            current = datetime.combine(d + timedelta(days=1), cal.open, tzinfo=cal.tz)
            continue
        current = max(current, opens)
        if current + left <= closes:
            return current + left
        left -= closes - current
        current = datetime.combine(d + timedelta(days=1), cal.open, tzinfo=cal.tz)
    return current


def add_business_days(start: datetime, days: int, cal: TeamCalendar) -> date:
    d = aware(start).astimezone(cal.tz).date()
    while days > 0 or not cal.is_open_day(d):
        d += timedelta(days=1)
        if cal.is_open_day(d):
            days -= 1
        if (d - aware(start).date()).days > 3660:
            break
    return d


def say_day(d: date, now: datetime, cal: TeamCalendar) -> str:
    """'today', 'tomorrow', 'Thursday', 'Thursday 14 March' or, in another year or
    more than about six months ahead, 'Monday 5 January 2026', as seen from `now`."""
    today = aware(now).astimezone(cal.tz).date()
    delta = (d - today).days
    if delta <= 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    name = WEEKDAYS[d.weekday()].capitalize()
    if delta < 7:
        return name
    year = f" {d.year}" if d.year != today.year or delta > 183 else ""
    return f"{name} {d.day} {MONTHS[d.month - 1].capitalize()}{year}"


def say_due(due: datetime, now: datetime, cal: TeamCalendar) -> str:
    """Words for a deadline: 'the end of today', 'tomorrow', 'Thursday'..."""
    word = say_day(aware(due).astimezone(cal.tz).date(), now, cal)
    return "the end of today" if word == "today" else word


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    text: str
    deadline: datetime


_NUM = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14,
    "twenty-four": 24, "forty-eight": 48, "seventy-two": 72,
}  # fmt: skip
_NUM_RE = r"\d{1,3}|" + "|".join(sorted(_NUM, key=len, reverse=True))
_MONTH_RE = "|".join(m[:3] + (m[3:] and f"(?:{m[3:]})?") for m in MONTHS)
_WEEKDAY_RE = "|".join(WEEKDAYS)
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}

_DURATION = re.compile(
    rf"\b(?:with)?in (?:the next )?(?P<n>{_NUM_RE}) (?P<biz>business |working )?"
    r"(?P<unit>minute|hour|day|week)s?\b",
    re.IGNORECASE,
)
_WITHIN_THE = re.compile(r"\bwithin the (?P<unit>hour|day|week)\b", re.IGNORECASE)
_TODAY = re.compile(
    r"\b(?:by )?(?:the )?(?:end of )?(?:today|tonight|this (?:afternoon|evening|morning))\b",
    re.IGNORECASE,
)
_TOMORROW = re.compile(
    r"\b(?P<after>the day after )?tomorrow(?: (?P<part>morning|afternoon|evening))?\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(rf"\b(?P<next>next )?(?P<day>{_WEEKDAY_RE})\b", re.IGNORECASE)
_WEEK = re.compile(r"\b(?:the )?(?:end of )?(?P<which>this|next|the) week\b", re.IGNORECASE)
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m1>{_MONTH_RE})"
    rf"|(?P<m2>{_MONTH_RE}) (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"\b(?:(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))? ?(?P<ap>am|pm|a\.m\.|p\.m\.)"
    r"|(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d))(?!\w)",
    re.IGNORECASE,
)
# Times of day said in words. Like a clock time they attach to a day said next
# to them ("tomorrow at noon", "midday tomorrow", "end of day Friday"); alone,
# noon and midnight are the next such time, and the end of the day is today's
# closing time (as "by the end of today").
_NAMED = re.compile(
    r"\b(?:(?P<noon>(?:12 )?noon|mid-?day)|(?P<midnight>midnight)"
    r"|(?P<close>(?:by )?(?:the )?(?:(?:end|close) of (?:the )?(?:business |working )?day"
    r"|close of business|eod)))\b",
    re.IGNORECASE,
)


def _month(name: str) -> int:
    return [m[:3] for m in MONTHS].index(name[:3].lower()) + 1


def find_times(text: str, now: datetime, cal: TeamCalendar) -> list[TimeMention]:
    """Every time expression in `text`, with the deadline it promises."""
    now_l = aware(now).astimezone(cal.tz)
    today = now_l.date()
    found: list[tuple[int, int, datetime, bool]] = []  # start, end, deadline, is_day
    for m in _DURATION.finditer(text):
        n = int(m["n"]) if m["n"].isdigit() else _NUM[m["n"].lower()]
        minutes = n * _UNIT_MINUTES[m["unit"].lower()]
        if m["biz"]:
            span = (
                datetime.combine(today, cal.close) - datetime.combine(today, cal.open)
            ).seconds // 60
            due = add_business_minutes(now_l, minutes // 1440 * span or minutes, cal)
        else:
            due = now_l + timedelta(minutes=minutes)
        found.append((m.start(), m.end(), due, False))
    for m in _WITHIN_THE.finditer(text):
        unit = m["unit"].lower()
        due = now_l + timedelta(hours=1) if unit == "hour" else cal.close_of(today)
        if unit == "week":
            due = cal.close_of(
                today + timedelta(days=4 - today.weekday() if today.weekday() < 5 else 6)
            )
        found.append((m.start(), m.end(), due, False))
    for m in _TODAY.finditer(text):
        word = m.group(0).lower()
        due = (
            datetime.combine(today, time(23, 59), tzinfo=cal.tz)
            if "tonight" in word
            else cal.close_of(today)
        )
        if "morning" in word:
            due = datetime.combine(today, time(12, 0), tzinfo=cal.tz)
        found.append((m.start(), m.end(), due, True))
    for m in _TOMORROW.finditer(text):
        d = today + timedelta(days=2 if m["after"] else 1)
        due = (
            datetime.combine(d, time(12, 0), tzinfo=cal.tz)
            if m["part"] == "morning"
            else cal.close_of(d)
        )
        found.append((m.start(), m.end(), due, True))
    for m in _WEEKDAY.finditer(text):
        ahead = (WEEKDAYS.index(m["day"].lower()) - today.weekday()) % 7 or 7
        found.append((m.start(), m.end(), cal.close_of(today + timedelta(days=ahead)), True))
    for m in _WEEK.finditer(text):
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        if m["which"].lower() == "next":
            friday += timedelta(days=7)
        found.append((m.start(), m.end(), cal.close_of(friday), True))
    for m in _DATE.finditer(text):
        day, month = int(m["d1"] or m["d2"]), _month(m["m1"] or m["m2"])
        try:
            d = date(today.year, month, day)
            if d < today:
                d = date(today.year + 1, month, day)
        except ValueError:
            continue
        found.append((m.start(), m.end(), cal.close_of(d), True))
    found.sort(key=lambda f: (f[0], -f[1]))
    mentions = _with_clock_times(text, found, now_l, cal)
    return mentions


def _with_clock_times(
    text: str, found: list[tuple[int, int, datetime, bool]], now_l: datetime, cal: TeamCalendar
) -> list[TimeMention]:
    """Drop overlaps, then attach '3pm' or 'noon' to a day said within a few words of it."""
    kept: list[tuple[int, int, datetime, bool]] = []
    for f in found:
        if not kept or f[0] >= kept[-1][1]:
            kept.append(f)
    clocks = sorted([*_CLOCK.finditer(text), *_NAMED.finditer(text)], key=lambda m: m.start())
    for m in clocks:
        if m.re is _NAMED:
            clock = time(12, 0) if m["noon"] else time(23, 59) if m["midnight"] else cal.close
        elif m["ap"]:
            hour = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
            clock = time(hour, int(m["m"] or 0))
        else:
            clock = time(int(m["H"]), int(m["M"]))
        near = [
            k for k in kept if k[3] and (0 <= m.start() - k[1] <= 6 or 0 <= k[0] - m.end() <= 6)
        ]
        if near:
            k = near[0]
            at = datetime.combine(k[2].date(), clock, tzinfo=cal.tz)
            kept[kept.index(k)] = (min(k[0], m.start()), max(k[1], m.end()), at, True)
            continue
        at = datetime.combine(now_l.date(), clock, tzinfo=cal.tz)
        if at < now_l and not (m.re is _NAMED and m["close"]):
            at += timedelta(days=1)
        kept.append((m.start(), m.end(), at, True))
    kept.sort()
    return [TimeMention(s, e, text[s:e], d) for s, e, d, _ in kept]
