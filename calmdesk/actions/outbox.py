"""The outbox: every outbound email, SMS and webhook goes through one table.

`enqueue` is called inside the transaction that decides to send (a follow-up,
a survey, an alert) and is idempotent on `key`. Senders `claim` rows with a
conditional UPDATE (pending -> sending, or an expired lease), send outside any
transaction, and record the outcome only while they still hold the claim.
A sender killed mid-delivery leaves a `sending` row whose lease expires; the
next sender retries it with the same Message-ID / SMS idempotency key.
Failures back off exponentially up to CALMDESK_OUTBOX_MAX_ATTEMPTS.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from calmdesk.models import (
    Delivery,
    Message,
    OutboxChannel,
    OutboxKind,
    OutboxMessage,
    OutboxState,
)
from calmdesk.sms import SmsError, send_sms

log = logging.getLogger(__name__)
# Kinds a customer's opt-out stops (replies to their own messages always go out).
OPT_OUT_KINDS = frozenset({OutboxKind.SURVEY, OutboxKind.REMINDER, OutboxKind.FOLLOW_UP})


class SendError(Exception):
    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


def enqueue(
    *,
    key: str,
    kind: str,
    channel: str,
    to: str,
    body: str,
    subject: str = "",
    headers: dict | None = None,
    message: Message | None = None,
    survey=None,
    customer=None,
    send_now: bool = True,
) -> OutboxMessage:
    """Record something to send (inside the caller's transaction); once per `key`."""
    existing = OutboxMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = OutboxMessage.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                to=to,
                subject=subject,
                body=body,
                headers=headers or {},
                message=message,
                survey=survey,
                customer=customer if customer is not None else getattr(survey, "customer", None),
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return OutboxMessage.objects.get(key=key)
    if send_now:
        from calmdesk.jobs.followup import queue_outbox

        transaction.on_commit(lambda: queue_outbox(row.pk))
    return row


def _claimable(now: datetime) -> Q:
    return Q(state=OutboxState.PENDING) | Q(state=OutboxState.SENDING, lease_until__lt=now)


def claim(outbox_id: int, *, now: datetime | None = None, force: bool = False) -> str | None:
    """Take one row for sending; returns the claim token, or None if someone else has it.

    `force` ignores the back-off time (a direct call for one message), never a live lease.
    """
    now = now or timezone.now()
    qs = OutboxMessage.objects.filter(_claimable(now), pk=outbox_id)
    if not force:
        qs = qs.filter(next_attempt_at__lte=now)
    token = secrets.token_hex(16)
    lease = now + timedelta(seconds=settings.CALMDESK_OUTBOX_LEASE_SECONDS)
    taken = qs.update(
        state=OutboxState.SENDING, claim=token, lease_until=lease, attempts=F("attempts") + 1
    )
    return token if taken == 1 else None


def due_ids(now: datetime | None = None, limit: int = 100) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(_claimable(now), next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def send_due(limit: int = 100, now: datetime | None = None) -> int:
    """Claim and send what is due; returns how many were sent. Safe to run anywhere, twice."""
    sent = 0
    for outbox_id in due_ids(now, limit):
        token = claim(outbox_id, now=now)
        if token is not None and deliver(outbox_id, token) == OutboxState.SENT:
            sent += 1
    return sent


@dataclass
class _Outcome:
    state: str
    error: str = ""
    provider_id: str = ""


def deliver(outbox_id: int, token: str) -> str:
    """Send one claimed row and record the outcome; returns the row's new state."""
    row = OutboxMessage.objects.select_related("survey", "customer").get(pk=outbox_id)
    if row.claim != token or row.state != OutboxState.SENDING:
        return row.state
    if row.kind in OPT_OUT_KINDS and _opted_out(row.customer_id):
        return _record(row, token, _Outcome(OutboxState.CANCELLED, "the customer unsubscribed"))
    try:
        provider_id = _send(row)
    except SendError as exc:
        last = row.attempts >= settings.CALMDESK_OUTBOX_MAX_ATTEMPTS or not exc.retry
        state = OutboxState.FAILED if last else OutboxState.PENDING
        return _record(row, token, _Outcome(state, str(exc)[:2000]))
    return _record(row, token, _Outcome(OutboxState.SENT, provider_id=provider_id))


def backoff(attempts: int) -> timedelta:
    seconds = settings.CALMDESK_OUTBOX_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, 3600))


def _record(row: OutboxMessage, token: str, outcome: _Outcome) -> str:
    now = timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=row.pk, claim=token, state=OutboxState.SENDING
        ).update(
            state=outcome.state,
            last_error=outcome.error,
            provider_id=outcome.provider_id,
            lease_until=None,
            sent_at=now if outcome.state == OutboxState.SENT else None,
            next_attempt_at=now + backoff(row.attempts),
        )
        if updated != 1:  # our lease ran out and another sender took over
            log.warning("outbox %s: lost the claim before recording %s", row.pk, outcome.state)
            return OutboxMessage.objects.values_list("state", flat=True).get(pk=row.pk)
        if row.message_id:
            _mirror(row, outcome, now)
        _log(row, outcome)
    return outcome.state


def _log(row: OutboxMessage, outcome: _Outcome) -> None:
    from calmdesk.actions.events import EventKind, log_event

    if outcome.state == OutboxState.FAILED:
        log.warning("outbox %s (%s) gave up: %s", row.pk, row.key, outcome.error)
    if row.kind == OutboxKind.REPLY and row.message_id:
        message = Message.objects.select_related("conversation__customer").get(pk=row.message_id)
        kind = (
            EventKind.REPLY_DELIVERED
            if outcome.state == OutboxState.SENT
            else EventKind.REPLY_FAILED
        )
        log_event(
            kind,
            conversation=message.conversation,
            message=message.pk,
            via=str(outcome.state),
            error=outcome.error[:500],
        )
    elif outcome.state in (OutboxState.SENT, OutboxState.FAILED):
        kind = (
            EventKind.OUTBOX_SENT if outcome.state == OutboxState.SENT else EventKind.OUTBOX_FAILED
        )
        log_event(
            kind, customer=row.customer, outbox=row.pk, key=row.key, error=outcome.error[:500]
        )


def _mirror(row: OutboxMessage, outcome: _Outcome, now: datetime) -> None:
    """Show a reply's delivery state on its message (sent / failed, retrying)."""
    fields = {"delivery_error": outcome.error}
    if outcome.state == OutboxState.SENT:
        fields.update(delivery=Delivery.SENT, delivered_at=now)
    elif outcome.state in (OutboxState.FAILED, OutboxState.PENDING):
        fields.update(delivery=Delivery.FAILED, delivered_at=None)
    else:
        fields.update(delivery=Delivery.RECORDED)
    if row.channel == OutboxChannel.EMAIL:
        fields["email_message_id"] = row.headers.get("Message-ID", "").strip("<>")
    Message.objects.filter(pk=row.message_id).update(**fields)


def _opted_out(customer_id: int | None) -> bool:
    from calmdesk.models import ContactPreference

    return (
        bool(customer_id)
        and ContactPreference.objects.filter(
            customer_id=customer_id, unsubscribed_at__isnull=False
        ).exists()
    )


def render_body(row: OutboxMessage) -> str:
    """Fill the late placeholders: tokens are derived now, never stored."""
    body = row.body
    if "{survey_url}" in body and row.survey is not None:
        from calmdesk.actions.surveys import survey_url

        body = body.replace("{survey_url}", survey_url(row.survey))
    if "{unsubscribe_url}" in body and row.customer is not None:
        from calmdesk.actions.surveys import unsubscribe_url

        body = body.replace("{unsubscribe_url}", unsubscribe_url(row.customer))
    return body


def _send(row: OutboxMessage) -> str:
    body = render_body(row)
    if row.channel == OutboxChannel.EMAIL:
        headers = dict(row.headers)
        if "{unsubscribe_url}" in headers.get("List-Unsubscribe", "") and row.customer is not None:
            from calmdesk.actions.surveys import unsubscribe_url

            headers["List-Unsubscribe"] = f"<{unsubscribe_url(row.customer)}>"
        email = EmailMessage(
            subject=row.subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.to],
            headers=headers,
        )
        try:
            email.send(fail_silently=False)
        except (OSError, ValueError) as exc:
            raise SendError(f"email to {row.to} failed: {exc}") from exc
        return ""
    if row.channel == OutboxChannel.SMS:
        try:
            return send_sms(row.to, body, key=row.key).provider_id
        except SmsError as exc:
            raise SendError(str(exc), retry=exc.retry) from exc
    return _post_webhook(row, body)


def _post_webhook(row: OutboxMessage, body: str) -> str:
    import urllib.error
    import urllib.request

    from calmdesk.actions.delivery import sign_webhook

    url = row.to or settings.CALMDESK_OUTGOING_WEBHOOK_URL
    data = body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Calmdesk",
        "Idempotency-Key": row.key,
    }
    if settings.CALMDESK_OUTGOING_WEBHOOK_SECRET:
        headers["X-Calmdesk-Signature"] = sign_webhook(
            settings.CALMDESK_OUTGOING_WEBHOOK_SECRET, int(time.time()), data
        )
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise SendError(f"webhook answered {response.status}")
    except urllib.error.HTTPError as exc:
        raise SendError(f"webhook failed: {exc}", retry=exc.code == 429 or exc.code >= 500) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"webhook failed: {exc}") from exc
    return ""


def webhook_payload(payload: dict) -> str:
    return json.dumps(payload)
