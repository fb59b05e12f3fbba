"""`calmdesk insights digest`: counts only the emails sent and fails when any was not."""

import pytest
from django.core import mail

from calmdesk import actions
from calmdesk.cli import main
from tests.insights.helpers import talk


@pytest.mark.django_db(transaction=True)  # the digest goes out on commit
def test_digest_reports_failed_addresses_and_exits_1(org, capsys, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.core.mail.backends.locmem import EmailBackend

    users = get_user_model().objects
    users.filter(username="morgan").update(email="morgan@example.com")
    users.filter(username="root").update(email="root@example.com")
    talk(body="My parcel never arrived!", days_ago=1)
    actions.do_categorize()
    real = EmailBackend.send_messages

    def refuse_root(self, messages):
        if any("root@example.com" in m.to for m in messages):
            raise OSError("connection refused")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_root)
    assert main(["insights", "digest", "--force"]) == 1
    out, err = capsys.readouterr()
    assert "Digest sent to 1 managers." in out
    assert "could not be sent to 1 (root@example.com)" in err
    assert [m.to for m in mail.outbox] == [["morgan@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_a_week_whose_digest_reached_nobody_is_tried_again(org, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.core.mail.backends.locmem import EmailBackend

    from calmdesk.actions.insights import InsightsEvent
    from calmdesk.models import Event

    get_user_model().objects.filter(username="morgan").update(email="morgan@example.com")
    talk(body="My parcel never arrived!", days_ago=1)
    actions.do_categorize()
    real = EmailBackend.send_messages

    def down(self, messages):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    assert actions.do_send_digest() == 0
    assert Event.objects.filter(kind=InsightsEvent.DIGEST_FAILED).count() == 1
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    assert actions.do_send_digest() >= 1  # the same week, tried again
    assert mail.outbox and actions.do_send_digest() == 0  # and then only once
