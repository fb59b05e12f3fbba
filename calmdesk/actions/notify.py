"""Alerts: in the app (Notification rows), by email, and to a Slack-compatible webhook.

Every area raises alerts through `notify`; the email and webhook go out
after the commit, and a failing webhook is logged, never fatal.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from calmdesk.models import Agent, Conversation, Notification, Role

log = logging.getLogger(__name__)


def managers_of(conversation: Conversation | None) -> list[Agent]:
    """Leads of the conversation's team, and every manager."""
    qs = Agent.objects.select_related("user").filter(user__is_active=True)
    leads = qs.filter(role=Role.LEAD, teams=conversation.team_id) if conversation else qs.none()
    return list(leads) + list(qs.filter(role=Role.MANAGER))


def notify(
    recipients: Iterable[Agent],
    kind: str,
    title: str,
    body: str = "",
    *,
    conversation: Conversation | None = None,
    url: str = "",
    email: bool = True,
    chat: bool = True,
) -> list[Notification]:
    """Raise one alert for each recipient (deduplicated); returns the rows."""
    unique = {a.pk: a for a in recipients if a is not None}
    url = url or (f"/c/{conversation.pk}/" if conversation else "")
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=a,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                conversation=conversation,
            )
            for a in unique.values()
        ]
    )
    addresses = [a.user.email for a in unique.values() if a.user.email]
    if email and addresses:
        transaction.on_commit(lambda: _email(addresses, title, body, url))
    if chat and settings.CALMDESK_SLACK_WEBHOOK_URL:
        transaction.on_commit(lambda: _chat(kind, title, body, url))
    return rows


@transaction.atomic
def do_mark_read(agent: Agent, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=agent, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def _absolute(url: str) -> str:
    return f"{settings.CALMDESK_BASE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _email(addresses: list[str], title: str, body: str, url: str) -> None:
    text = f"{body}\n\n{_absolute(url)}".strip()
    try:
        send_mail(
            f"[Calmdesk] {' '.join(title.split())}", text, settings.DEFAULT_FROM_EMAIL, addresses
        )
    except OSError as exc:
        log.warning("alert email failed: %s", exc)


def _chat(kind: str, title: str, body: str, url: str) -> None:
    """Slack-compatible incoming webhook: {"text": ...} is understood by Slack,
    Mattermost, Rocket.Chat and Teams' Slack-compatible connectors."""
    link = _absolute(url)
    text = f"*{title}*\n{body}" + (f"\n<{link}|Open in Calmdesk>" if link else "")
    data = json.dumps({"text": text, "kind": kind}).encode()
    request = urllib.request.Request(  # noqa: S310 (URL is an admin setting)
        settings.CALMDESK_SLACK_WEBHOOK_URL, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass
    except (urllib.error.URLError, OSError) as exc:
        log.warning("alert webhook failed: %s", exc)
