"""`receive`: the one door every channel's messages come in through."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.identity import resolve_customer
from calmdesk.intake.types import Inbound, InboundCustomer, InboundError
from calmdesk.models import (
    Channel,
    Conversation,
    Customer,
    Direction,
    Location,
    Message,
    Status,
    Team,
)

SUBJECT_TOKEN = re.compile(r"\[#CD-(\d{1,12})\]")
# Channels where a customer's next message without a thread id joins their
# open conversation on the same channel.
CONTINUOUS_CHANNELS = {Channel.SMS, Channel.SOCIAL}
# The carriers' SMS keywords (CTIA): a text that is only one of these opts the
# number out of (or back into) surveys, reminders and automatic follow-ups.
SMS_STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout"})
SMS_START_WORDS = frozenset({"start", "unstop"})


@dataclass(frozen=True)
class ReceiveResult:
    message_id: int
    conversation_id: int
    customer_id: int
    created: bool


def _existing(inbound: Inbound) -> ReceiveResult | None:
    if not inbound.external_id:
        return None
    row = (
        Message.objects.filter(channel=inbound.channel, external_id=inbound.external_id)
        .values("id", "conversation_id", "conversation__customer_id")
        .first()
    )
    if row is None:
        return None
    return ReceiveResult(row["id"], row["conversation_id"], row["conversation__customer_id"], False)


def receive(inbound: Inbound, *, assess: bool = True) -> ReceiveResult:
    """Store one inbound message, exactly once per (channel, external_id).

    Resolves the customer, threads the message into a conversation, stores
    it and (after commit) queues its assessment. A repeat returns the first
    delivery's ids with created=False. Raises InboundError for bad input;
    control characters (NUL …) are stripped from its text, not refused.
    """
    inbound = inbound.normalized()
    inbound.validate()
    found = _existing(inbound)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            result = _store(inbound)
    except IntegrityError:
        # Lost a race with a concurrent delivery of the same message: the
        # unique constraint kept one row; answer with it.
        found = _existing(inbound)
        if found is None:
            raise
        return found
    if assess:
        from calmdesk.jobs import queue_assessment

        transaction.on_commit(lambda: queue_assessment([result.message_id]))
    return result


def _store(inbound: Inbound) -> ReceiveResult:
    customer, _ = resolve_customer(_scoped(inbound))
    sent_at = inbound.sent_at or timezone.now()
    conversation = _thread(inbound, customer)
    created_conversation = conversation is None
    if conversation is None:
        location = _location(inbound.location)
        conversation = Conversation.objects.create(
            channel=inbound.channel,
            team=_team(inbound.team, location),
            customer=customer,
            location=location,
            subject=_clean_subject(inbound.subject) or _first_line(inbound.body),
            thread_key=_thread_key(inbound),
            rating=inbound.rating,
            last_inbound_at=sent_at,
            started_at=sent_at,
        )
        log_event(EventKind.CONVERSATION_CREATED, conversation=conversation)
    message = Message.objects.create(
        conversation=conversation,
        channel=inbound.channel,
        direction=Direction.IN,
        body=inbound.body,
        body_html=inbound.body_html,
        external_id=inbound.external_id,
        email_message_id=inbound.external_id if inbound.channel == Channel.EMAIL else "",
        auto_submitted=inbound.auto_submitted,
        sent_at=sent_at,
    )
    if not created_conversation:
        note_inbound_time(conversation, sent_at)
        _touch(conversation, inbound, sent_at)
    log_event(
        EventKind.MESSAGE_RECEIVED,
        conversation=conversation,
        customer=customer,
        message=message.pk,
        channel=inbound.channel,
    )
    if inbound.channel == Channel.SMS:
        _sms_keyword(inbound.body, customer, conversation)
    return ReceiveResult(message.pk, conversation.pk, customer.pk, True)


def _sms_keyword(body: str, customer: Customer, conversation: Conversation) -> None:
    """STOP / START texts change what automatic messages the customer gets.

    The message itself stays in the conversation like any other; a note says
    what happened, so the agent knows why surveys stopped.
    """
    word = re.sub(r"[^a-z]", "", body.strip().lower()) if len(body) <= 20 else ""
    if word not in SMS_STOP_WORDS and word not in SMS_START_WORDS:
        return
    from calmdesk.actions.followup import add_system_note
    from calmdesk.actions.surveys import do_resubscribe, do_unsubscribe, preference_for

    pref = preference_for(customer)
    if word in SMS_STOP_WORDS and do_unsubscribe(pref, via=f"sms {word.upper()}"):
        add_system_note(
            conversation,
            f"The customer texted {word.upper()}: no more surveys, reminders or automatic "
            "follow-ups on any channel. An agent's own replies are not blocked, but the "
            "carrier may refuse SMS to this number until the customer texts START.",
        )
    elif word in SMS_START_WORDS and do_resubscribe(pref, via=f"sms {word.upper()}"):
        add_system_note(
            conversation,
            f"The customer texted {word.upper()}: surveys and automatic follow-ups may resume.",
        )


def _scoped(inbound: Inbound) -> InboundCustomer:
    """Review-site names are not unique people: "John S." at one location is
    one reviewer, at another a stranger. Scope the name by location (or by
    site when there is none); linking a reviewer to a known customer is an
    agent's confirmed decision (do_link_identity)."""
    c = inbound.customer
    if not c.review_name:
        return c
    scope = inbound.location or (urlsplit(inbound.url).hostname or "") or "review"
    return replace(c, review_name=f"{scope}:{c.review_name}")


def note_inbound_time(conversation: Conversation, sent_at) -> None:
    """Keep `started_at` the earliest inbound message's time.

    Only a message older than the stored time changes it (imported history
    can arrive out of order). The guarded UPDATE keeps the earliest even
    when two deliveries race; a later message costs no query.
    """
    if conversation.started_at is not None and sent_at >= conversation.started_at:
        return
    Conversation.objects.filter(pk=conversation.pk).filter(
        Q(started_at__isnull=True) | Q(started_at__gt=sent_at)
    ).update(started_at=sent_at)
    conversation.started_at = sent_at


def _touch(conversation: Conversation, inbound: Inbound, sent_at) -> None:
    fields = ["awaiting_reply", "updated_at"]
    if inbound.auto_submitted:
        return  # an auto-reply neither reopens nor asks for an answer
    conversation.awaiting_reply = True
    if conversation.last_inbound_at is None or sent_at > conversation.last_inbound_at:
        conversation.last_inbound_at = sent_at
        fields.append("last_inbound_at")
    if inbound.rating is not None:
        conversation.rating = inbound.rating
        fields.append("rating")
    if conversation.status in (Status.RESOLVED, Status.CLOSED, Status.PENDING):
        before = conversation.status
        conversation.status = Status.OPEN
        fields.append("status")
        if before != Status.PENDING:
            log_event(
                EventKind.CONVERSATION_REOPENED,
                conversation=conversation,
                before={"status": before},
                after={"status": Status.OPEN},
            )
    conversation.save(update_fields=fields)


def _thread(inbound: Inbound, customer: Customer) -> Conversation | None:
    """The conversation this message continues, or None for a new one."""
    if inbound.channel == Channel.EMAIL:
        ids = [i for i in (inbound.in_reply_to, *inbound.references) if i]
        if ids:
            conv_id = (
                Message.objects.filter(email_message_id__in=ids)
                .order_by("-sent_at")
                .values_list("conversation_id", flat=True)
                .first()
            )
            conv = _own(conv_id, customer)
            if conv is not None:
                return conv
        match = SUBJECT_TOKEN.search(inbound.subject or "")
        if match:
            conv = _own(int(match.group(1)), customer)
            if conv is not None:
                return conv
        return None
    key = _thread_key(inbound)
    if key:
        return (
            Conversation.objects.select_for_update(of=("self",))
            .filter(channel=inbound.channel, thread_key=key)
            .order_by("-id")
            .first()
        )
    if inbound.channel in CONTINUOUS_CHANNELS:
        return (
            Conversation.objects.filter(
                channel=inbound.channel,
                customer=customer,
                status__in=[Status.OPEN, Status.PENDING],
            )
            .order_by("-last_inbound_at", "-id")
            .first()
        )
    return None


def _own(conversation_id: int | None, customer: Customer) -> Conversation | None:
    """Thread into a conversation only if it is this customer's (a forged
    subject token or Message-ID must not inject into someone else's case)."""
    if conversation_id is None:
        return None
    return Conversation.objects.filter(pk=conversation_id, customer=customer).first()


def _thread_key(inbound: Inbound) -> str:
    if inbound.channel == Channel.REVIEW:
        return inbound.external_id or inbound.thread_id  # one conversation per review
    return inbound.thread_id


def _location(ref: str) -> Location | None:
    if not ref:
        return None
    location = (
        Location.objects.filter(slug=ref).first() or Location.objects.filter(name=ref).first()
    )
    if location is None:
        raise InboundError(f"unknown location {ref!r}")
    return location


def _team(ref: str, location: Location | None) -> Team:
    if ref:
        team = Team.objects.filter(slug=ref).first()
        if team is None:
            raise InboundError(f"unknown team {ref!r}")
        return team
    if location is not None and location.team_id:
        return location.team
    default = settings.CALMDESK_DEFAULT_TEAM
    team = (
        Team.objects.filter(slug=default).first() if default else None
    ) or Team.objects.order_by("id").first()
    if team is None:
        team = Team.objects.create(name="Support", slug="support")
    return team


def _clean_subject(subject: str) -> str:
    subject = SUBJECT_TOKEN.sub("", subject or "")
    subject = re.sub(r"^\s*((re|fwd?|aw|sv)\s*:\s*)+", "", subject, flags=re.IGNORECASE)
    return " ".join(subject.split())[:300]


def _first_line(body: str) -> str:
    for line in body.splitlines():
        if line.strip():
            line = " ".join(line.split())
            return line if len(line) <= 120 else line[:117].rstrip() + "…"
    return ""
