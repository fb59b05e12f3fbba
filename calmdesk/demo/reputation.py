"""Demo data for the reputation watch, loaded through the actions (idempotent).

- twelve weeks of reviews for the three stores: Harbour Street sliding
  (and a spike of bad reviews this week), Riverside Mall recovering,
  Northgate steady; most negative ones answered in public, in time;
- the scenario reviews and mentions tracked, judged and swept: Sandra K.'s
  1-star review at Harbour Street is unanswered past its SLA;
- "Mike T." (1 star, Harbour Street) linked to Mike Thornton, whose private
  email case is resolved, with a public reply recorded.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from calmdesk.actions.identity import canonical
from calmdesk.actions.reputation import (
    do_adopt_untracked,
    do_approve_public_reply,
    do_check_spikes,
    do_confirm_link,
    do_evaluate_reviews,
    do_ingest_review,
    do_sweep_cases,
    draft_public_reply,
)
from calmdesk.intake.reviews import ReviewRecord
from calmdesk.models import Agent, Customer, Identity, Location, Review

WEEKS = 12
# location slug -> average stars per week, oldest first (a trend, then noise)
TRENDS = {
    "harbour-street": [4.6, 4.5, 4.6, 4.4, 4.5, 4.3, 4.4, 4.2, 4.0, 3.6, 3.2, 2.6],
    "riverside-mall": [2.6, 2.8, 2.9, 3.1, 3.3, 3.4, 3.6, 3.8, 3.9, 4.1, 4.2, 4.3],
    "northgate": [4.0, 4.1, 3.9, 4.0, 4.2, 4.0, 3.9, 4.1, 4.0, 4.1, 4.0, 4.0],
}
NAMES = ("Aisha", "Ben", "Chloe", "Dev", "Emma", "Finn", "Grace", "Hassan", "Isla", "Jack",
         "Kemi", "Liam", "Mia", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sean", "Tara")  # fmt: skip
TEXTS = {
    5: ("Brilliant service, the staff went out of their way to help.",
        "Quick, friendly and they had everything I needed.",
        "Lovely store, spotless and well organised."),
    4: ("Good visit overall, a short wait at the till.",
        "Helpful staff, decent prices. Parking is a pain.",
        "Found what I wanted; the fitting rooms could be cleaner."),
    3: ("Average. Nothing wrong, nothing special.",
        "Okay, but half the sizes were out of stock.",
        "Staff were fine, the queue was long."),
    2: ("Waited ages to be served and the returns desk was closed.",
        "The card machine was broken and nobody told us until the till.",
        "Asked for help twice and was ignored. Disappointing."),
    1: ("Rude staff and a 30 minute queue. Will not be back.",
        "Refused a refund for a faulty kettle, terrible customer service.",
        "Overcharged at the till and the manager would not fix it."),
}  # fmt: skip
PER_WEEK = 3
SPIKE_EXTRA = (  # this week at Harbour Street, on top of the scenario reviews
    (1, "Queue out of the door again, one till open, staff chatting. Never again."),
    (2, "Returned a faulty toaster, was told it was my fault. Very poor."),
)


def load(agents: dict[str, Agent], now: datetime, summary) -> None:
    if Review.objects.filter(platform="google", external_id__startswith="demo-").exists():
        return  # loaded before (a second run must not "edit" the reviews)
    jo = agents.get("jo") or next(iter(agents.values()))
    rng = random.Random(8)  # the same demo every time
    locations = {loc.slug: loc for loc in Location.objects.filter(slug__in=TRENDS)}
    answer: list[tuple[int, datetime]] = []
    with transaction.atomic():
        for slug, trend in TRENDS.items():
            if slug not in locations:
                continue
            for week, mean in enumerate(trend):
                for n in range(PER_WEEK):
                    days_ago = 7 * (WEEKS - week) - rng.uniform(0.5, 6.5)
                    if days_ago < 7.5 and slug == "harbour-street":
                        continue  # this week's Harbour Street reviews are the spike below
                    rating = max(1, min(5, round(rng.gauss(mean, 0.8))))
                    published = now - timedelta(days=days_ago)
                    result = _review(slug, f"{slug}-{week}-{n}", rating, published, rng)
                    if result.created and rng.random() < (0.85 if rating <= 2 else 0.5):
                        answer.append(
                            (result.review_id, published + timedelta(hours=rng.uniform(2, 40)))
                        )
        for i, (rating, text) in enumerate(SPIKE_EXTRA):
            published = now - timedelta(hours=20 + 30 * i)
            _review(
                "harbour-street", f"harbour-street-spike-{i}", rating, published, rng, text=text
            )
    do_adopt_untracked()
    pending = list(Review.objects.filter(evaluated_at__isnull=True).values_list("pk", flat=True))
    do_evaluate_reviews(pending, now=now)
    for review_id, at in answer:
        review = Review.objects.select_related("conversation").get(pk=review_id)
        if review.responded_at is not None or at >= now:
            continue
        if review.negative:
            text = draft_public_reply(review, jo).text
        else:
            first = review.author.split()[0] if review.author else "there"
            text = f"Thank you, {first}! We are glad you enjoyed your visit and hope to see you again soon. - Jo"
        do_approve_public_reply(jo, review, text, at=at, override=True)
    _link_mike(jo, now)
    do_sweep_cases(now)
    do_check_spikes(now)
    summary.notes.append(
        "Reputation: /reputation/ shows three stores' trends, a spike at Harbour Street, "
        "Sandra K.'s 1★ review unanswered past its SLA, and Mike T. linked to Mike Thornton."
    )


def _review(
    slug: str, key: str, rating: int, published: datetime, rng: random.Random, text: str = ""
):
    name = f"{rng.choice(NAMES)} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    return do_ingest_review(
        ReviewRecord(
            platform="google",
            external_id=f"demo-{key}",
            body=text or rng.choice(TEXTS[rating]),
            location=slug,
            author=name,
            rating=rating,
            published_at=published,
            url=f"https://maps.example.com/review/demo-{key}",
        ),
        evaluate=False,
    )


def _link_mike(jo: Agent, now: datetime) -> None:
    identity = Identity.objects.filter(kind="email", value="mike.thornton@example.com").first()
    review = (
        Review.objects.filter(author="Mike T.", location__slug="harbour-street")
        .select_related("conversation__customer")
        .first()
    )
    if identity is None or review is None:
        return
    mike: Customer = canonical(identity.customer)
    if canonical(review.conversation.customer).pk != mike.pk:
        do_confirm_link(jo, review, mike)
    review.refresh_from_db()
    if review.responded_at is None:
        draft = draft_public_reply(review, jo)
        do_approve_public_reply(
            jo, review, draft.text, at=review.published_at + timedelta(hours=30), override=True
        )
