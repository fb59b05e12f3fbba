"""Patterns, repeat contact, silent churn, revenue at risk and the loop, against hand-computed values."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from calmdesk.insights.base import week_start
from calmdesk.insights.report import overview
from calmdesk.models import Conversation
from tests.insights.helpers import talk


def _at(weeks_back: int, day: int = 1, hour: int = 10):
    return (
        week_start(timezone.now()) - timedelta(weeks=weeks_back) + timedelta(days=day, hours=hour)
    )


@pytest.fixture
def week_data(org):
    last, before = [], []
    last.append(talk(at=_at(1), channel="email", difficult=True))
    last.append(talk(at=_at(1, 2), channel="email", difficult=True))
    last.append(talk(at=_at(1, 3), channel="email", difficult=False))
    last.append(talk(at=_at(1, 4), channel="chat", difficult=True, team="billing"))
    before.append(talk(at=_at(2, 0), channel="email", difficult=False, email="same@example.com"))
    before.append(talk(at=_at(2, 3), channel="email", difficult=False, email="same@example.com"))
    return last, before


def test_breakdowns_and_shares(week_data):
    data = overview(Conversation.objects.all(), weeks=4)
    o = data.overall
    assert o.weekly_total == [0, 2, 4, 0] and o.weekly_difficult == [0, 0, 3, 0]
    assert o.weekly_share[2] == 0.75 and o.weekly_share[0] is None
    channels = {r.label: r for r in data.breakdowns["channel"].rows}
    assert (channels["Email"].total, channels["Email"].difficult) == (5, 2)
    assert channels["Email"].share == 0.4
    assert (channels["Chat"].total, channels["Chat"].difficult, channels["Chat"].share) == (
        1,
        1,
        1.0,
    )
    teams = {r.label: r.difficult for r in data.breakdowns["team"].rows}
    assert teams == {"Orders": 2, "Billing": 1}
    assert [r.label for r in data.breakdowns["location"].rows] == ["No location"]


def test_repeat_contact_rate(week_data):
    data = overview(Conversation.objects.all(), weeks=4)
    # the second conversation of same@example.com came 3 days after the first
    assert (data.repeat_all.numerator, data.repeat_all.denominator) == (1, 6)
    assert data.repeat_all.ids == [week_data[1][1].pk]
    assert (data.repeat_difficult.numerator, data.repeat_difficult.denominator) == (0, 3)


def test_cause_breakdown_is_a_share_of_complaints(week_data):
    from calmdesk import actions

    last, _ = week_data
    actions.do_categorize()  # the three difficult ones: "Where is my parcel?" -> delivery
    data = overview(Conversation.objects.all(), weeks=4)
    rows = {r.label: r for r in data.breakdowns["cause"].rows}
    assert rows["Delivery"].difficult == 3 and rows["Delivery"].share == 1.0
    causes = {r.cause.key: r for r in data.causes}
    assert causes["delivery"].recent == 3 and causes["delivery"].share == 1.0


def test_silent_churn_estimate_and_revenue_at_risk(org):
    from calmdesk.insights.base import optional_model

    now = timezone.now()
    a = talk(at=now - timedelta(days=100), difficult=True, email="a@example.com")
    talk(at=now - timedelta(days=100), difficult=True, email="b@example.com")
    talk(at=now - timedelta(days=10), difficult=False, email="b@example.com")  # B came back
    talk(at=now - timedelta(days=90), difficult=False, email="c@example.com")  # baseline, silent
    d = talk(at=now - timedelta(days=80), difficult=True, email="d@example.com")
    events = optional_model("CustomerEvent", "customer", "kind", "occurred_at", "value") is not None
    if events:
        from calmdesk.actions.followup import do_record_customer_event

        do_record_customer_event(
            a.customer, "purchase", now - timedelta(days=200), value=Decimal("120.50")
        )
        do_record_customer_event(
            d.customer, "purchase", now - timedelta(days=20), value=Decimal("40")
        )
    data = overview(Conversation.objects.all(), weeks=4, now=now)
    ch = data.churn
    if events:
        # A silent; D bought again after its difficult contact; B is not in the cohort (came back)
        assert (ch.difficult.numerator, ch.difficult.denominator) == (1, 2)
        assert ch.came_back_by_event == 1 and ch.uses_events
        assert data.revenue.available and data.revenue.silent_churn == Decimal("120.50")
    else:
        assert (ch.difficult.numerator, ch.difficult.denominator) == (2, 2)
        assert not data.revenue.available
    assert ch.difficult.ids[0] == a.pk
    assert (ch.baseline.numerator, ch.baseline.denominator) == (1, 1)


def test_before_after_verdict_on_a_cause(org):
    from calmdesk import actions
    from calmdesk.insights import loop
    from calmdesk.models import RootCause

    now = timezone.now()
    for i in range(24):  # 24 delivery complaints in the 28 days before the fix, 2 after
        talk(at=now - timedelta(days=55 - i), body="My parcel never arrived!")
    for i in range(2):
        talk(at=now - timedelta(days=20 - 5 * i), body="My parcel never arrived!")
    for i in range(10):  # other complaints keep coming after the fix
        talk(at=now - timedelta(days=25 - 2 * i), body="I was charged twice on my card!")
    actions.do_categorize()
    cause = RootCause.objects.get(key="delivery")
    actions.do_set_cause_owner(
        org.morgan,
        cause,
        owner=org.lee,
        fix_description="New courier",
        fix_date=(now - timedelta(days=28)).date(),
    )
    complaints = loop.complaints_since(Conversation.objects.all(), now - timedelta(days=90))
    v = loop.verdict_for(cause, complaints, now)
    assert (v.before, v.after) == (24, 2)
    assert (v.before_total, v.after_total) == (24, 12)
    assert v.kind == "drop"
    assert len(loop.ids_in(cause, complaints, now, "after")) == 2
