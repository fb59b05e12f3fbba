"""Agent wellbeing: exposure per shift, the break, and routing hostile work elsewhere."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from calmdesk.actions import do_assign, do_create_user, do_reply
from calmdesk.actions.wellbeing import hostile_this_shift, over_threshold, pick_agent
from calmdesk.models import Handoff, Notification, ShiftExposure
from calmdesk.playbook import load_policy
from tests.escalation.conftest import conversation, customer_writes

THRESHOLD = load_policy().wellbeing.hostile_per_shift


def _handle_hostile(agent, n, start=0, at=None):
    for i in range(start, start + n):
        c = conversation(
            level="hostile",
            difficulty=70,
            name=f"Customer {i}",
            email=f"c{i}@example.com",
            subject=f"Case {i}",
            hours_ago=30 if at else 1.0,
        )
        do_reply(agent, c, "Hi, I apologize for this. I am on it now.", at=at)


def test_each_hostile_conversation_counts_once_per_shift(org):
    c = conversation(level="hostile", difficulty=70)
    do_reply(org.alex, c, "Hi Dana, I apologize.")
    do_reply(org.alex, c, "Hi Dana, one more thing.")
    calm = conversation(level="calm", difficulty=5, name="Tom", email="tom@example.com")
    do_reply(org.alex, calm, "Hi Tom, sure.")
    assert hostile_this_shift(org.alex) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=9)):
        assert hostile_this_shift(org.alex) == 0  # a new shift


def test_past_the_threshold_a_break_is_offered_and_hostile_work_goes_elsewhere(org):
    jamie = do_create_user("jamie", "agent", teams=[org.orders])
    _handle_hostile(org.alex, THRESHOLD)
    assert over_threshold(org.alex)
    shift = ShiftExposure.objects.get(agent=org.alex)
    assert shift.hostile == THRESHOLD and shift.break_offered_at is not None
    assert Notification.objects.filter(recipient=org.alex, kind="wellbeing.break").count() == 1
    assert pick_agent(org.orders.pk, "hostile") == jamie  # alex is passed over
    assert pick_agent(org.orders.pk, "calm") in (org.alex, jamie)  # calm work is fine

    # A conversation alex owns turns hostile: it is handed over with a brief.
    c = conversation(level="calm", difficulty=10, name="Ruth", email="ruth@example.com")
    do_assign(org.alex, c, org.alex)
    customer_writes(c, "This is a disgrace.", level="hostile", difficulty=80)
    h = Handoff.objects.get(conversation=c)
    assert h.to_agent == jamie and h.state == "pending" and "wellbeing" in h.reason
    assert "Issue:" in h.brief_text


def test_a_lead_is_the_last_resort_and_nobody_free_means_no_reroute(org):
    _handle_hostile(org.alex, THRESHOLD)
    assert pick_agent(org.orders.pk, "hostile", exclude=org.alex.pk) == org.lee


def test_the_exposure_pages(client, org):
    _handle_hostile(org.alex, THRESHOLD)
    client.force_login(org.morgan.user)
    queue = client.get("/escalation/").content.decode()
    assert "over the threshold" in queue and "alex" in queue
    page = client.get("/escalation/exposure/").content.decode()
    assert "over the threshold" in page and "svg" in page
    client.force_login(org.alex.user)
    r = client.post("/escalation/break/")
    assert r.status_code == 302
    assert ShiftExposure.objects.get(agent=org.alex).break_taken_at is not None


def test_replies_processed_out_of_time_order_never_make_overlapping_shifts(org):
    length = timedelta(hours=load_policy().wellbeing.shift_hours)
    t = timezone.now().replace(microsecond=0) - timedelta(hours=6)  # "00:10" in the demo
    _handle_hostile(org.alex, 1, start=0, at=t)
    _handle_hostile(org.alex, 1, start=1, at=t - timedelta(minutes=39))  # "23:31", processed later
    _handle_hostile(org.alex, 1, start=2, at=t + timedelta(hours=2))  # inside the shift: joins it
    early, shift = ShiftExposure.objects.filter(agent=org.alex).order_by("started_at")
    assert (shift.started_at, shift.ends_at, shift.hostile) == (t, t + length, 2)  # kept as counted
    assert (
        early.started_at == t - timedelta(minutes=39) and early.ends_at == t
    )  # ends where it begins
    assert early.hostile == 1 and hostile_this_shift(org.alex) == 2

    _handle_hostile(org.alex, 1, start=3, at=t - timedelta(minutes=10))  # joins the early one
    _handle_hostile(org.alex, 1, start=4, at=t + length + timedelta(minutes=5))
    _handle_hostile(org.alex, 1, start=5, at=t + length)  # the end is not inside: a shift between
    shifts = list(ShiftExposure.objects.filter(agent=org.alex).order_by("started_at"))
    assert [s.hostile for s in shifts] == [2, 2, 1, 1]
    assert all(a.ends_at <= b.started_at for a, b in zip(shifts, shifts[1:], strict=False))
    assert shifts[2].ends_at == t + length + timedelta(minutes=5)


def test_the_queue_shows_each_agent_once(client, org):
    # Overlapping shifts as recorded before they could not overlap (the demo database).
    now = timezone.now()
    ShiftExposure.objects.create(
        agent=org.alex, started_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7)
    )
    ShiftExposure.objects.create(
        agent=org.alex,
        started_at=now - timedelta(minutes=20),
        ends_at=now + timedelta(hours=7, minutes=40),
        hostile=2,
    )
    client.force_login(org.morgan.user)
    page = client.get("/escalation/").content.decode()
    table = page[
        page.index('id="exposure-now"') : page.index("</table>", page.index("exposure-now"))
    ]
    assert table.count('<th scope="row">alex</th>') == 1
    assert '<th scope="row">alex</th><td class="num">2</td>' in table  # the current shift
    assert pick_agent(org.orders.pk, "calm", exclude=org.lee.pk).hostile_now == 2
