"""Survey links: token security, answers once, low scores reopen and alert, unsubscribing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from calmdesk.actions.surveys import do_send_survey, find_survey, survey_token, survey_url
from calmdesk.models import Conversation, Notification, OutboxMessage, Survey
from tests.followup.conftest import MONDAY, resolved_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sent_survey(org, django_capture_on_commit_callbacks, **kw):
    case = resolved_case(org, **kw)
    with django_capture_on_commit_callbacks(execute=True):
        survey = do_send_survey(case.customer, "csat", conversation=case)
    return case, survey


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_token_is_256_bits_derived_never_stored(org, django_capture_on_commit_callbacks):
    _, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    token = survey_token(survey)
    assert len(token) == 43  # 32 bytes, base64url
    # nowhere in the database: not on the survey, not in the outbox row
    row = OutboxMessage.objects.get(survey=survey)
    assert token not in row.body and token not in str(row.headers)
    assert token not in survey.token_hash and token not in survey.token_nonce
    # but in the email the customer got
    assert token in mail.outbox[0].body
    assert find_survey(token) == survey


def test_tampered_guessed_and_malformed_tokens_get_the_same_404(
    client, org, django_capture_on_commit_callbacks
):
    _, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    token = survey_token(survey)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    import secrets

    guessed = secrets.token_urlsafe(32)
    for bad in (tampered, guessed, "x", token + "x"):
        r = client.get(f"/follow-up/s/{bad}/")
        assert r.status_code == 404, bad
    # an unsubscribe token does not open the survey (single purpose), nor the reverse
    unsub = re.search(r"/follow-up/u/([\w-]+)/", mail.outbox[0].body).group(1)
    assert client.get(f"/follow-up/s/{unsub}/").status_code == 404
    assert client.get(f"/follow-up/u/{token}/").status_code == 404


def test_expired_link_is_refused(client, org, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False) as t:
        _, survey = _sent_survey(org, django_capture_on_commit_callbacks)
        path = _path(survey_url(survey))
        assert client.get(path).status_code == 200
        t.shift(timedelta(days=15))  # the default plan: links expire after 14 days
        assert client.get(path).status_code == 410
        assert client.post(path, {"score": "5"}).status_code == 410
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_answer_once_and_reuse_changes_nothing(client, org, django_capture_on_commit_callbacks):
    case, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    path = _path(survey_url(survey))
    page = client.get(path)
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    assert b"<script" not in page.content  # works without JavaScript
    r = client.post(path, {"score": "5", "comment": "Lovely, thank you for sorting it."})
    assert r.status_code == 302
    r = client.post(path, {"score": "1", "comment": "changed my mind"})
    assert r.status_code == 200 and b"We have your answer" in r.content
    survey.refresh_from_db()
    assert (survey.score, survey.low) == (5, False)
    case.refresh_from_db()
    assert case.status == "resolved"
    assert case.messages.filter(direction="note", body__contains="Satisfaction 5/5").exists()


def test_bad_score_is_rejected(client, org, django_capture_on_commit_callbacks):
    _, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    r = client.post(_path(survey_url(survey)), {"score": "9"})
    assert r.status_code == 400 and b"from 1 to 5" in r.content


def test_low_score_reopens_privately_and_alerts_the_assignee(
    client, org, django_capture_on_commit_callbacks
):
    org.alex.user.email = "alex@desk.example"
    org.alex.user.save()  # not a db write in calmdesk: test setup of the user's address
    case, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_path(survey_url(survey)), {"score": "2"})
    case.refresh_from_db()
    assert case.status == "open" and case.awaiting_reply
    assert case.messages.filter(
        direction="note", body__startswith="Private recovery opportunity"
    ).exists()
    alert = Notification.objects.get(recipient=org.alex)
    assert alert.kind == "survey.low_score" and alert.conversation_id == case.pk
    assert any("alex@desk.example" in m.to for m in mail.outbox)


def test_angry_comment_with_middling_score_is_a_recovery_opportunity(
    client, org, django_capture_on_commit_callbacks
):
    case, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    client.post(
        _path(survey_url(survey)),
        {
            "score": "3",
            "comment": "Absolutely furious. Nobody fixed anything, this is a disgrace and I am livid!",
        },
    )
    survey.refresh_from_db()
    assert survey.low and survey.assessment["emotions"]["anger"] >= 0.5
    assert Conversation.objects.get(pk=case.pk).status == "open"
    assert Notification.objects.get().kind == "survey.angry_comment"


def test_rate_limited_per_ip(client, org, settings, django_capture_on_commit_callbacks):
    settings.CALMDESK_SURVEY_RATE_LIMIT = 5
    _, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    path = _path(survey_url(survey))
    codes = [client.get(path).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]


def test_an_unreachable_cache_lets_the_customer_answer(
    client, org, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """Redis down: the survey still opens (the limit is skipped, and logged)."""
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "add", down)
    _, survey = _sent_survey(org, django_capture_on_commit_callbacks)
    assert client.get(_path(survey_url(survey))).status_code == 200
    assert "rate limit not checked" in caplog.text


def test_one_reminder_at_most(org, django_capture_on_commit_callbacks):
    from calmdesk.actions.surveys import send_reminders

    with time_machine.travel(MONDAY, tick=False) as t:
        _sent_survey(org, django_capture_on_commit_callbacks)
        assert send_reminders() == 0
        t.shift(timedelta(hours=73))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders() == 1
            assert send_reminders() == 0
        t.shift(timedelta(days=5))
        assert send_reminders() == 0
    assert [m.subject for m in mail.outbox] == [
        "How did we do?",
        "A quick reminder: how did we do?",
    ]


def test_unsubscribe_is_honoured_everywhere(client, org, django_capture_on_commit_callbacks):
    from calmdesk.actions.followup import plan_resolved, send_due_follow_ups
    from calmdesk.actions.surveys import send_reminders

    with time_machine.travel(MONDAY, tick=False) as t:
        case, survey = _sent_survey(org, django_capture_on_commit_callbacks)
        link = re.search(r"https?://\S+/follow-up/u/[\w-]+/", mail.outbox[0].body).group(0)
        assert (
            client.get(_path(link)).status_code == 200
        )  # a page with a button; GET changes nothing
        r = client.post(_path(link), {"List-Unsubscribe": "One-Click"})  # RFC 8058 one-click
        assert b"You are unsubscribed" in r.content
        assert do_send_survey(case.customer, "nps", conversation=case) is None  # no new surveys
        t.shift(timedelta(days=4))
        assert send_reminders() == 0  # no reminder
        plan_resolved()
        t.shift(timedelta(days=10))
        assert send_due_follow_ups() == 0  # no automatic follow-up
    assert len(mail.outbox) == 1
    assert Survey.objects.count() == 1
