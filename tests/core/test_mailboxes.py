"""The periodic mailbox job: every active mailbox polled into `receive`, its mark kept."""

from __future__ import annotations

from calmdesk.jobs import PERIODIC, poll_mailboxes
from calmdesk.models import Conversation, Event, Mailbox, Message
from tests.intake.fake_imap import FakeImapServer
from tests.intake.mail import build


def mail(n: int) -> bytes:
    return build(f"Hello, question number {n} about my order.", message_id=f"<m{n}@example.com>")


def test_poll_job_imports_mail_into_the_mailbox_team_and_keeps_the_mark(org):
    with FakeImapServer({3: mail(3), 8: mail(8)}) as server:
        box = Mailbox.objects.create(  # admin-created configuration, not app data
            name="support",
            team=org.billing,
            host="127.0.0.1",
            port=server.port,
            use_ssl=False,
            username=server.username,
            password=server.password,
        )
        assert poll_mailboxes() == 2
        box.refresh_from_db()
        assert (box.last_uid, box.last_error) == (8, "")
        assert box.uidvalidity == server.uidvalidity
        assert set(Conversation.objects.values_list("team__slug", flat=True)) == {"billing"}
        server.messages[9] = mail(9)
        assert poll_mailboxes() == 1  # only the new one
    assert Message.objects.count() == 3
    assert Event.objects.filter(kind="mailbox.polled").count() == 2
    assert "poll-mailboxes" in PERIODIC


def test_an_unreachable_mailbox_records_its_error_and_does_not_stop_the_others(org):
    with FakeImapServer({1: mail(1)}) as server:
        Mailbox.objects.create(
            name="broken",
            team=org.orders,
            host="127.0.0.1",
            port=1,
            use_ssl=False,
            username="x",
            password="y",
        )
        Mailbox.objects.create(
            name="good",
            team=org.orders,
            host="127.0.0.1",
            port=server.port,
            use_ssl=False,
            username=server.username,
            password=server.password,
        )
        assert poll_mailboxes() == 1
    broken = Mailbox.objects.get(name="broken")
    assert broken.last_error and broken.last_polled_at is not None
