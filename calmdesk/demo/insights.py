"""Demo data for insights: twelve weeks of history with causes that trend, a fix
that worked, a spike, a group of complaints no cause explains (discovery
proposes it), and replies for the coach's QA.

Everything goes through the actions (receive with past sent_at, do_reply,
the insights actions). Idempotent: stable external ids; a second run adds
nothing and proposes nothing new.
"""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta

from django.db import transaction

from calmdesk.actions import do_assess_messages, do_reply, do_set_status, receive
from calmdesk.intake.types import Inbound, InboundCustomer
from calmdesk.models import Agent, Conversation, RootCause

WEEKS = 12
ANGRY = [
    "This is the third time I write and nobody cares. {} Useless! I will leave a one-star review.",
    "Unbelievable. {} I want this sorted TODAY or I cancel my account!!!",
    "I am furious. {} You people are hopeless and I am telling everyone.",
]
COMPLAINTS = {
    "delivery": [
        "My parcel never arrived.",
        "The courier lost my package.",
        "The delivery is two weeks late and tracking shows nothing.",
    ],
    "billing": [
        "I was charged twice on my card.",
        "The invoice has the wrong amount.",
        "You took two payments for one order.",
    ],
    "wait": [
        "I was on hold for an hour.",
        "Nobody answers the phone, I waited all morning.",
        "No reply to three emails, I keep waiting.",
    ],
    "loyalty": [
        "My loyalty points vanished after my last order.",
        "The loyalty points from my purchase never showed up.",
        "You wiped my loyalty points without telling me.",
    ],
}
CALM = [
    "Hi, what are your opening hours?",
    "Could you confirm my new address? Thanks.",
    "Thanks for the quick help yesterday.",
]
REPLIES = [
    "Hi {name}, I understand that your order has not arrived as promised, and I apologize for the "
    "trouble. I have sent a replacement today and I will update you by Thursday.",
    "We can't do anything about that, it's not our fault. Please wait.",
    "Hi {name}, I apologize for this. Here are a few options: a refund or a replacement. "
    "I will update you by Friday with the tracking number.",
]


def _per_week(kind: str, week: int) -> int:
    """How many complaints of a kind arrive in week `week` (0 = this week, 11 = twelve weeks ago)."""
    if kind == "delivery":
        return 6 if week >= 4 else 1  # the courier was changed four weeks ago
    if kind == "billing":
        return 3
    if kind == "wait":
        return 9 if week == 0 else 2  # this week's spike
    if kind == "loyalty":
        return 3 if week <= 2 else 0  # new this month: no cause covers it
    return 5  # calm conversations


def load(agents: dict[str, Agent], now: datetime, summary) -> None:
    rng = random.Random(2024)
    new_messages: list[int] = []
    conversations: list[tuple[int, str]] = []
    for week in range(WEEKS - 1, -1, -1):
        for kind in ("delivery", "billing", "wait", "loyalty", "calm"):
            for i in range(_per_week(kind, week)):
                at = now - timedelta(weeks=week, days=rng.uniform(0.2, 6.5 if week else 0.9))
                if kind == "calm":
                    body = rng.choice(CALM)
                else:
                    body = rng.choice(ANGRY).format(rng.choice(COMPLAINTS[kind]))
                team = "billing" if kind == "billing" else "orders"
                n = f"{week}-{kind}-{i}"
                result = receive(
                    Inbound(
                        channel=rng.choice(("email", "chat", "email", "sms")),
                        body=body,
                        customer=InboundCustomer(
                            name=rng.choice(("Ana", "Ben", "Chloe", "Dev", "Eli", "Fay")),
                            email=f"insights-{n}@demo.calmdesk.example",
                        ),
                        external_id=f"demo-insights-{n}",
                        thread_id=f"demo-insights-{n}",
                        sent_at=at,
                        team=team,
                        location="online",
                    ),
                    assess=False,
                )
                if not result.created:
                    return  # loaded before
                new_messages.append(result.message_id)
                conversations.append((result.conversation_id, team))
    do_assess_messages(new_messages)
    _replies(agents, conversations, rng)
    _close_history(agents, conversations, now)
    _insights(agents, now)
    summary.notes.append(
        "Insights: /insights/ shows 12 weeks of causes, a delivery fix with its before/after verdict, "
        "a spike in waiting times and a proposed new cause from discovery (sign in as morgan)."
    )


def _replies(
    agents: dict[str, Agent], conversations: list[tuple[int, str]], rng: random.Random
) -> None:
    by_team = {"orders": agents.get("alex"), "billing": agents.get("sam")}
    picked = [c for c in conversations if rng.random() < 0.4]
    rows = {
        c.pk: c
        for c in Conversation.objects.filter(pk__in=[p for p, _ in picked]).select_related(
            "customer"
        )
    }
    for pk, team in picked:
        agent = by_team.get(team)
        c = rows.get(pk)
        if agent is None or c is None or c.last_inbound_at is None:
            continue
        text = rng.choice(REPLIES).format(name=(c.customer.name or "there").split()[0])
        with transaction.atomic():
            do_reply(agent, c, text, at=c.last_inbound_at + timedelta(hours=2), deliver=False)


def _close_history(
    agents: dict[str, Agent], conversations: list[tuple[int, str]], now: datetime
) -> None:
    """History is history: cases older than five days were closed back then
    (dated, so no follow-up is planned), which keeps the inbox to this week."""
    by_team = {"orders": agents.get("alex"), "billing": agents.get("sam")}
    rows = Conversation.objects.filter(
        pk__in=[pk for pk, _ in conversations], last_inbound_at__lt=now - timedelta(days=5)
    ).select_related("team")
    for c in rows:
        with transaction.atomic():
            do_set_status(
                by_team.get(c.team.slug), c, "closed", at=c.last_inbound_at + timedelta(days=1)
            )


def _insights(agents: dict[str, Agent], now: datetime) -> None:
    from calmdesk.actions.insights import (
        do_categorize,
        do_discover,
        do_review_replies,
        do_set_cause_owner,
    )
    from calmdesk.insights.features import InsightsUnavailable

    do_categorize()
    while do_review_replies():
        pass
    manager = agents.get("morgan")
    delivery = RootCause.objects.filter(key="delivery").first()
    if manager is not None and delivery is not None and delivery.owner_id is None:
        do_set_cause_owner(
            manager,
            delivery,
            owner=agents.get("lee"),
            fix_description="Moved parcels to a new courier with tracked, signed-for delivery.",
            fix_date=(now - timedelta(weeks=4)).date(),
        )
    # Discovery needs scikit-learn (the ml extra); without it the rest of the demo stands.
    with contextlib.suppress(InsightsUnavailable):
        do_discover(now)
