"""Review sources (webhook keys, feeds polled with backoff) and locations from CSV."""

from __future__ import annotations

import csv
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.reputation.alerts import raise_alert
from calmdesk.actions.reputation.ingest import do_ingest_review
from calmdesk.intake.types import InboundError
from calmdesk.models import (
    Agent,
    AlertKind,
    Location,
    Platform,
    ReviewSource,
    SourceKind,
    Team,
)

log = logging.getLogger(__name__)
FAILURES_BEFORE_ALERT = 3
FIRST_RETRY_MINUTES = 5


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def do_create_source(
    actor: Agent | None,
    name: str,
    kind: str,
    *,
    platform: str = Platform.GENERIC,
    location: Location | None = None,
    url: str = "",
    channel: str = "",
    allows_reply: bool = False,
    poll_minutes: int | None = None,
) -> tuple[ReviewSource, str]:
    """A new source; a webhook source gets a key, returned once (only its digest is kept)."""
    if kind not in SourceKind.values:
        raise ValidationError(f"unknown source kind {kind!r}")
    if platform not in Platform.values:
        raise ValidationError(f"unknown platform {platform!r}")
    if kind == SourceKind.FEED and not url.lower().startswith(("http://", "https://")):
        raise ValidationError("a feed needs an http(s) URL")
    if kind == SourceKind.FEED and location is None:
        raise ValidationError("a feed needs a location: every mention belongs to one")
    slug = slugify(name)[:100]
    if not slug:
        raise ValidationError("the name needs a letter or digit")
    if ReviewSource.objects.filter(slug=slug).exists():
        raise ValidationError(f"a source named {name!r} exists")
    key = ""
    source = ReviewSource(
        name=name[:100],
        slug=slug,
        kind=kind,
        platform=platform,
        channel=channel or ("social" if kind == SourceKind.FEED else "review"),
        location=location,
        url=url,
        allows_reply=allows_reply,
        poll_minutes=poll_minutes or settings.CALMDESK_FEED_POLL_MINUTES,
    )
    if kind == SourceKind.WEBHOOK:
        key = "cdr_" + secrets.token_urlsafe(32)
        source.key_prefix = key[:10]
        source.key_digest = _digest(key)
    source.save()
    log_event(EventKind.REVIEW_SOURCE_SAVED, actor=actor, source=source.pk, source_kind=kind)
    return source, key


def check_source_key(key: str) -> ReviewSource | None:
    if not key or not key.startswith("cdr_"):
        return None
    return (
        ReviewSource.objects.filter(kind=SourceKind.WEBHOOK, active=True, key_digest=_digest(key))
        .select_related("location")
        .first()
    )


# --- feeds --------------------------------------------------------------------


@dataclass
class PollResult:
    source: str
    status: str  # "ok", "not modified", "failed"
    new: int = 0
    seen: int = 0
    errors: list[str] = field(default_factory=list)


def retry_delay(failures: int, poll_minutes: int) -> timedelta:
    """5, 10, 20, 40 … minutes after consecutive failures, capped."""
    base = min(FIRST_RETRY_MINUTES, max(1, poll_minutes))
    minutes = min(settings.CALMDESK_FEED_MAX_BACKOFF_MINUTES, base * 2 ** max(0, failures - 1))
    return timedelta(minutes=minutes)


def do_poll_feed(source: ReviewSource, now: datetime | None = None) -> PollResult:
    """Fetch one feed (conditional GET) and take in its new entries."""
    from calmdesk.intake.feeds import fetch_feed, mention_record

    now = now or timezone.now()
    fetched = fetch_feed(
        source.url,
        etag=source.etag,
        last_modified=source.last_modified,
        timeout=settings.CALMDESK_FEED_TIMEOUT_SECONDS,
        max_bytes=settings.CALMDESK_FEED_MAX_BYTES,
        allow_private=settings.CALMDESK_FEED_ALLOW_PRIVATE,
    )
    result = PollResult(source.name, "failed" if fetched.error else "ok")
    if fetched.not_modified:
        result.status = "not modified"
    location = source.location.slug if source.location else ""
    for entry in fetched.entries:
        record = mention_record(entry, platform=source.platform, location=location)
        if source.channel == "review":
            from dataclasses import replace

            record = replace(record, kind="review")
        try:
            outcome = do_ingest_review(record, source=source)
        except InboundError as exc:
            result.errors.append(f"{entry.id}: {exc}")
            continue
        result.new += outcome.created
        result.seen += not outcome.created
    _record_poll(source, fetched, result, now)
    return result


@transaction.atomic
def _record_poll(source: ReviewSource, fetched, result: PollResult, now: datetime) -> None:
    source = ReviewSource.objects.select_for_update(of=("self",)).get(pk=source.pk)
    source.last_polled_at = now
    source.last_status = (f"HTTP {fetched.status}" if fetched.status else "no answer")[:100]
    if fetched.error:
        source.failures += 1
        source.last_error = fetched.error[:2000]
        source.next_poll_at = now + retry_delay(source.failures, source.poll_minutes)
        result.errors.insert(0, fetched.error)
    else:
        source.failures = 0
        source.last_error = fetched.warning[:2000]
        source.next_poll_at = now + timedelta(minutes=max(1, source.poll_minutes))
        if not fetched.not_modified:
            source.etag = fetched.etag[:300]
            source.last_modified = fetched.last_modified[:100]
    source.save()
    log_event(
        EventKind.FEED_POLLED,
        source=source.pk,
        status=result.status,
        new=result.new,
        error=fetched.error[:300],
    )
    if fetched.error and source.failures == FAILURES_BEFORE_ALERT:
        raise_alert(
            AlertKind.FEED_FAILING,
            f"feed:{source.pk}:{now:%Y-%m-%d}",
            f"Feed {source.name!r} has failed {source.failures} times in a row",
            detail=f"Last error: {fetched.error}. Next try at {source.next_poll_at:%Y-%m-%d %H:%M} UTC.",
            source=source,
            location=source.location,
        )


def poll_due_feeds(now: datetime | None = None) -> list[PollResult]:
    """Poll every active feed that is due. One feed's failure never stops the others."""
    now = now or timezone.now()
    due = ReviewSource.objects.filter(kind=SourceKind.FEED, active=True).select_related("location")
    results = []
    for source in due:
        if source.next_poll_at and source.next_poll_at > now:
            continue
        try:
            results.append(do_poll_feed(source, now))
        except Exception as exc:  # never let one feed take the scheduler down
            log.exception("polling feed %s failed", source.name)
            failed = PollResult(source.name, "failed", errors=[f"{exc.__class__.__name__}: {exc}"])
            try:
                from calmdesk.intake.feeds import FeedResult

                _record_poll(source, FeedResult(error=failed.errors[0]), failed, now)
            except Exception:
                log.exception("recording the failure of feed %s failed", source.name)
            results.append(failed)
    return results


# --- locations ------------------------------------------------------------------

LOCATION_COLUMNS = ("name", "slug", "team", "address", "contact_email", "contact_phone")


@dataclass
class LocationImport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def do_import_locations(actor: Agent | None, path: str | Path) -> LocationImport:
    """Create or update locations (by slug, else by slugified name) from a CSV
    with columns name, slug, team, address, contact_email, contact_phone."""
    out = LocationImport()
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [(h or "").strip().lower().replace(" ", "_") for h in reader.fieldnames or []]
        if "name" not in header:
            raise InboundError("line 1: the header needs a 'name' column")
        reader.fieldnames = header
        teams = {t.slug: t for t in Team.objects.all()}
        for row in reader:
            line = reader.line_num
            try:
                with transaction.atomic():
                    created = _location_row(
                        {k: (v or "").strip() for k, v in row.items() if k}, teams
                    )
            except (ValidationError, InboundError) as exc:
                message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                out.errors.append(f"line {line}: {message}")
                continue
            if created is None:
                continue
            out.created += created
            out.updated += not created
    if out.created or out.updated:
        log_event(
            EventKind.LOCATIONS_IMPORTED, actor=actor, created=out.created, updated=out.updated
        )
    return out


def _location_row(row: dict[str, str], teams: dict[str, Team]) -> bool | None:
    if not any(row.values()):
        return None
    name = row.get("name", "")
    if not name:
        raise InboundError("no name")
    slug = slugify(row.get("slug") or name)[:100]
    if not slug:
        raise InboundError(f"no usable slug for {name!r}")
    team = None
    if row.get("team"):
        team = teams.get(row["team"])
        if team is None:
            raise InboundError(f"unknown team {row['team']!r}")
    email = row.get("contact_email", "")
    if email:
        validate_email(email)
    values = {
        "name": name[:200],
        "address": row.get("address", "")[:300],
        "contact_email": email,
        "contact_phone": row.get("contact_phone", "")[:40],
    }
    if team is not None:
        values["team"] = team
    _location, created = Location.objects.update_or_create(slug=slug, defaults=values)
    return created
