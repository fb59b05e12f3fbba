"""Taking in reviews and mentions: new ones through `receive`, edits and
removals as revisions of the review already known.

Every door (file import, webhook, feed) ends in `do_ingest_review`. Reviews
that came in through another door (the generic `calmdesk import`, the
messages API, the demo) are adopted by `do_adopt_untracked`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.intake import note_inbound_time, receive
from calmdesk.intake.reviews import ReviewRecord, find_order_ref
from calmdesk.models import (
    Channel,
    Conversation,
    Direction,
    Message,
    Platform,
    Review,
    ReviewKind,
    ReviewRevision,
    ReviewSource,
    ReviewState,
    RevisionChange,
    Status,
)


@dataclass(frozen=True)
class IngestResult:
    review_id: int | None
    conversation_id: int | None
    created: bool = False
    revised: bool = False
    removed: bool = False

    @property
    def outcome(self) -> str:
        if self.created:
            return "created"
        if self.removed:
            return "removed"
        return "revised" if self.revised else "unchanged"


def do_ingest_review(
    record: ReviewRecord, *, source: ReviewSource | None = None, evaluate: bool = True
) -> IngestResult:
    """Store one review or mention exactly once; an edit or removal of a known
    one becomes a revision. Raises InboundError for bad input (e.g. an
    unknown location)."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .filter(platform=record.platform, external_id=record.external_id)
            .first()
        )
        if review is not None:
            result = _revise(review, record)
        elif record.removed:
            return IngestResult(None, None)  # removed before we ever saw it
        else:
            result = _create(record, source)
    if evaluate and result.review_id and (result.created or result.revised):
        from calmdesk.jobs.reputation import queue_review_evaluation

        ids = [result.review_id]
        transaction.on_commit(lambda: queue_review_evaluation(ids))
    return result


def _create(record: ReviewRecord, source: ReviewSource | None) -> IngestResult:
    received = receive(record.inbound(), assess=False)
    conversation = Conversation.objects.select_related("location").get(pk=received.conversation_id)
    existing = Review.objects.filter(conversation=conversation).first()
    if existing is not None:  # the conversation was taken in before: adopt it as this review
        return IngestResult(existing.pk, conversation.pk)
    message = conversation.messages.filter(direction=Direction.IN).order_by("sent_at", "id").first()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                conversation=conversation,
                source=source,
                kind=record.kind,
                platform=record.platform,
                external_id=record.external_id,
                location=conversation.location,
                author=record.author[:200],
                rating=record.rating,
                title=record.title[:300],
                body=record.body,
                url=record.url,
                order_ref=(record.order_ref or find_order_ref(record.body))[:100],
                published_at=record.published_at
                or (message.sent_at if message else timezone.now()),
            )
    except IntegrityError:  # a concurrent ingest of the same review won
        review = Review.objects.get(platform=record.platform, external_id=record.external_id)
        return IngestResult(review.pk, review.conversation_id)
    _revision(review, RevisionChange.CREATED)
    log_event(
        EventKind.REVIEW_TRACKED,
        conversation=conversation,
        review=review.pk,
        platform=record.platform,
        source=source.pk if source else None,
    )
    return IngestResult(review.pk, conversation.pk, created=True)


def _revision(review: Review, change: str, at: datetime | None = None) -> ReviewRevision:
    number = (
        review.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return ReviewRevision.objects.create(
        review=review,
        number=number,
        change=change,
        rating=review.rating,
        title=review.title,
        body=review.body if change != RevisionChange.REMOVED else "",
        seen_at=at or timezone.now(),
    )


def _revise(review: Review, record: ReviewRecord) -> IngestResult:
    conversation = review.conversation
    if record.removed:
        if review.state == ReviewState.REMOVED:
            return IngestResult(review.pk, conversation.pk)
        review.state = ReviewState.REMOVED
        review.save(update_fields=["state", "updated_at"])
        _revision(review, RevisionChange.REMOVED)
        log_event(EventKind.REVIEW_REMOVED, conversation=conversation, review=review.pk)
        return IngestResult(review.pk, conversation.pk, removed=True)
    changed = (record.rating, record.title.strip(), " ".join(record.body.split())) != (
        review.rating,
        review.title.strip(),
        " ".join(review.body.split()),
    )
    if not changed:
        if review.state == ReviewState.REMOVED:  # back online, unchanged
            review.state = ReviewState.LIVE
            review.save(update_fields=["state", "updated_at"])
            _revision(review, RevisionChange.RESTORED)
            return IngestResult(review.pk, conversation.pk, revised=True)
        return IngestResult(review.pk, conversation.pk)
    before = {"rating": review.rating, "body": review.body[:500]}
    review.rating = record.rating
    review.title = record.title[:300]
    review.body = record.body
    review.order_ref = (record.order_ref or find_order_ref(record.body))[:100]
    review.state = ReviewState.UPDATED
    review.revision_count += 1
    review.evaluated_at = None  # judge the new text again
    review.save()
    revision = _revision(review, RevisionChange.EDITED)
    _edit_message(review, revision.number, record)
    log_event(
        EventKind.REVIEW_REVISED,
        conversation=conversation,
        before=before,
        after={"rating": review.rating, "body": review.body[:500]},
        review=review.pk,
        revision=revision.number,
    )
    return IngestResult(review.pk, conversation.pk, revised=True)


def _edit_message(review: Review, number: int, record: ReviewRecord) -> None:
    """The edited text as a new inbound message, so the timeline shows both,
    the edit is assessed, and a resolved case reopens."""
    conversation = Conversation.objects.select_for_update(of=("self",)).get(
        pk=review.conversation_id
    )
    first = conversation.messages.filter(direction=Direction.IN).order_by("sent_at", "id").first()
    base = first.external_id if first and first.external_id else f"review-{review.pk}"
    now = timezone.now()
    stars = f" ({record.rating}★)" if record.rating else ""
    Message.objects.create(
        conversation=conversation,
        channel=conversation.channel,
        direction=Direction.IN,
        body=f"[Edited{stars}] {record.body}",
        external_id=f"{base}#v{number}"[:300],
        sent_at=now,
    )
    note_inbound_time(conversation, now)
    fields = ["awaiting_reply", "last_inbound_at", "rating", "updated_at"]
    conversation.awaiting_reply = True
    conversation.last_inbound_at = now
    conversation.rating = record.rating
    if conversation.status in (Status.RESOLVED, Status.CLOSED):
        log_event(
            EventKind.CONVERSATION_REOPENED,
            conversation=conversation,
            before={"status": conversation.status},
            after={"status": Status.OPEN},
        )
        conversation.status = Status.OPEN
        fields.append("status")
    conversation.save(update_fields=fields)


def do_adopt_untracked(limit: int = 500) -> list[int]:
    """Track review and social conversations that came in through another door."""
    conversations = list(
        Conversation.objects.filter(
            channel__in=[Channel.REVIEW, Channel.SOCIAL], review__isnull=True
        ).select_related("customer")[:limit]
    )
    adopted = []
    for conversation in conversations:
        first = (
            conversation.messages.filter(direction=Direction.IN).order_by("sent_at", "id").first()
        )
        if first is None:
            continue
        external_id = first.external_id or f"conversation-{conversation.pk}"
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    conversation=conversation,
                    kind=ReviewKind.REVIEW
                    if conversation.channel == Channel.REVIEW
                    else ReviewKind.MENTION,
                    platform=Platform.GENERIC,
                    external_id=f"adopted:{external_id}"[:300],
                    location_id=conversation.location_id,
                    author=conversation.customer.name[:200],
                    rating=conversation.rating,
                    body=first.body,
                    order_ref=find_order_ref(first.body),
                    published_at=first.sent_at,
                )
                _revision(review, RevisionChange.CREATED, at=first.sent_at)
                log_event(
                    EventKind.REVIEW_TRACKED,
                    conversation=conversation,
                    review=review.pk,
                    adopted=True,
                )
        except IntegrityError:
            continue  # adopted concurrently
        adopted.append(review.pk)
    return adopted
