"""Demo data for follow-ups, surveys and recovery (idempotent: keyed by external ids).

- a resolved hostile case with a follow-up waiting for Alex's glance
- a resolved case whose survey link is printed (it opens the survey page)
- a case whose customer answered 1/5: reopened, Alex alerted
- a history of difficult cases and calm customers with survey answers and
  purchase events, so the recovery page shows a rate and CSAT vs baseline
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from calmdesk.actions import do_assess_messages, do_assign, do_reply, do_set_status, receive
from calmdesk.actions.followup import do_plan_follow_up, do_record_customer_event
from calmdesk.actions.surveys import create_survey, do_answer_survey, survey_url
from calmdesk.intake.types import Inbound, InboundCustomer
from calmdesk.models import Conversation
from calmdesk.playbook.followup import load_plan

ANGRY = (
    "This is the THIRD time I am writing about my parcel. It was never delivered and nobody "
    "answers. Useless! Refund me now or I will leave a one-star review everywhere!!!"
)
UPSET = (
    "This is unacceptable. My order arrived broken AGAIN, the second time this month. "
    "Refund me or I am cancelling my account!"
)
CALM = "Hi, could you tell me when my parcel will arrive? Thanks!"
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
)


def _case(key: str, name: str, body: str, agent, reply: str, now, *, resolve: bool = True):
    email = f"{key}@customers.demo.calmdesk.example"
    result = receive(
        Inbound(
            channel="email",
            body=body,
            external_id=f"demo-fu-{key}",
            customer=InboundCustomer(name=name, email=email),
            team="orders",
            subject=f"Order {1000 + sum(map(ord, key)) % 9000}",
            sent_at=now - timedelta(days=4),
        ),
        assess=False,
    )
    if not result.created:
        return None
    do_assess_messages([result.message_id])
    conv = Conversation.objects.get(pk=result.conversation_id)
    do_assign(agent, conv, agent)
    do_reply(agent, conv, reply, at=now - timedelta(days=3), deliver=False)
    if resolve:
        do_set_status(agent, conv, "resolved")
    conv.refresh_from_db()
    return conv


def load(agents, now, summary) -> None:
    alex = agents["alex"]
    plan = load_plan()
    with transaction.atomic():
        conv = _case(
            "priya",
            "Priya Natarajan",
            ANGRY,
            alex,
            "Priya, I am sorry: I have sent a replacement by courier and refunded the postage.",
            now,
        )
        if conv is None:
            summary.notes.append(
                "Follow-up demo already loaded: see /follow-up/ and /follow-up/recovery/."
            )
            return
        do_plan_follow_up(conv, plan=plan)

        open_case = _case(
            "omar", "Omar Haddad", UPSET, alex, "Omar, a replacement is on its way today.", now
        )
        survey = create_survey(
            open_case.customer, "csat", conversation=open_case, channel="email", now=now, plan=plan
        )
        link = survey_url(survey)

        low_case = _case(
            "rosa", "Rosa Lind", ANGRY, alex, "Rosa, I have refunded your order in full.", now
        )
        low = create_survey(
            low_case.customer, "csat", conversation=low_case, channel="email", now=now, plan=plan
        )
        do_answer_survey(
            low, 1, "Still no parcel and nobody called me back. Very disappointed.", plan=plan
        )

        for i, first in enumerate(FIRST_NAMES):
            body = ANGRY if i % 2 else UPSET
            reply = (
                "I have refunded you in full." if i % 3 == 0 else "I have sent a replacement today."
            )
            hard = _case(f"hist{i}", f"{first} Demo", body, alex, reply, now)
            if i < 9:
                answer = create_survey(
                    hard.customer, "csat", conversation=hard, channel="email", now=now, plan=plan
                )
                do_answer_survey(answer, 5 if i % 4 else 4, plan=plan)
            elif i < 12:
                do_record_customer_event(
                    hard.customer, "purchase", timezone.now(), external_id=f"demo-order-{i}"
                )
            elif i == 12:
                do_record_customer_event(
                    hard.customer, "cancellation", timezone.now(), external_id=f"demo-cancel-{i}"
                )
        for i in range(12):
            calm = _case(
                f"calm{i}", f"Calm Customer {i + 1}", CALM, alex, "It arrives on Thursday.", now
            )
            answer = create_survey(
                calm.customer, "csat", conversation=calm, channel="email", now=now, plan=plan
            )
            do_answer_survey(answer, 4 if i % 3 else 3, plan=plan)
    summary.notes += [
        "Follow-ups: /follow-up/ (Priya's follow-up waits for Alex's glance); recovery figures: "
        "/follow-up/recovery/ (lee or morgan).",
        f"A survey link that opens (Omar's): {link}",
        "Rosa answered 1/5: her case is open again and Alex has an alert.",
    ]
