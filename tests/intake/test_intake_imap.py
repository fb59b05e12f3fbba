"""IMAP polling against a real socket server on 127.0.0.1 (tests/intake/fake_imap.py)."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest

from calmdesk.intake.imap import MailboxError, PollResult, poll, poll_mailbox
from calmdesk.intake.types import InboundError
from tests.intake.fake_imap import FakeImapServer
from tests.intake.mail import build


class Recorder:
    """A stand-in for calmdesk.actions.receive."""

    def __init__(self, fail: dict[str, Exception] | None = None, known: set[str] = frozenset()):
        self.received = []
        self.fail = fail or {}
        self.known = set(known)

    def __call__(self, inbound):
        if inbound.external_id in self.fail:
            raise self.fail[inbound.external_id]
        self.received.append(inbound)
        return SimpleNamespace(created=inbound.external_id not in self.known)


def mail(n: int, **kwargs) -> bytes:
    return build(f"Message number {n}.", message_id=f"<m{n}@example.com>", **kwargs)


def config(server: FakeImapServer, **extra):
    return {
        "host": "127.0.0.1",
        "port": server.port,
        "username": server.username,
        "password": server.password,
        "ssl": False,
        "timeout": 5,
        **extra,
    }


def test_poll_imports_unseen_mail_marks_it_seen_and_reports_broken_ones():
    messages = {
        3: mail(3),
        5: b"\x00\x01 not an email \xff",
        9: mail(9, headers={"Precedence": "bulk"}),
    }
    receive = Recorder()
    with FakeImapServer(messages) as server:
        result = poll(config(server), receive=receive)
        assert [m.external_id for m in receive.received] == ["m3@example.com", "m9@example.com"]
        assert server.seen == {3, 9}  # the broken one stays unseen for a human to look at
        assert any("BODY.PEEK[]" in c for c in server.commands)
        assert any("UID SEARCH UNSEEN" in c for c in server.commands)
    assert result == PollResult(
        high_water_uid=9,
        uidvalidity=7,
        fetched=3,
        imported=2,
        auto_submitted=1,
        broken=1,
        errors=[result.errors[0]],
    )
    assert result.errors[0].startswith("UID 5: not an email")


def test_next_poll_continues_from_the_high_water_mark():
    receive = Recorder()
    with FakeImapServer({3: mail(3), 9: mail(9)}) as server:
        first = poll(config(server), receive=receive)
        again = poll(config(server, last_uid=first.high_water_uid, uidvalidity=7), receive=receive)
        assert again.high_water_uid == 9 and again.fetched == 0  # "UID 10:*" matched UID 9 only
        server.messages[12] = mail(12)
        server.seen.add(12)  # read by someone in a mail client: still imported
        third = poll(config(server, since_uid=9, uidvalidity=7), receive=receive)
    assert third.high_water_uid == 12 and third.imported == 1
    assert [m.external_id for m in receive.received][-1] == "m12@example.com"


def test_a_failing_store_holds_the_mark_but_not_the_others():
    receive = Recorder(fail={"m5@example.com": RuntimeError("database is locked")})
    with FakeImapServer({3: mail(3), 5: mail(5), 9: mail(9)}) as server:
        result = poll(config(server), receive=receive)
        assert server.seen == {3, 9}
    assert result.high_water_uid == 3  # UID 5 is tried again next time
    assert (result.imported, result.failed, result.broken) == (2, 1, 0)
    assert result.errors == ["UID 5: RuntimeError: database is locked"]


def test_rejected_by_receive_counts_as_broken_and_is_not_retried():
    receive = Recorder(fail={"m5@example.com": InboundError("unknown team 'x'")})
    with FakeImapServer({5: mail(5), 6: mail(6)}) as server:
        result = poll(config(server), receive=receive)
        assert server.seen == {6}
    assert result.high_water_uid == 6 and result.broken == 1
    assert result.errors == ["UID 5: unknown team 'x'"]


def test_fetch_failure_and_duplicates():
    receive = Recorder(known={"m4@example.com"})
    with FakeImapServer({4: mail(4), 7: mail(7)}) as server:
        server.failing_fetch.add(7)
        result = poll(config(server), receive=receive)
        assert server.seen == {4}  # a duplicate is stored already: mark it seen
    assert (result.duplicates, result.imported, result.failed) == (1, 0, 1)
    assert result.high_water_uid == 4


def test_team_and_limit():
    receive = Recorder()
    with FakeImapServer({1: mail(1), 2: mail(2), 3: mail(3)}) as server:
        result = poll(config(server, team="billing", limit=2), receive=receive)
    assert result.high_water_uid == 2
    assert [m.team for m in receive.received] == ["billing", "billing"]


def test_uidvalidity_change_starts_again_from_unseen():
    receive = Recorder()
    with FakeImapServer({1: mail(1), 2: mail(2)}, uidvalidity=99) as server:
        server.seen.add(1)
        result = poll(config(server, since_uid=500, uidvalidity=7), receive=receive)
    assert result.uidvalidity == 99 and result.high_water_uid == 2
    assert [m.external_id for m in receive.received] == ["m2@example.com"]


def test_login_and_folder_errors():
    with FakeImapServer({}) as server:
        with pytest.raises(MailboxError, match="IMAP login failed"):
            poll(config(server, password="wrong"), receive=Recorder())
        with pytest.raises(MailboxError, match="cannot open IMAP folder 'Support Inbox'"):
            poll(config(server, folder="Support Inbox"), receive=Recorder())
        assert 'SELECT "Support Inbox"' in " ".join(server.commands)
    with pytest.raises(MailboxError, match="missing host, password"):
        poll({"username": "x"})


def test_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the poll
    with pytest.raises(MailboxError, match="cannot connect"):
        poll_mailbox("127.0.0.1", port, "u", "p", ssl=False, timeout=2, receive=Recorder())


@pytest.mark.django_db
def test_poll_into_the_real_receive():
    from calmdesk.models import Message

    first = mail(1)
    reply = build(
        "Any news?",
        message_id="<m2@example.com>",
        headers={"In-Reply-To": "<m1@example.com>", "References": "<m1@example.com>"},
    )
    with FakeImapServer({1: first, 2: reply}) as server:
        result = poll(config(server))
        again = poll(config(server, since_uid=0))  # everything again: nothing new
    assert (result.imported, again.duplicates, again.imported) == (2, 2, 0)
    messages = list(Message.objects.order_by("id"))
    assert [m.external_id for m in messages] == ["m1@example.com", "m2@example.com"]
    assert messages[0].conversation_id == messages[1].conversation_id
