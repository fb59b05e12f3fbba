"""The reputation case: which reviews need a public reply by when, and the reply itself.

`do_evaluate_reviews` runs after a review is taken in (or edited): it makes
sure the text is assessed, judges it (rating, assessment, threat signals;
calmdesk.playbook.reputation), opens the case with its public-response due
time and raises the alert. `do_sweep_cases` marks overdue ones. The public
reply is drafted by the playbook, checked by the coach and, once approved,
recorded as the conversation's reply (sent to the outgoing webhook when the
source's platform allows posting, otherwise kept for the agent to copy).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calmdesk.actions.conversations import do_reply
from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.reputation.alerts import raise_alert
from calmdesk.actions.reputation.config import ALERT_MAX_AGE_DAYS, reputation_settings
from calmdesk.models import (
    Agent,
    AlertKind,
    Direction,
    Message,
    Review,
    ReviewState,
)
from calmdesk.services.playbook_views import agent_view


def _policy():
    from calmdesk.playbook import load_policy

    return load_policy()


def do_evaluate_reviews(review_ids: Iterable[int], now: datetime | None = None) -> int:
    """Assess and judge these reviews; returns how many opened a case."""
    from calmdesk.actions.assessment import do_assess_messages

    ids = sorted(set(review_ids))
    if not ids:
        return 0
    pending = Message.objects.filter(
        conversation__review__pk__in=ids, direction=Direction.IN, assessed_at__isnull=True
    ).values_list("pk", flat=True)
    do_assess_messages(list(pending))
    opened = 0
    policy, cfg = _policy(), reputation_settings()
    for review_id in ids:
        with transaction.atomic():
            review = (
                Review.objects.select_for_update(of=("self",))
                .select_related("conversation__team", "location")
                .filter(pk=review_id)
                .first()
            )
            if review is not None:
                opened += _evaluate(review, policy, cfg, now or timezone.now())
    return opened


def _latest_assessment(review: Review) -> dict | None:
    row = (
        Message.objects.filter(conversation_id=review.conversation_id, direction=Direction.IN)
        .exclude(assessment=None)
        .order_by("-sent_at", "-id")
        .values_list("assessment", flat=True)
        .first()
    )
    return row


def _evaluate(review: Review, policy, cfg, now: datetime) -> int:
    from calmdesk.playbook.reputation import judge, public_response_due
    from calmdesk.playbook.text import root_cause

    assessment = _latest_assessment(review)
    verdict = judge(review.rating, assessment, cfg)
    review.evaluated_at = now
    review.reasons = verdict.reasons
    review.signals = sorted(
        {s["kind"] for s in (assessment or {}).get("signals", []) if s.get("score", 0) > 0}
    )
    review.theme = root_cause(f"{review.title}\n{review.body}", policy)
    opened = 0
    was_negative = review.negative
    review.negative = verdict.negative
    if verdict.negative and review.case_opened_at is None:
        conversation = review.conversation
        review.case_opened_at = now
        review.response_due_at = public_response_due(
            review.published_at,
            conversation.channel,
            conversation.level,
            review.rating,
            policy,
            cfg,
            timezone=conversation.team.timezone,
        )
        opened = 1
    review.save()
    if opened:
        log_event(
            EventKind.REVIEW_CASE_OPENED,
            conversation=review.conversation,
            review=review.pk,
            reasons=verdict.reasons,
            due=review.response_due_at.isoformat(),
        )
    if verdict.negative and not was_negative and _recent(review, now):
        where = review.location.name if review.location else "the brand"
        stars = f"{review.rating}★ " if review.rating else ""
        raise_alert(
            AlertKind.NEGATIVE,
            f"negative:{review.pk}",
            f"{stars}{review.get_kind_display().lower()} at {where} needs a public reply",
            detail=f"{'; '.join(verdict.reasons)}. {review.author or 'Someone'} wrote: {review.body[:400]}",
            review=review,
            location=review.location,
            data={"due": review.response_due_at.isoformat() if review.response_due_at else None},
        )
    return opened


def _recent(review: Review, now: datetime) -> bool:
    return review.published_at >= now - timedelta(days=ALERT_MAX_AGE_DAYS)


def do_sweep_cases(now: datetime | None = None) -> dict[str, int]:
    """Record replies given on the conversation page, then mark overdue cases."""
    now = now or timezone.now()
    answered = 0
    for review in Review.objects.filter(
        responded_at__isnull=True, conversation__first_response_at__isnull=False
    ).select_related("conversation"):
        reply = (
            review.conversation.messages.filter(direction=Direction.OUT)
            .order_by("sent_at", "id")
            .first()
        )
        if reply is not None:
            Review.objects.filter(pk=review.pk).update(responded_at=reply.sent_at, response=reply)
            answered += 1
    breached = 0
    overdue = Review.objects.filter(
        negative=True,
        responded_at__isnull=True,
        breached_at__isnull=True,
        response_due_at__lt=now,
    ).exclude(state=ReviewState.REMOVED)
    for review in overdue.select_related("conversation", "location"):
        with transaction.atomic():
            updated = Review.objects.filter(pk=review.pk, breached_at__isnull=True).update(
                breached_at=now
            )
            if not updated:
                continue
            breached += 1
            log_event(
                EventKind.REVIEW_SLA_BREACHED, conversation=review.conversation, review=review.pk
            )
            if _recent(review, now):
                where = review.location.name if review.location else "the brand"
                raise_alert(
                    AlertKind.SLA_BREACH,
                    f"breach:{review.pk}",
                    f"Public reply overdue: {review.rating or '-'}★ at {where}",
                    detail=f"Due {review.response_due_at:%Y-%m-%d %H:%M} UTC. {review.body[:300]}",
                    review=review,
                    location=review.location,
                )
    return {"answered": answered, "breached": breached}


# --- the public reply ---------------------------------------------------------


@dataclass(frozen=True)
class PublicDraft:
    text: str
    score: int
    findings: list  # playbook Finding objects
    blocking: bool


def playbook_view(review: Review):
    """The review's conversation as the playbook sees it, with only what a
    public reply may use about the reviewer (their review-site name)."""
    from dataclasses import replace

    from calmdesk.playbook import CustomerView, LocationView
    from calmdesk.services.playbook_views import conversation_view

    view = conversation_view(review.conversation)
    location = review.location
    contact = ""
    if location is not None:
        contact = " or ".join(c for c in (location.contact_email, location.contact_phone) if c)
    return replace(
        view,
        customer=CustomerView(name=review.author or view.customer.name),
        location=LocationView(location.name, contact) if location else None,
        root_cause=review.theme or None,
    )


def coach_public_reply(review: Review, text: str, agent: Agent | None = None) -> PublicDraft:
    from calmdesk.playbook import coach

    result = coach(text, playbook_view(review), _policy(), agent_view(agent))
    return PublicDraft(text, result.score, result.findings, bool(result.blocking))


def draft_public_reply(review: Review, agent: Agent | None = None) -> PublicDraft:
    """The playbook's public reply for this review, already checked by the coach."""
    from calmdesk.playbook import draft_reply

    draft = draft_reply(playbook_view(review), _policy(), agent_view(agent))
    return coach_public_reply(review, draft.text, agent)


@transaction.atomic
def do_approve_public_reply(
    agent: Agent, review: Review, text: str, *, override: bool = False, at: datetime | None = None
) -> Message:
    """Record the approved public reply. Blocking coach findings (personal
    data, blame, contradiction …) refuse it unless `override` (recorded).
    `at` is for importing history (the demo): recorded then, never sent."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("conversation__team", "location", "source")
        .get(pk=review.pk)
    )
    if review.state == ReviewState.REMOVED:
        raise ValidationError("The review was removed; there is nothing to answer in public.")
    checked = coach_public_reply(review, text, agent)
    if checked.blocking and not override:
        raise ValidationError(
            "The coach found problems to fix before posting: "
            + "; ".join(
                getattr(f, "message", "") or f.kind
                for f in checked.findings
                if f.severity == "blocking"
            )
        )
    deliver = bool(review.source and review.source.allows_reply) and at is None
    message = do_reply(agent, review.conversation, text, at=at, deliver=deliver)
    if review.responded_at is None:
        review.responded_at = message.sent_at
        review.response = message
        review.save(update_fields=["responded_at", "response", "updated_at"])
    log_event(
        EventKind.REVIEW_PUBLIC_REPLY,
        actor=agent,
        conversation=review.conversation,
        review=review.pk,
        message=message.pk,
        score=checked.score,
        override=bool(checked.blocking and override),
        blocking=[f.kind for f in checked.findings if f.severity == "blocking"],
        delivered_to_platform=deliver,
    )
    return message
