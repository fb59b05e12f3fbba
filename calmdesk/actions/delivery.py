"""Delivering replies: email through Django's backend, other channels to a signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
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

    The row is locked while sending, so two workers cannot send it twice; a
    failure is recorded (and committed) before DeliveryError is re-raised for
    the job to retry.
    """
    failure: DeliveryError | None = None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("conversation__customer", "author")
            .get(pk=message_id)
        )
        if message.direction != Direction.OUT or message.delivery in (
            Delivery.SENT,
            Delivery.RECORDED,
        ):
            return message.delivery
        try:
            if message.channel == Channel.EMAIL:
                _send_email(message)
                state = Delivery.SENT
            elif settings.CALMDESK_OUTGOING_WEBHOOK_URL:
                _post_webhook(message)
                state = Delivery.SENT
            else:
                state = Delivery.RECORDED
        except DeliveryError as exc:
            failure = exc
            state = Delivery.FAILED
        message.delivery = state
        message.delivery_error = str(failure)[:2000] if failure else ""
        message.delivered_at = None if failure else timezone.now()
        message.save(update_fields=["delivery", "delivery_error", "delivered_at", "email_message_id"])
        log_event(
            EventKind.REPLY_FAILED if failure else EventKind.REPLY_DELIVERED,
            conversation=message.conversation,
            message=message.pk,
            via=state,
            error=str(failure)[:500] if failure else "",
        )
    if failure is not None:
        raise failure
    return state


def _one_line(value: str) -> str:
    return " ".join(value.split())  # no CR/LF can reach a header


def _send_email(message: Message) -> None:
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
    message.email_message_id = outbound_message_id(message).strip("<>")
    headers = {"Message-ID": outbound_message_id(message), "Auto-Submitted": "no"}
    if refs:
        headers["In-Reply-To"] = refs[-1]
        headers["References"] = " ".join(refs)
    subject = _one_line(conversation.subject or "Your message")
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    email = EmailMessage(
        subject=f"{subject} {conversation.reference}",
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    try:
        email.send(fail_silently=False)
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"email to {to} failed: {exc}") from exc


def _post_webhook(message: Message) -> None:
    conversation = message.conversation
    payload = {
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
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Calmdesk"}
    if settings.CALMDESK_OUTGOING_WEBHOOK_SECRET:
        headers["X-Calmdesk-Signature"] = sign_webhook(
            settings.CALMDESK_OUTGOING_WEBHOOK_SECRET, int(time.time()), body
        )
    request = urllib.request.Request(  # noqa: S310 (URL is an admin setting)
        settings.CALMDESK_OUTGOING_WEBHOOK_URL, data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise DeliveryError(f"webhook answered {response.status}")
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"webhook failed: {exc}") from exc
