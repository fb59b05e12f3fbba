"""Polling IMAP mailboxes into `receive`, keeping each mailbox's high-water mark."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.models import Mailbox

log = logging.getLogger(__name__)


def do_poll_mailbox(mailbox: Mailbox):
    """Fetch new mail from one mailbox; every message goes through `receive`."""
    from calmdesk.intake.imap import MailboxError, poll

    config = {
        "host": mailbox.host,
        "port": mailbox.port,
        "use_ssl": mailbox.use_ssl,
        "username": mailbox.username,
        "password": mailbox.password,
        "folder": mailbox.folder,
        "last_uid": mailbox.last_uid,
        "uidvalidity": mailbox.uidvalidity,
        "team": mailbox.team.slug,
    }
    try:
        result = poll(config)
    except MailboxError as exc:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_polled_at=timezone.now(), last_error=str(exc)[:2000]
        )
        log.warning("mailbox %s: %s", mailbox.name, exc)
        return None
    with transaction.atomic():
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_uid=result.high_water_uid,
            uidvalidity=result.uidvalidity,
            last_polled_at=timezone.now(),
            last_error="; ".join(result.errors)[:2000],
        )
        if result.fetched:
            log_event(
                EventKind.MAILBOX_POLLED,
                mailbox=mailbox.name,
                fetched=result.fetched,
                imported=result.imported,
                duplicates=result.duplicates,
                broken=result.broken,
                failed=result.failed,
            )
    return result


def poll_active_mailboxes() -> int:
    """Poll every active mailbox; returns how many messages were imported."""
    imported = 0
    for mailbox in Mailbox.objects.filter(active=True).select_related("team"):
        result = do_poll_mailbox(mailbox)
        imported += result.imported if result else 0
    return imported
