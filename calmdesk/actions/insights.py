"""Insights' writes: categorize complaints, correct a cause, train the classifier,
discover new causes, accept or dismiss a proposal, give a cause an owner and a
fix, review every reply (post-hoc QA) and send the weekly digest.

Each `do_*` writes inside a transaction and records an Event; the digest's
emails leave after the commit.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from calmdesk.access import access_conversation, is_manager
from calmdesk.actions.events import log_event
from calmdesk.insights import causes as reading
from calmdesk.insights.base import setting
from calmdesk.insights.taxonomy import OTHER, policy_taxonomy
from calmdesk.models import (
    Agent,
    CauseOrigin,
    CauseProposal,
    CauseSource,
    CauseStatus,
    Conversation,
    ConversationCause,
    ProposalStatus,
    RootCause,
)

log = logging.getLogger(__name__)
BATCH = 500


class InsightsEvent(StrEnum):
    TAXONOMY_SYNCED = "insights.taxonomy_synced"
    CATEGORIZED = "insights.categorized"
    CAUSE_CORRECTED = "insights.cause_corrected"
    MODEL_TRAINED = "insights.model_trained"
    CAUSE_PROPOSED = "insights.cause_proposed"
    PROPOSAL_ACCEPTED = "insights.proposal_accepted"
    PROPOSAL_DISMISSED = "insights.proposal_dismissed"
    CAUSE_OWNER_SET = "insights.cause_owner_set"
    CAUSE_STATUS = "insights.cause_status_changed"
    REPLIES_REVIEWED = "insights.replies_reviewed"
    DIGEST_SENT = "insights.digest_sent"
    DIGEST_FAILED = "insights.digest_failed"  # no email of that week's digest went out


@transaction.atomic
def do_sync_taxonomy() -> int:
    """Make sure every cause in the policy has a row; returns how many were added."""
    added = 0
    for spec in policy_taxonomy():
        cause, created = RootCause.objects.get_or_create(
            key=spec.key,
            defaults={
                "label": spec.label,
                "origin": CauseOrigin.POLICY,
                "description": spec.description,
            },
        )
        if created:
            added += 1
        elif cause.origin == CauseOrigin.POLICY and cause.label != spec.label:
            cause.label = spec.label
            cause.save(update_fields=["label", "updated_at"])
    if added:
        log_event(InsightsEvent.TAXONOMY_SYNCED, added=added)
    return added


def do_categorize(conversation_ids: list[int] | None = None, *, recategorize: bool = False) -> int:
    """Give complaints a root cause (rules, or the classifier where it is confident).

    Without ids: every complaint that has none yet (all non-agent ones with
    `recategorize`, e.g. after training a new model). An agent's choice is
    never overwritten. Returns how many conversations were categorized.
    """
    do_sync_taxonomy()
    qs = reading.complaints()
    if conversation_ids is not None:
        qs = qs.filter(pk__in=conversation_ids)
    if recategorize:
        qs = qs.exclude(cause_assignment__source=CauseSource.AGENT)
    else:
        qs = qs.filter(cause_assignment__isnull=True)
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    specs, rows = reading.active_specs()
    classifier = reading.load_classifier()
    if classifier is not None:  # the model may know causes retired since it was trained
        classifier.labels = [k for k in classifier.labels if k in rows]
    min_conf = float(setting("CALMDESK_CAUSE_MIN_CONFIDENCE", 0.5))
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        texts = reading.complaint_texts(chunk)
        times = reading.first_inbound_times(chunk)
        order = [cid for cid in chunk if cid in texts]
        preds = classifier.predict([texts[c] for c in order]) if classifier else [None] * len(order)
        with transaction.atomic():
            done += _store_decisions(order, texts, times, preds, specs, rows, min_conf)
    if done:
        log_event(InsightsEvent.CATEGORIZED, count=done, model=bool(classifier))
    return done


def _store_decisions(order, texts, times, preds, specs, rows, min_conf) -> int:
    existing = {
        cc.conversation_id: cc
        for cc in ConversationCause.objects.select_for_update(of=("self",)).filter(
            conversation_id__in=order
        )
    }
    new, changed = [], []
    now = timezone.now()
    for cid, pred in zip(order, preds, strict=True):
        if pred is not None and pred.key not in rows:
            pred = None
        d = reading.decide(texts[cid], specs, pred, min_conf)
        cause = rows.get(d.key) or rows[OTHER]
        cc = existing.get(cid)
        if cc is None:
            new.append(
                ConversationCause(
                    conversation_id=cid,
                    cause=cause,
                    source=d.source,
                    confidence=d.confidence,
                    occurred_at=times.get(cid, now),
                )
            )
        elif cc.source != CauseSource.AGENT:
            cc.cause, cc.source, cc.confidence = cause, d.source, d.confidence
            cc.updated_at = now
            changed.append(cc)
    ConversationCause.objects.bulk_create(new, ignore_conflicts=True)
    ConversationCause.objects.bulk_update(changed, ["cause", "source", "confidence", "updated_at"])
    return len(new) + len(changed)


def check_correct_cause(agent: Agent, conversation_id: int, cause_key: str) -> ConversationCause:
    """An agent who can see the conversation sets its cause (404 when they cannot see it)."""
    conversation = access_conversation(agent, conversation_id)
    cause = RootCause.objects.filter(key=cause_key, status=CauseStatus.ACTIVE).first()
    if cause is None:
        raise ValidationError(f"Unknown root cause {cause_key!r}.")
    return do_correct_cause(agent, conversation, cause)


@transaction.atomic
def do_correct_cause(
    agent: Agent, conversation: Conversation, cause: RootCause
) -> ConversationCause:
    """Record an agent's root cause; it is kept and it trains the next model."""
    cc = (
        ConversationCause.objects.select_for_update(of=("self",))
        .filter(conversation=conversation)
        .first()
    )
    before = {"cause": cc.cause.key, "source": cc.source} if cc else None
    if cc is None:
        occurred = reading.first_inbound_times([conversation.pk]).get(
            conversation.pk, timezone.now()
        )
        cc = ConversationCause(conversation=conversation, occurred_at=occurred)
    cc.cause, cc.source, cc.confidence, cc.assigned_by = cause, CauseSource.AGENT, 1.0, agent
    cc.save()
    log_event(
        InsightsEvent.CAUSE_CORRECTED,
        actor=agent,
        conversation=conversation,
        before=before,
        after={"cause": cause.key, "source": CauseSource.AGENT},
    )
    return cc


def do_train_cause_model(*, features: str | None = None) -> dict[str, Any]:
    """Train the classifier on agents' corrections and the rules' clear labels; save it."""
    from calmdesk.insights.classifier import CauseClassifier

    texts, labels, weights = reading.training_set()
    kind = features or setting("CALMDESK_CAUSE_FEATURES", "auto")
    model = CauseClassifier.train(texts, labels, weights, features=kind)
    path = reading.model_path()
    model.save(path)
    stats = {
        "examples": model.trained_on,
        "causes": model.labels,
        "features": model.features,
        "corrections": sum(1 for w in weights if w > 1),
        "path": str(path),
    }
    with transaction.atomic():
        log_event(InsightsEvent.MODEL_TRAINED, **stats)
    return stats


def do_discover(now: datetime | None = None, *, features: str | None = None) -> list[CauseProposal]:
    """Cluster recent complaints that fit no cause and propose each cluster as a new cause."""
    from calmdesk.insights.discovery import discover

    now = now or timezone.now()
    days = int(setting("CALMDESK_DISCOVERY_DAYS", 28))
    since = now - timedelta(days=days)
    ids = list(
        ConversationCause.objects.filter(
            cause__key=OTHER, occurred_at__gte=since, occurred_at__lte=now
        )
        .order_by("-occurred_at")
        .values_list("conversation_id", flat=True)[:3000]
    )
    texts = reading.complaint_texts(ids)
    ids = [i for i in ids if i in texts]
    clusters = discover(
        [texts[i] for i in ids],
        features=features or setting("CALMDESK_CAUSE_FEATURES", "auto"),
        min_cluster=int(setting("CALMDESK_DISCOVERY_MIN_CLUSTER", 5)),
    )
    created = []
    for c in clusters:
        members = [ids[i] for i in c.members]
        try:
            with transaction.atomic():
                proposal = CauseProposal.objects.create(
                    label=c.label[:120],
                    terms=c.terms,
                    size=len(members),
                    cohesion=c.cohesion,
                    examples=[
                        {"conversation": ids[i], "text": texts[ids[i]][:300]} for i in c.examples
                    ],
                    conversation_ids=members,
                    signature=c.signature[:200] or f"cluster-{members[0]}",
                    window_start=since,
                    window_end=now,
                )
                log_event(
                    InsightsEvent.CAUSE_PROPOSED,
                    proposal=proposal.pk,
                    label=proposal.label,
                    size=proposal.size,
                )
        except IntegrityError:
            continue  # proposed before (same distinctive terms): not again
        created.append(proposal)
    return created


def _require_manager(agent: Agent) -> None:
    if not is_manager(agent):
        raise PermissionDenied("Only managers decide on root causes.")


@transaction.atomic
def do_accept_proposal(agent: Agent, proposal: CauseProposal, *, label: str = "") -> RootCause:
    """Turn a proposal into an active cause; its complaints (still "other") move to it."""
    _require_manager(agent)
    proposal = CauseProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError("This proposal has already been decided.")
    label = (label or proposal.label).strip()[:120]
    key = _unique_key(label)
    cause = RootCause.objects.create(
        key=key,
        label=label,
        origin=CauseOrigin.DISCOVERED,
        cues=proposal.terms[:5],
        description=", ".join(proposal.terms),
    )
    moved = ConversationCause.objects.filter(
        conversation_id__in=proposal.conversation_ids, cause__key=OTHER
    ).update(
        cause=cause,
        source=CauseSource.AGENT,
        confidence=1.0,
        assigned_by=agent,
        updated_at=timezone.now(),
    )
    proposal.status, proposal.cause = ProposalStatus.ACCEPTED, cause
    proposal.decided_by, proposal.decided_at = agent, timezone.now()
    proposal.save(update_fields=["status", "cause", "decided_by", "decided_at"])
    log_event(
        InsightsEvent.PROPOSAL_ACCEPTED, actor=agent, proposal=proposal.pk, cause=key, moved=moved
    )
    return cause


def _unique_key(label: str) -> str:
    from django.utils.text import slugify

    base = (slugify(label).replace("-", "_") or "cause")[:50]
    key, n = base, 2
    while RootCause.objects.filter(key=key).exists():
        key, n = f"{base}_{n}", n + 1
    return key


@transaction.atomic
def do_dismiss_proposal(agent: Agent, proposal: CauseProposal) -> CauseProposal:
    _require_manager(agent)
    proposal = CauseProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError("This proposal has already been decided.")
    proposal.status, proposal.decided_by, proposal.decided_at = (
        ProposalStatus.DISMISSED,
        agent,
        timezone.now(),
    )
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    log_event(InsightsEvent.PROPOSAL_DISMISSED, actor=agent, proposal=proposal.pk)
    return proposal


@transaction.atomic
def do_set_cause_owner(
    agent: Agent,
    cause: RootCause,
    *,
    owner: Agent | None,
    fix_description: str = "",
    fix_date: date | None = None,
) -> RootCause:
    """Put an owner on a cause, with what they will fix and when (the before/after split)."""
    _require_manager(agent)
    if len(fix_description) > 5000:
        raise ValidationError("The fix description is over 5,000 characters.")
    before = {
        "owner": cause.owner_id,
        "fix_description": cause.fix_description,
        "fix_date": cause.fix_date.isoformat() if cause.fix_date else None,
    }
    cause.owner, cause.fix_description, cause.fix_date = owner, fix_description.strip(), fix_date
    cause.save(update_fields=["owner", "fix_description", "fix_date", "updated_at"])
    log_event(
        InsightsEvent.CAUSE_OWNER_SET,
        actor=agent,
        before=before,
        cause=cause.key,
        after={
            "owner": getattr(owner, "pk", None),
            "fix_description": cause.fix_description,
            "fix_date": fix_date.isoformat() if fix_date else None,
        },
    )
    return cause


@transaction.atomic
def do_set_cause_status(agent: Agent, cause: RootCause, status: str) -> RootCause:
    _require_manager(agent)
    if status not in CauseStatus.values:
        raise ValidationError(f"Unknown status {status!r}.")
    if cause.key == OTHER and status != CauseStatus.ACTIVE:
        raise ValidationError("'Other' cannot be retired: it holds what fits no cause.")
    before = {"status": cause.status}
    cause.status = status
    cause.save(update_fields=["status", "updated_at"])
    log_event(
        InsightsEvent.CAUSE_STATUS,
        actor=agent,
        before=before,
        after={"status": status},
        cause=cause.key,
    )
    return cause


def do_review_replies(limit: int = 2000) -> int:
    """Coach every sent reply not yet reviewed (post-hoc QA); returns how many were reviewed."""
    from calmdesk.insights.qa import review_batch

    reviews = review_batch(limit)
    if not reviews:
        return 0
    from calmdesk.models import ReplyReview

    with transaction.atomic():
        ReplyReview.objects.bulk_create(reviews, ignore_conflicts=True)
        log_event(InsightsEvent.REPLIES_REVIEWED, count=len(reviews))
    return len(reviews)


def do_send_digest(
    now: datetime | None = None, *, force: bool = False, failed: list[str] | None = None
) -> int:
    """Email the weekly digest to every manager, once per ISO week; returns how many emails
    were sent. The emails go out when the transaction commits; inside an outer transaction
    the count is of those queued. Each address that could not be sent to is appended to
    `failed` (when given) and logged; the others still go out. When none went out, a
    DIGEST_FAILED event says so and the next run tries the week again."""
    from calmdesk.insights.digest import build_digests
    from calmdesk.models import Event

    now = now or timezone.now()
    year, week, _ = timezone.localtime(now).isocalendar()
    key = f"{year}-W{week:02d}"
    outcome: dict[str, int] = {}
    with transaction.atomic():
        latest = (
            Event.objects.filter(
                kind__in=(InsightsEvent.DIGEST_SENT, InsightsEvent.DIGEST_FAILED), data__week=key
            )
            .order_by("-id")
            .values_list("kind", flat=True)
            .first()
        )
        if not force and latest == InsightsEvent.DIGEST_SENT:
            return 0
        emails = build_digests(now)
        if not emails:
            return 0
        log_event(InsightsEvent.DIGEST_SENT, week=key, recipients=len(emails))
        transaction.on_commit(lambda: outcome.update(sent=_send_week(emails, key, failed)))
    return outcome.get("sent", len(emails))


def _send_week(emails, week: str, failed: list[str] | None) -> int:
    sent = _send(emails, failed)
    if not sent:  # nobody got it: let the next run try this week again
        log_event(InsightsEvent.DIGEST_FAILED, week=week, recipients=len(emails))
    return sent


def _send(emails, failed: list[str] | None = None) -> int:
    sent = 0
    for email in emails:
        try:
            email.send()
        except Exception:  # one bad address must not stop the others
            log.exception("the insights digest to %s was not sent", email.to)
            if failed is not None:
                failed.extend(email.to)
        else:
            sent += 1
    return sent
