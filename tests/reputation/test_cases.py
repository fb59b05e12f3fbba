"""A review opens a case, raises an alert, is answered in public within its SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.reputation.conftest import ingest

pytestmark = pytest.mark.django_db


def test_one_star_review_opens_a_case_with_a_due_time_and_an_alert(stores):
    from calmdesk.models import AlertKind, Notification, ReputationAlert

    review = ingest(rating=1, body="Waited forty minutes and nobody helped. Never again.")
    assert review.negative and "1-star rating" in review.reasons
    assert review.case_opened_at is not None and review.response_due_at > review.published_at
    assert review.conversation.messages.get().assessed_at is not None
    alert = ReputationAlert.objects.get(review=review)
    assert alert.kind == AlertKind.NEGATIVE and "Harbour Street" in alert.title
    jo = stores["jo"]
    assert Notification.objects.filter(recipient=jo, kind="reputation.negative_review").exists()
    assert alert.notified >= 2  # jo and the manager


def test_five_star_review_opens_no_case(stores):
    from calmdesk.models import ReputationAlert

    review = ingest(rating=5)
    assert not review.negative and review.case_opened_at is None
    assert not ReputationAlert.objects.exists()


def test_threat_in_a_three_star_review_opens_a_case(stores):
    review = ingest(
        rating=3, body="Food was fine but I'm taking you to small claims court over the deposit."
    )
    assert review.negative
    assert any(r.startswith("threat") for r in review.reasons)


def test_mention_without_rating_is_judged_by_its_assessment(stores):
    review = ingest(
        kind="mention",
        rating=None,
        platform="twitter",
        author="@grumpy",
        body="Absolute clowns at Harbour Street. The idiot at the till overcharged me and laughed. Disgusting.",
    )
    assert review.conversation.channel == "social"
    assert review.negative


def test_importing_the_same_review_twice_adds_nothing(stores):
    from calmdesk.actions.reputation import do_ingest_review
    from calmdesk.models import Conversation, Message, Review
    from tests.reputation.conftest import record

    first = do_ingest_review(record())
    again = do_ingest_review(record())
    assert first.created and not again.created and again.outcome == "unchanged"
    assert Review.objects.count() == Conversation.objects.count() == Message.objects.count() == 1


def test_an_edited_review_becomes_a_revision_and_is_judged_again(
    stores, django_capture_on_commit_callbacks
):
    from calmdesk.actions import do_set_status
    from calmdesk.actions.reputation import do_ingest_review
    from calmdesk.models import Review, ReviewState
    from tests.reputation.conftest import record

    review = ingest(rating=4, body="Good shop.")
    do_set_status(stores["jo"], review.conversation, "resolved")
    with django_capture_on_commit_callbacks(execute=True):  # the evaluation job runs on commit
        result = do_ingest_review(
            record(rating=1, body="Changed my mind: the kettle broke after a day.")
        )
    assert result.revised
    review = Review.objects.get(pk=review.pk)
    assert review.state == ReviewState.UPDATED and review.rating == 1
    assert [v.change for v in review.revisions.all()] == ["created", "edited"]
    assert review.negative and review.conversation.status == "open"
    assert review.conversation.messages.count() == 2


def test_a_removed_review_is_tracked_and_leaves_the_unanswered_list(stores):
    from calmdesk.actions.reputation import do_ingest_review
    from calmdesk.insights.reputation import unanswered_negative
    from calmdesk.models import Review
    from tests.reputation.conftest import record

    review = ingest(rating=1, body="Terrible.")
    assert unanswered_negative(Review.objects.all()) == [review]
    assert do_ingest_review(record(rating=1, body="Terrible.", removed=True)).removed
    review.refresh_from_db()
    assert review.state == "removed" and review.revisions.last().change == "removed"
    assert unanswered_negative(Review.objects.all()) == []
    with pytest.raises(ValidationError):
        from calmdesk.actions.reputation import do_approve_public_reply

        do_approve_public_reply(stores["jo"], review, "Thank you for your feedback.")


def test_sla_sweep_marks_overdue_cases_once(stores):
    from calmdesk.actions.reputation import do_sweep_cases
    from calmdesk.models import AlertKind, ReputationAlert

    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):  # a Monday
        review = ingest(
            rating=1, body="Rude staff.", published_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
        )
        due = review.response_due_at
        assert do_sweep_cases()["breached"] == 0
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        assert do_sweep_cases()["breached"] == 1
        assert do_sweep_cases()["breached"] == 0
    assert ReputationAlert.objects.filter(kind=AlertKind.SLA_BREACH, review=review).count() == 1


def test_rating_caps_tighten_the_policy_due_time(stores, settings):
    settings.CALMDESK_REPUTATION_SLA_HOURS = "1:2"
    published = datetime.now(UTC) - timedelta(minutes=5)
    review = ingest(rating=1, body="Awful.", published_at=published)
    assert review.response_due_at == published + timedelta(hours=2)


def test_public_draft_passes_the_coach_and_leaks_no_personal_data(stores):
    from calmdesk.actions.reputation import draft_public_reply

    review = ingest(
        rating=1,
        author="Mike Thornton",
        body="Order 58812 never arrived. Email me at mike.thornton@example.com or call 07700 900123.",
    )
    draft = draft_public_reply(review, stores["jo"])
    assert not draft.blocking, [f.to_dict() for f in draft.findings]
    text = draft.text
    for private in ("Thornton", "58812", "mike.thornton@example.com", "07700"):
        assert private not in text
    assert "harbour-street@shop.example" in text  # the location's own contact
    assert text.startswith("Hi Mike")


def test_approving_refuses_blocking_findings_unless_overridden(stores):
    from calmdesk.actions.reputation import do_approve_public_reply
    from calmdesk.models import Event

    review = ingest(rating=1, author="Mike Thornton", body="Rude staff.")
    bad = "Mike Thornton, that's not true, our staff are never rude."
    with pytest.raises(ValidationError):
        do_approve_public_reply(stores["jo"], review, bad)
    message = do_approve_public_reply(stores["jo"], review, bad, override=True)
    review.refresh_from_db()
    assert review.responded_at == message.sent_at and review.response == message
    event = Event.objects.get(kind="review.public_reply_approved")
    assert event.data["override"] is True and "public_personal_data" in event.data["blocking"]


def test_approved_reply_is_recorded_not_sent_where_the_platform_takes_no_replies(stores):
    from calmdesk.actions.reputation import do_approve_public_reply, draft_public_reply

    review = ingest(rating=2, body="Slow service.")
    draft = draft_public_reply(review, stores["jo"])
    message = do_approve_public_reply(stores["jo"], review, draft.text)
    assert message.delivery == "recorded" and message.direction == "out"


def test_replies_on_the_conversation_page_count_as_answered(stores):
    from calmdesk.actions import do_reply
    from calmdesk.actions.reputation import do_sweep_cases

    review = ingest(rating=1, body="Rude staff.")
    do_reply(
        stores["jo"],
        review.conversation,
        "Thank you for telling us; I apologize. Please contact us.",
        deliver=False,
    )
    assert do_sweep_cases()["answered"] == 1
    review.refresh_from_db()
    assert review.responded_at is not None


def test_reviews_taken_in_elsewhere_are_adopted(stores):
    from calmdesk.actions import receive
    from calmdesk.jobs.reputation import sweep
    from calmdesk.models import Review
    from tests.conftest import inbound

    receive(
        inbound(
            channel="review",
            body="Dreadful, rude and slow.",
            rating=1,
            location="northgate",
            external_id="gen-1",
            customer={"name": "Pat Q.", "review_name": "Pat Q."},
        )
    )
    result = sweep()
    assert result["adopted"] == 1 and result["opened"] == 1
    review = Review.objects.get()
    assert review.location.slug == "northgate" and review.negative
