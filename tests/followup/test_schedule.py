"""Follow-ups are planned on resolve from the plan, sent when due, exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from calmdesk.actions.followup import do_approve_follow_up, plan_resolved, send_due_follow_ups
from calmdesk.jobs.followup import plan_and_send_follow_ups
from calmdesk.models import FollowUp, Message, OutboxMessage
from calmdesk.scheduler import InProcessScheduler
from tests.conftest import inbound
from tests.followup.conftest import MONDAY, resolved_case

pytestmark = pytest.mark.django_db


def test_difficult_case_is_planned_three_business_days_later_for_review(
    org, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-03-06 15:00:00+00:00", tick=False):  # a Friday
        case = resolved_case(org)
        assert plan_resolved() == 1
        assert plan_resolved() == 0  # once per resolution
    fu = FollowUp.objects.get(conversation=case)
    assert fu.state == "scheduled" and fu.mode == "review" and fu.survey_kind == "csat"
    # Friday + 3 business days = Wednesday, mid-morning in the team's time zone (UTC)
    assert fu.due_at.isoformat() == "2026-03-11T10:00:00+00:00"
    # personal: their name, their issue, what was done
    assert fu.draft.startswith("Hi Dana,")
    assert "the delivery of your order" in fu.draft or "the product you received" in fu.draft
    assert "sent a replacement" in fu.draft
    assert "Alex" in fu.draft or "alex" in fu.draft


def test_review_follow_up_waits_for_approval_then_goes_once(
    org, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False) as t:
        case = resolved_case(org)
        plan_resolved()
        fu = FollowUp.objects.get(conversation=case)
        t.shift(timedelta(days=5))
        assert send_due_follow_ups() == 0  # due, but nobody approved it
        with django_capture_on_commit_callbacks(execute=True):
            assert do_approve_follow_up(org.alex, fu, fu.draft + "\nP.S. Thanks for your patience.")
            assert send_due_follow_ups() == 1
            assert send_due_follow_ups() == 0
    fu.refresh_from_db()
    assert fu.state == "sent" and fu.sent_message is not None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert "P.S. Thanks for your patience." in sent.body
    assert (
        "/follow-up/s/" in sent.body and "/follow-up/u/" in sent.body
    )  # survey and unsubscribe links
    assert "{survey_url}" not in sent.body
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http")
    assert case.reference in sent.subject
    message = Message.objects.get(pk=fu.sent_message_id)
    assert (
        message.delivery == "sent" and "[survey link]" in message.body
    )  # no token in the timeline
    assert sent.extra_headers["Message-ID"] == f"<{message.email_message_id}>"


def test_auto_follow_up_for_tense_case_goes_without_review(org, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False) as t:
        resolved_case(org, level="tense", difficulty=35)
        plan_resolved()
        t.shift(timedelta(days=1))
        assert send_due_follow_ups() == 0  # not due yet (2 business days)
        t.shift(timedelta(days=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_follow_ups() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)  # the scheduler closes connections between jobs
def test_two_schedulers_and_a_retried_job_send_once(org):
    with time_machine.travel(MONDAY, tick=False) as t:
        resolved_case(org, level="tense", difficulty=35)
        periodic = {"follow-ups": (plan_and_send_follow_ups, timedelta(minutes=1))}
        a, b = InProcessScheduler(periodic), InProcessScheduler(periodic)
        a.run_due()
        b.run_due()
        t.shift(timedelta(days=4))
        a.run_due()
        b.run_due()
        plan_and_send_follow_ups()  # a retry of the same job
    assert FollowUp.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="follow_up").count() == 1
    assert len(mail.outbox) == 1


def test_reply_before_due_cancels_and_reply_after_reopens(org, django_capture_on_commit_callbacks):
    from calmdesk.actions import receive

    with time_machine.travel(MONDAY, tick=False) as t:
        case = resolved_case(org, level="tense", difficulty=35)
        plan_resolved()
        receive(
            inbound(
                body="Actually it is broken again",
                external_id="again@x",
                subject=f"Re: Order 4411 {case.reference}",
            ),
            assess=False,
        )
        t.shift(timedelta(days=4))
        assert send_due_follow_ups() == 0
    assert FollowUp.objects.get().state == "cancelled"

    with time_machine.travel("2026-04-01 09:00:00+00:00", tick=False) as t:
        from calmdesk.actions import do_set_status

        case.refresh_from_db()
        assert case.status == "open"  # the customer's message reopened it
        do_set_status(org.alex, case, "resolved")
        plan_resolved()
        t.shift(timedelta(days=4))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_follow_ups() == 1
        sent = mail.outbox[-1]
        receive(
            inbound(
                body="All good now, thanks!",
                external_id="thanks@x",
                in_reply_to=sent.extra_headers["Message-ID"].strip("<>"),
            ),
            assess=False,
        )
    case.refresh_from_db()
    assert case.status == "open"  # the reply to the follow-up reopened the conversation


def test_calm_case_gets_a_survey_only_after_a_day(org, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False) as t:
        resolved_case(org, level="calm", difficulty=5)
        plan_resolved()
        t.shift(timedelta(hours=25))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_follow_ups() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "How did we do?"
    assert not Message.objects.filter(direction="out", body__contains="survey").exists()


def test_customer_without_private_contact_is_skipped(org):
    case = resolved_case(org, channel="review", email="", name="J. Smith", external_id="rv1")
    plan_resolved()
    fu = FollowUp.objects.get(conversation=case)
    assert fu.state == "skipped" and "no private way" in fu.reason
