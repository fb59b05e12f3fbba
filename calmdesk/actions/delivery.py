"""Delivering replies through the outbox: email, SMS (when a provider is set) or a signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.models import Channel, Delivery, Direction, IdentityKind, Message

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The reply could not be delivered now; the job may retry."""


def outbound_message_id(message: Message) -> str:
    """A stable Message-ID, so a retried send is recognisably the same email."""
    return f"<cd.{message.conversation_id}.{message.pk}@{settings.CALMDESK_MESSAGE_ID_DOMAIN}>"


def sign_webhook(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def do_deliver_reply(message_id: int) -> str:
    """Deliver one queued reply, at most once. Returns the delivery state.

    The reply goes through the outbox (calmdesk.actions.outbox): its row is
    keyed by the message, claimed with a conditional UPDATE and a lease, so
    two workers cannot send it twice and a dead worker's send is retried with
    the same Message-ID. A failure is recorded on the message (and committed)
    before DeliveryError is raised for the job to retry.
    """
    from calmdesk.actions.outbox import claim, deliver

    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("conversation__customer", "author")
            .get(pk=message_id)
        )
        if message.direction != Direction.OUT or message.delivery in (
            Delivery.SENT,
            Delivery.RECORDED,
        ):
            return message.delivery
        try:
            row = outbox_for_reply(message)
        except DeliveryError as exc:
            message.delivery = Delivery.FAILED
            message.delivery_error = str(exc)
            message.save(update_fields=["delivery", "delivery_error"])
            log_event(
                EventKind.REPLY_FAILED,
                conversation=message.conversation,
                message=message.pk,
                via=Delivery.FAILED,
                error=str(exc),
            )
            failure = exc
        else:
            failure = None
            if row is None:
                message.delivery = Delivery.RECORDED
                message.delivered_at = timezone.now()
                message.save(update_fields=["delivery", "delivered_at"])
                log_event(
                    EventKind.REPLY_DELIVERED,
                    conversation=message.conversation,
                    message=message.pk,
                    via=Delivery.RECORDED,
                    error="",
                )
                return Delivery.RECORDED
    if failure is not None:
        raise failure
    token = claim(row.pk, force=True)
    if token is not None:
        deliver(row.pk, token)
    message.refresh_from_db(fields=["delivery", "delivery_error"])
    if message.delivery == Delivery.FAILED:
        raise DeliveryError(message.delivery_error or "delivery failed")
    return message.delivery


def outbox_for_reply(message: Message):
    """The outbox row that delivers this reply (None: nothing to deliver it to).

    Email: to the customer's address, with a stable Message-ID and threading
    headers. SMS: through the SMS provider when one is set. Otherwise the
    signed webhook when set. The row is created once per message.
    """
    from calmdesk.actions.outbox import enqueue
    from calmdesk.models import OutboxChannel, OutboxKind
    from calmdesk.sms import sms_enabled

    conversation = message.conversation
    common = {
        "key": f"reply:{message.pk}",
        "kind": OutboxKind.REPLY,
        "message": message,
        "customer": conversation.customer,
        "send_now": False,
    }
    if message.channel == Channel.EMAIL:
        to, subject, headers = _email_envelope(message)
        message.email_message_id = headers["Message-ID"].strip("<>")
        message.save(update_fields=["email_message_id"])
        return enqueue(
            channel=OutboxChannel.EMAIL,
            to=to,
            subject=subject,
            headers=headers,
            body=message.body,
            **common,
        )
    phone = (
        conversation.customer.identities.filter(kind=IdentityKind.PHONE)
        .values_list("value", flat=True)
        .first()
    )
    if message.channel == Channel.SMS and phone and sms_enabled():
        return enqueue(channel=OutboxChannel.SMS, to=phone, body=message.body, **common)
    if settings.CALMDESK_OUTGOING_WEBHOOK_URL:
        return enqueue(
            channel=OutboxChannel.WEBHOOK,
            to=settings.CALMDESK_OUTGOING_WEBHOOK_URL,
            body=json.dumps(_webhook_payload(message)),
            **common,
        )
    return None


def _one_line(value: str) -> str:
    return " ".join(value.split())  # no CR/LF can reach a header


def _email_envelope(message: Message) -> tuple[str, str, dict[str, str]]:
    conversation = message.conversation
    to = (
        conversation.customer.identities.filter(kind=IdentityKind.EMAIL)
        .values_list("value", flat=True)
        .first()
    )
    if not to:
        raise DeliveryError("the customer has no email address")
    previous = list(
        conversation.messages.exclude(email_message_id="")
        .exclude(pk=message.pk)
        .order_by("sent_at", "id")
        .values_list("email_message_id", flat=True)
    )
    refs = [f"<{m.strip('<>')}>" for m in previous][-20:]
    headers = {"Message-ID": outbound_message_id(message), "Auto-Submitted": "no"}
    if refs:
        headers["In-Reply-To"] = refs[-1]
        headers["References"] = " ".join(refs)
    subject = _one_line(conversation.subject or "Your message")
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    return to, f"{subject} {conversation.reference}", headers


def _webhook_payload(message: Message) -> dict:
    conversation = message.conversation
    return {
        "event": "reply",
        "message_id": message.pk,
        "conversation_id": conversation.pk,
        "channel": message.channel,
        "thread_id": conversation.thread_key,
        "customer_id": conversation.customer_id,
        "identities": [
            {"kind": i.kind, "value": i.value} for i in conversation.customer.identities.all()
        ],
        "body": message.body,
        "author": message.author.name if message.author else None,
        "sent_at": message.sent_at.isoformat(),
    }
