"""Reviewer ↔ customer: suggest who wrote a review, for an agent to confirm.

Evidence, each with points: an email address in the review that a customer
has (60); an order number in the review found in a customer's messages
(50); the reviewer's name matching a customer's ("Mike T." and "Mike
Thornton": 30, the full name: 40); a conversation of the customer at the
same location within two weeks before the review (20). Suggestions need
30 points. Confirming links the reviewer's review-site name to the
customer (`do_link_identity`, which merges the reviewer's record into
theirs), so the review shows on the customer card.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.identity import canonical, do_link_identity, do_merge_customers
from calmdesk.models import (
    Agent,
    Channel,
    Conversation,
    Customer,
    Direction,
    Identity,
    IdentityKind,
    Message,
    Review,
)

MIN_SCORE = 30
NEAR_BEFORE = timedelta(days=14)
NEAR_AFTER = timedelta(days=2)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PUBLIC = [Channel.REVIEW, Channel.SOCIAL]


@dataclass
class LinkSuggestion:
    customer: Customer
    score: int = 0
    reasons: list[str] = field(default_factory=list)


def _name_parts(name: str) -> tuple[str, str]:
    words = [w.strip(".,") for w in name.split() if w.strip(".,")]
    if not words:
        return "", ""
    return words[0].lower(), (words[-1].lower() if len(words) > 1 else "")


def name_match(reviewer: str, customer: str) -> int:
    """40 for the same full name, 30 for same first name and surname initial."""
    first, last = _name_parts(reviewer)
    c_first, c_last = _name_parts(customer)
    if not first or not c_first or first != c_first or not last or not c_last:
        return 0
    if last == c_last:
        return 40
    if len(last) == 1 and c_last.startswith(last):
        return 30
    return 0


def suggest_links(review: Review, limit: int = 5) -> list[LinkSuggestion]:
    """Customers who may have written this review, best first."""
    own = review.conversation.customer_id
    found: dict[int, LinkSuggestion] = {}
    reasons: dict[int, list[tuple[int, str]]] = defaultdict(list)

    emails = {e.lower().rstrip(".") for e in _EMAIL.findall(review.body)}
    if emails:
        for identity in Identity.objects.filter(kind=IdentityKind.EMAIL, value__in=emails):
            reasons[identity.customer_id].append((60, "their email address is in the review"))
    if review.order_ref:
        ids = (
            Message.objects.filter(direction=Direction.IN)
            .filter(
                Q(body__icontains=review.order_ref)
                | Q(conversation__subject__icontains=review.order_ref)
            )
            .exclude(conversation__channel__in=_PUBLIC)
            .values_list("conversation__customer_id", flat=True)
            .distinct()[:20]
        )
        for customer_id in ids:
            reasons[customer_id].append((50, f"order {review.order_ref} is in their messages"))
    first, _last = _name_parts(review.author)
    if first and len(first) > 1:
        for customer in Customer.objects.filter(
            merged_into__isnull=True, name__istartswith=first
        ).exclude(pk=own)[:100]:
            points = name_match(review.author, customer.name)
            if points:
                reasons[customer.pk].append(
                    (points, f"name {customer.name!r} matches {review.author!r}")
                )
    if review.location_id:
        near = (
            Conversation.objects.filter(
                location_id=review.location_id,
                last_inbound_at__gte=review.published_at - NEAR_BEFORE,
                last_inbound_at__lte=review.published_at + NEAR_AFTER,
            )
            .exclude(channel__in=_PUBLIC)
            .values_list("customer_id", flat=True)
            .distinct()[:200]
        )
        where = review.location.name if review.location else "this location"
        for customer_id in near:
            reasons[customer_id].append((20, f"a conversation at {where} around the review's date"))
    dismissed = set(review.dismissed_links or [])
    candidates = Customer.objects.in_bulk(list(reasons))
    for customer_id, items in reasons.items():
        customer = candidates.get(customer_id)
        if customer is None:
            continue
        customer = canonical(customer)
        if customer.pk == own or customer.pk in dismissed:
            continue
        s = found.setdefault(customer.pk, LinkSuggestion(customer))
        for points, why in items:
            if why not in s.reasons:
                s.score += points
                s.reasons.append(why)
    ranked = sorted(
        (s for s in found.values() if s.score >= MIN_SCORE), key=lambda s: (-s.score, s.customer.pk)
    )
    return ranked[:limit]


@transaction.atomic
def do_confirm_link(agent: Agent | None, review: Review, customer: Customer) -> Customer:
    """The agent confirms `customer` wrote `review`: the reviewer's record joins theirs."""
    customer = canonical(customer)
    reviewer = canonical(review.conversation.customer)
    if reviewer.pk == customer.pk:
        raise ValidationError("The review is already linked to this customer.")
    identity = (
        reviewer.identities.filter(kind__in=[IdentityKind.REVIEW_NAME, IdentityKind.HANDLE])
        .order_by("kind")
        .first()
    )
    if identity is not None:
        do_link_identity(agent, customer, identity.kind, identity.value)
    else:
        do_merge_customers(agent, keep=customer, merge=reviewer)
    review.refresh_from_db()
    log_event(
        EventKind.REVIEW_LINKED,
        actor=agent,
        conversation=review.conversation,
        customer=customer,
        review=review.pk,
        reviewer=reviewer.pk,
    )
    return customer


@transaction.atomic
def do_dismiss_link(agent: Agent | None, review: Review, customer: Customer) -> None:
    """Not this customer: the suggestion is not shown again for this review."""
    review = Review.objects.select_for_update(of=("self",)).get(pk=review.pk)
    dismissed = list(review.dismissed_links or [])
    if customer.pk not in dismissed:
        dismissed.append(customer.pk)
        review.dismissed_links = dismissed
        review.save(update_fields=["dismissed_links", "updated_at"])
        log_event(
            EventKind.REVIEW_LINK_DISMISSED,
            actor=agent,
            conversation=review.conversation,
            review=review.pk,
            dismissed=customer.pk,
        )
