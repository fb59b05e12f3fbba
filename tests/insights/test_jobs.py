"""The weekly digest, the periodic jobs and the `calmdesk causes` / `insights` commands."""

import pytest
from django.core import mail

from calmdesk import actions
from tests.insights.helpers import talk


@pytest.mark.django_db
def test_digest_goes_to_managers_once_a_week(org, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="morgan").update(email="morgan@example.com")
    talk(body="My parcel never arrived!", days_ago=1)
    actions.do_categorize()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_send_digest() == 1
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["morgan@example.com"] and "weekly insights" in msg.subject
    assert "Delivery" in msg.body and "Broken promises" in msg.body and "Spikes" in msg.body
    assert msg.alternatives and "<table" in msg.alternatives[0][0]
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_send_digest() == 0  # this week's went out already
    assert len(mail.outbox) == 1


def test_jobs_are_scheduled():
    from calmdesk.jobs import PERIODIC

    for name in (
        "insights-categorize",
        "insights-review-replies",
        "insights-weekly",
        "insights-digest",
    ):
        assert name in PERIODIC


@pytest.mark.django_db
def test_weekly_job_tolerates_too_few_labels(org, settings, tmp_path):
    from calmdesk.jobs.insights import weekly

    settings.CALMDESK_CAUSE_MODEL_PATH = str(tmp_path / "m.joblib")
    settings.CALMDESK_CAUSE_FEATURES = "tfidf"
    talk(body="My parcel never arrived!")
    assert weekly() == {"proposed": 0}


@pytest.mark.django_db
def test_cli_commands(org, capsys, settings, tmp_path):
    from calmdesk.cli import main

    settings.CALMDESK_CAUSE_MODEL_PATH = str(tmp_path / "m.joblib")
    talk(body="My parcel never arrived!")
    assert main(["causes", "categorize"]) == 0
    assert "Categorized 1 conversations" in capsys.readouterr().out
    assert main(["causes", "classify", "I was charged twice on my card"]) == 0
    assert "cause: billing_payment (by rule)" in capsys.readouterr().out
    assert main(["causes", "list"]) == 0
    assert "Delivery" in capsys.readouterr().out
    assert main(["causes", "train", "--features", "tfidf"]) == 1  # too few labels: a one-line error
    assert main(["insights", "review-replies"]) == 0
    assert main(["causes", "discover", "--features", "tfidf"]) == 0
