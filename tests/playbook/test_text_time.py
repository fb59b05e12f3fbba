"""Reading the customer's issue, and business-time arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from calmdesk.playbook.schema import EMOTIONS, LEVELS, SIGNAL_KINDS
from calmdesk.playbook.text import extract_issue, root_cause, second_person
from calmdesk.playbook.timefmt import TeamCalendar, add_business_minutes, find_times, say_due
from calmdesk.playbook.views import MessageView

from .conversations import NOW

NOW_BERLIN = datetime(2025, 3, 10, 13, 0, tzinfo=UTC)  # Monday 14:00 in Berlin


@pytest.mark.parametrize(
    ("body", "restated"),
    [
        (
            "This is the third time I write and my order #4411 has not arrived, you idiots!!!",
            "your order #4411 has not arrived",
        ),
        (
            "You charged me twice for the same subscription. I want my money back.",
            "we charged you twice for the same subscription",
        ),
        (
            "Hi, I ordered a sofa on 3 March. It was delivered damaged.",
            "your sofa was delivered damaged",
        ),
        (
            "I told you last week that the invoice is wrong",
            "you told us last week that the invoice is wrong",
        ),
        ("Waited 6 weeks for a sofa. Avoid!", "you waited 6 weeks for a sofa"),
        (
            "My package is still not here after 2 weeks. WHERE IS IT??",
            "your package is still not here after 2 weeks",
        ),
    ],
)
def test_extract_issue(body, restated):
    issue = extract_issue([MessageView("in", body, NOW)])
    assert issue is not None and issue.restated == restated


@pytest.mark.parametrize(
    "body",
    [
        "Call me now!!!",
        "Where is my refund???",
        "If this is not fixed by Friday I will sue you.",
        "You people are a joke.",
    ],
)
def test_no_issue_when_there_is_no_problem_statement(body):
    assert extract_issue([MessageView("in", body, NOW)]) is None


def test_second_person_swaps_both_ways():
    assert (
        second_person("I am sure you sent my parcel to the wrong address")
        == "you are sure we sent your parcel to the wrong address"
    )
    assert second_person("I was charged by you") == "you were charged by us"


def test_root_cause_from_cues():
    from calmdesk.playbook import load_policy

    policy = load_policy()
    assert root_cause("my parcel was never delivered, the courier lost it", policy) == "delivery"
    assert root_cause("you charged my card twice, fix the invoice", policy) == "billing_payment"
    assert root_cause("hello", policy) == "other"


def test_mirrored_constants_match_the_analysis_engine():
    types = pytest.importorskip("calmdesk.analysis.types")
    assert LEVELS == types.LEVELS and EMOTIONS == types.EMOTIONS
    assert set(SIGNAL_KINDS) == set(types.SIGNAL_KINDS)


BERLIN = TeamCalendar(timezone="Europe/Berlin", holidays=frozenset({date(2025, 3, 12)}))


def test_business_minutes_skip_nights_weekends_holidays_and_use_the_zone():
    # Monday 14:00 Berlin + 180 min: 3 h left today -> Monday 17:00
    assert add_business_minutes(NOW_BERLIN, 180, BERLIN).isoformat() == "2025-03-10T17:00:00+01:00"
    # + 240 min: 3 h Monday, 1 h Tuesday -> Tuesday 10:00
    assert add_business_minutes(NOW_BERLIN, 240, BERLIN).isoformat() == "2025-03-11T10:00:00+01:00"
    # + 3 days: Tuesday, (Wednesday is a holiday), Thursday, Friday -> Friday 14:00
    assert (
        add_business_minutes(NOW_BERLIN, 3 * 480, BERLIN).isoformat() == "2025-03-14T14:00:00+01:00"
    )
    # Friday 16:00 + 120 -> Monday 10:00
    friday = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)
    assert add_business_minutes(friday, 120, BERLIN).isoformat() == "2025-03-17T10:00:00+01:00"
    # Saturday: starts at Monday's opening
    saturday = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)
    assert add_business_minutes(saturday, 30, BERLIN).isoformat() == "2025-03-17T09:30:00+01:00"


def test_say_due():
    cal = TeamCalendar()
    assert say_due(datetime(2025, 3, 10, 16, 0, tzinfo=UTC), NOW, cal) == "the end of today"
    assert say_due(datetime(2025, 3, 11, 9, 0, tzinfo=UTC), NOW, cal) == "tomorrow"
    assert say_due(datetime(2025, 3, 13, 9, 0, tzinfo=UTC), NOW, cal) == "Thursday"
    assert say_due(datetime(2025, 3, 20, 9, 0, tzinfo=UTC), NOW, cal) == "Thursday 20 March"
    # another year, or more than about six months ahead: with the year
    assert say_due(datetime(2026, 1, 5, 9, 0, tzinfo=UTC), NOW, cal) == "Monday 5 January 2026"
    assert say_due(datetime(2025, 11, 3, 9, 0, tzinfo=UTC), NOW, cal) == "Monday 3 November 2025"
    assert say_due(datetime(2025, 8, 4, 9, 0, tzinfo=UTC), NOW, cal) == "Monday 4 August"


@pytest.mark.parametrize(
    ("text", "found", "deadline"),
    [
        (
            "I will update you within 2 hours.",
            "within 2 hours",
            datetime(2025, 3, 10, 12, 0, tzinfo=UTC),
        ),
        (
            "within 3 working days",
            "within 3 working days",
            datetime(2025, 3, 13, 10, 0, tzinfo=UTC),
        ),
        ("I'll call you by Thursday.", "Thursday", datetime(2025, 3, 13, 17, 0, tzinfo=UTC)),
        (
            "I'll call you tomorrow at 3pm.",
            "tomorrow at 3pm",
            datetime(2025, 3, 11, 15, 0, tzinfo=UTC),
        ),
        ("by the end of today", "by the end of today", datetime(2025, 3, 10, 17, 0, tzinfo=UTC)),
        ("on 14 March", "14 March", datetime(2025, 3, 14, 17, 0, tzinfo=UTC)),
        ("next week", "next week", datetime(2025, 3, 21, 17, 0, tzinfo=UTC)),
        ("within the hour", "within the hour", datetime(2025, 3, 10, 11, 0, tzinfo=UTC)),
        # noon and midday are 12:00, on the day said next to them (NOW is Monday 10:00)
        (
            "I will update you by tomorrow noon.",
            "tomorrow noon",
            datetime(2025, 3, 11, 12, 0, tzinfo=UTC),
        ),
        ("midday tomorrow", "midday tomorrow", datetime(2025, 3, 11, 12, 0, tzinfo=UTC)),
        ("tomorrow at noon", "tomorrow at noon", datetime(2025, 3, 11, 12, 0, tzinfo=UTC)),
        ("noon tomorrow", "noon tomorrow", datetime(2025, 3, 11, 12, 0, tzinfo=UTC)),
        ("on Friday at midday", "Friday at midday", datetime(2025, 3, 14, 12, 0, tzinfo=UTC)),
        ("I'll call by noon.", "noon", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),
        ("at 12 noon", "12 noon", datetime(2025, 3, 10, 12, 0, tzinfo=UTC)),
        # the end of the day is the team's closing time; midnight is 23:59 (as "tonight")
        ("by end of day", "by end of day", datetime(2025, 3, 10, 17, 0, tzinfo=UTC)),
        ("end of day tomorrow", "end of day tomorrow", datetime(2025, 3, 11, 17, 0, tzinfo=UTC)),
        (
            "by close of business Friday",
            "by close of business Friday",
            datetime(2025, 3, 14, 17, 0, tzinfo=UTC),
        ),
        ("by midnight", "midnight", datetime(2025, 3, 10, 23, 59, tzinfo=UTC)),
        ("midnight tomorrow", "midnight tomorrow", datetime(2025, 3, 11, 23, 59, tzinfo=UTC)),
        (
            "the day after tomorrow",
            "the day after tomorrow",
            datetime(2025, 3, 12, 17, 0, tzinfo=UTC),
        ),
        (
            "good afternoon, I'll check tomorrow",
            "tomorrow",
            datetime(2025, 3, 11, 17, 0, tzinfo=UTC),
        ),
    ],
)
def test_find_times(text, found, deadline):
    (mention,) = find_times(text, NOW, TeamCalendar())
    assert mention.text == found and text[mention.start : mention.end] == found
    assert mention.deadline == deadline


def test_clock_time_alone_rolls_to_tomorrow_when_past():
    (mention,) = find_times("I will call at 9:30", NOW, TeamCalendar())
    assert mention.deadline.date() == date(2025, 3, 11) and mention.deadline.time() == time(9, 30)


def test_noon_alone_rolls_to_tomorrow_when_past_but_end_of_day_stays_today():
    afternoon = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    (noon,) = find_times("I'll get back to you by noon", afternoon, TeamCalendar())
    assert noon.deadline == datetime(2025, 3, 11, 12, 0, tzinfo=UTC)
    (eod,) = find_times("by the end of the day", afternoon, TeamCalendar())
    assert eod.deadline == datetime(2025, 3, 10, 17, 0, tzinfo=UTC)


def test_noon_is_the_team_zones_noon():
    (mention,) = find_times("tomorrow at noon", NOW_BERLIN, BERLIN)
    assert mention.deadline.isoformat() == "2025-03-11T12:00:00+01:00"
