"""SLA arithmetic in business hours (weekends, holidays, time zones) and the sweep."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from calmdesk.playbook import load_policy
from calmdesk.playbook.sla import (
    SlaClock,
    business_minutes_between,
    compute_due,
    policy_calendar,
    sla_state,
    time_left,
)
from calmdesk.playbook.timefmt import TeamCalendar, add_business_minutes

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
POLICY = load_policy()


def at(y, m, d, hh, mm=0, tz=LONDON):
    return datetime(y, m, d, hh, mm, tzinfo=tz)


def test_friday_afternoon_target_runs_over_the_weekend():
    cal = policy_calendar(POLICY, "Europe/London")
    # Fri 7 Mar 2025 16:30: 30 minutes left on Friday, 90 more on Monday.
    due = add_business_minutes(at(2025, 3, 7, 16, 30), 120, cal)
    assert due == at(2025, 3, 10, 10, 30)
    assert business_minutes_between(at(2025, 3, 7, 16, 30), due, cal) == 120


def test_a_message_on_saturday_starts_the_clock_on_monday_morning():
    cal = policy_calendar(POLICY, "Europe/London")
    due = add_business_minutes(at(2025, 3, 8, 11, 0), 60, cal)
    assert due == at(2025, 3, 10, 10, 0)


def test_holidays_are_skipped():
    cal = TeamCalendar(
        timezone="Europe/London", holidays=frozenset({date(2025, 12, 25), date(2025, 12, 26)})
    )
    # Wed 24 Dec 16:00 + 4 business hours: 1 h on the 24th, then Monday 29th (25, 26 holidays;
    # 27, 28 weekend) from 09:00.
    assert add_business_minutes(at(2025, 12, 24, 16), 240, cal) == at(2025, 12, 29, 12)
    assert business_minutes_between(at(2025, 12, 24, 16), at(2025, 12, 29, 12), cal) == 240


def test_the_same_instant_means_different_hours_in_different_time_zones():
    london, new_york = (
        policy_calendar(POLICY, "Europe/London"),
        policy_calendar(POLICY, "America/New_York"),
    )
    moment = datetime(2025, 3, 12, 16, 0, tzinfo=UTC)  # 16:00 London, 12:00 New York
    assert add_business_minutes(moment, 120, london) == at(2025, 3, 13, 10, 0)
    assert add_business_minutes(moment, 120, new_york) == at(2025, 3, 12, 14, 0, tz=NEW_YORK)


def test_daylight_saving_change_does_not_shift_opening_hours():
    cal = policy_calendar(POLICY, "Europe/London")
    # Clocks go forward on Sun 30 Mar 2025; Friday 16:00 + 2 h = Monday 10:00 local (BST).
    due = add_business_minutes(at(2025, 3, 28, 16), 120, cal)
    assert due == at(2025, 3, 31, 10)
    assert due.utcoffset() == timedelta(hours=1)


def _clock(**kw):
    base = dict(channel="email", level="hostile", opened_at=at(2025, 3, 10, 9, 0))
    return SlaClock(**{**base, **kw})


def test_due_times_per_channel_and_level():
    cal = policy_calendar(POLICY, "Europe/London")
    hostile = compute_due(_clock(), POLICY, cal)
    assert hostile.response_kind == "first_response"
    assert hostile.response_due == at(2025, 3, 10, 10, 0)  # 60 business minutes
    assert hostile.resolution_due == at(2025, 3, 11, 17, 0)  # 960 = two business days
    calm = compute_due(_clock(level="calm"), POLICY, cal)
    assert calm.response_due == at(2025, 3, 10, 17, 0)  # 480
    chat = compute_due(_clock(channel="chat", level="calm"), POLICY, cal)
    assert chat.response_due == at(2025, 3, 10, 9, 5)  # 'default' row of the chat channel


def test_next_response_clock_starts_at_the_customers_latest_message():
    cal = policy_calendar(POLICY, "Europe/London")
    due = compute_due(
        _clock(first_response_at=at(2025, 3, 10, 9, 30), last_inbound_at=at(2025, 3, 10, 16, 0)),
        POLICY,
        cal,
    )
    assert due.response_kind == "next_response"
    assert due.response_due == at(2025, 3, 11, 10, 0)  # 120 min: 1 h Monday, 1 h Tuesday


def test_no_response_clock_when_answered_held_or_resolved():
    cal = policy_calendar(POLICY, "Europe/London")
    assert compute_due(_clock(awaiting_reply=False), POLICY, cal).response_due is None
    assert compute_due(_clock(held=True), POLICY, cal).response_due is None
    assert compute_due(_clock(resolved=True), POLICY, cal).next_due is None


def test_state_is_at_risk_after_the_fraction_and_breached_at_the_deadline():
    cal = policy_calendar(POLICY, "Europe/London")
    due = compute_due(_clock(), POLICY, cal)  # response due 10:00, started 09:00
    assert sla_state(due, at(2025, 3, 10, 9, 30), cal, POLICY) == "ok"
    assert sla_state(due, at(2025, 3, 10, 9, 46), cal, POLICY) == "at_risk"  # 75 % of 60 min
    assert sla_state(due, at(2025, 3, 10, 10, 0), cal, POLICY) == "breached"


def test_time_left_words():
    now = at(2025, 3, 10, 9, 0)
    assert time_left(at(2025, 3, 10, 9, 35), now) == "35 min left"
    assert time_left(at(2025, 3, 10, 11, 20), now) == "2 h 20 min left"
    assert time_left(at(2025, 3, 10, 8, 0), now) == "overdue 1 h"
    assert time_left(None, now) == ""


# --- on conversations, with the sweep ------------------------------------------
@pytest.fixture
def london_org(org):
    org.orders.timezone = "Europe/London"
    org.orders.save(update_fields=["timezone"])
    return org


def test_due_times_are_set_on_every_conversation_and_the_sweep_raises_state(london_org):
    from calmdesk.actions.escalation import do_sweep
    from calmdesk.models import Event, Notification
    from tests.escalation.conftest import conversation

    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):  # Monday 09:00
        c = conversation(level="hostile", difficulty=70, hours_ago=0)
        assert c.response_due_at == at(2025, 3, 10, 10, 0)
        assert c.sla_state == "ok" and c.priority == 0
    with time_machine.travel(at(2025, 3, 10, 9, 50), tick=False):
        do_sweep()
        c.refresh_from_db()
        assert c.sla_state == "at_risk" and c.priority == 1
    with time_machine.travel(at(2025, 3, 10, 10, 1), tick=False):
        result = do_sweep()
        c.refresh_from_db()
    assert result["breached"] == 1
    assert c.sla_state == "breached" and c.priority == 2
    assert c.sla_breached_at is not None
    assert Event.objects.filter(conversation=c, kind="sla.breached").count() == 1
    assert Notification.objects.filter(conversation=c, kind="sla.breached").exists()
    # The "SLA breached" rule escalates it to a lead.
    assert c.escalation_level == "lead" and "SLA breached" in c.escalation_reason


def test_a_reply_stops_the_response_clock_and_lowers_the_state(london_org):
    from calmdesk.actions import do_reply
    from calmdesk.actions.escalation import do_sweep
    from tests.escalation.conftest import conversation

    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):
        c = conversation(level="hostile", difficulty=70, hours_ago=0)
    with time_machine.travel(at(2025, 3, 10, 9, 50), tick=False):
        do_sweep()
        do_reply(london_org.alex, c, "Hi Dana, I apologize. I'm checking now.")
        c.refresh_from_db()
    assert c.response_due_at is None
    assert c.sla_state == "ok" and c.priority == 0
    assert c.resolution_due_at == at(2025, 3, 11, 17, 0)


def test_friday_evening_message_is_not_breached_over_the_weekend(london_org):
    from calmdesk.actions.escalation import do_sweep
    from tests.escalation.conftest import conversation

    with time_machine.travel(at(2025, 3, 7, 18, 0), tick=False):  # Friday after closing
        c = conversation(level="hostile", difficulty=70, hours_ago=0)
    with time_machine.travel(at(2025, 3, 9, 23, 0), tick=False):  # Sunday night
        do_sweep()
        c.refresh_from_db()
        assert c.sla_state == "ok"
        assert c.response_due_at == at(2025, 3, 10, 10, 0)


def test_sweep_clears_resolved_conversations(london_org):
    from calmdesk.actions import do_set_status
    from tests.escalation.conftest import conversation

    with time_machine.travel(at(2025, 3, 10, 9, 0), tick=False):
        c = conversation(level="tense", difficulty=40, hours_ago=0)
        do_set_status(london_org.alex, c, "resolved")
        c.refresh_from_db()
    assert c.sla_due_at is None and c.response_due_at is None and c.priority == 0


def test_business_hours_close_time_value():
    assert POLICY.sla.business_hours.close == "17:00"
    assert policy_calendar(POLICY, "Europe/London").close == time(17, 0)
