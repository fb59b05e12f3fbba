"""Demo data for SLAs, escalation, boundaries, promises, compensation and wellbeing.

After the scenarios are loaded: the policy's rules run on every demo
conversation (escalations with reasons, abuse warnings, due times); Arthur
Penn's history makes him a habitual claimant and Jo's voucher for him waits
for a manager's approval; a promise to Nora Blake is past due and broken;
Sam has handled six hostile billing chats this shift (over the wellbeing
threshold), so Victor Lang's conversation is handed over to Lee with a
brief waiting to be acknowledged; then the sweep marks SLA states.
Idempotent: a second run adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from calmdesk.actions import (
    do_add_commitment,
    do_assess_messages,
    do_compensation_outcome,
    do_propose_compensation,
    do_reply,
    do_set_status,
    receive,
)
from calmdesk.actions.escalation import after_assessment, do_sweep
from calmdesk.actions.wellbeing import reroute_if_exposed
from calmdesk.intake.types import Inbound, InboundCustomer
from calmdesk.models import Agent, Commitment, Compensation, Conversation, Direction, Message

HOSTILE_CHATS = [
    (
        "Rob Tierney",
        "You idiots charged me twice AGAIN. Useless, the lot of you. Sort it out NOW!!!",
    ),
    ("Dean Marsh", "This is a scam. You morons took my money and nobody answers. I will sue you."),
    ("Kelly Shaw", "Are you stupid? I said cancel it. Third time I am telling you clowns!!!"),
    (
        "Phil Grady",
        "Pathetic. You incompetent fools billed me for something I never ordered. "
        "Refund me now or I go to my bank.",
    ),
    ("Lorraine Tate", "What the hell is wrong with you people? Worst company ever, total idiots."),
]
SAM_REPLY = (
    "Hi {first}, I want to help, and I can do that best when we keep this conversation "
    "respectful. I have checked your account and corrected the charge; you will see it "
    "within 3 working days. Sam"
)


def load(agents: dict[str, Agent], now: datetime, summary) -> None:
    inbound_ids = list(
        Message.objects.filter(external_id__startswith="demo-", direction=Direction.IN).values_list(
            "id", flat=True
        )
    )
    after_assessment(inbound_ids, now, route=False)
    _habitual_claimant(agents)
    _broken_promise(agents, now)
    _hostile_shift(agents, now)
    do_sweep(now)
    summary.notes.append(
        "Escalation: morgan sees /escalation/ (queue with reasons, an approval waiting, a broken "
        "promise, Sam over the wellbeing threshold); lee acknowledges Victor Lang's hand-over."
    )


def _conversation(name: str) -> Conversation | None:
    return Conversation.objects.filter(customer__name=name).order_by("-id").first()


def _habitual_claimant(agents: dict[str, Agent]) -> None:
    arthur = _conversation("Arthur Penn")
    if arthur is None or Compensation.objects.filter(customer=arthur.customer).exists():
        return
    with transaction.atomic():
        for amount in (25, 40, 50):  # the earlier vouchers in the team's note
            past = do_propose_compensation(
                agents["admin"],
                arthur,
                "voucher",
                amount,
                "Earlier complaint this year (imported history).",
            )
            do_compensation_outcome(agents["admin"], past, "accepted")
        do_propose_compensation(
            agents["jo"], arthur, "voucher", 50, "He asks for at least what he got last time."
        )


def _broken_promise(agents: dict[str, Agent], now: datetime) -> None:
    nora = _conversation("Nora Blake")
    if nora is None or Commitment.objects.filter(conversation=nora).exists():
        return
    do_add_commitment(
        agents["sam"],
        nora,
        "Call Nora back by 3pm with the refund reference.",
        now - timedelta(hours=2),
        made_at=now - timedelta(hours=5),  # imported history: already overdue
    )


def _hostile_shift(agents: dict[str, Agent], now: datetime) -> None:
    sam = agents["sam"]
    start = now - timedelta(hours=5)
    for i, (name, text) in enumerate(HOSTILE_CHATS):
        at = start + timedelta(minutes=40 * i)
        result = receive(
            Inbound(
                channel="chat",
                body=text,
                external_id=f"escalation-demo-{i}",
                thread_id=f"escalation-demo-{i}",
                customer=InboundCustomer(name=name, email=f"{name.split()[0].lower()}@example.net"),
                subject="Billing complaint",
                sent_at=at,
                team="billing",
            ),
            assess=False,
        )
        if not result.created:
            continue
        do_assess_messages([result.message_id])
        conversation = Conversation.objects.get(pk=result.conversation_id)
        do_reply(
            sam,
            conversation,
            SAM_REPLY.format(first=name.split()[0]),
            at=at + timedelta(minutes=8),
            deliver=False,
        )
        do_set_status(sam, conversation, "resolved")
    victor = _conversation("Victor Lang")
    if victor is None or victor.messages.filter(direction=Direction.OUT).exists():
        return
    do_reply(
        sam, victor, SAM_REPLY.format(first="Victor"), at=now - timedelta(minutes=30), deliver=False
    )
    victor.refresh_from_db()
    reroute_if_exposed(victor, now)
