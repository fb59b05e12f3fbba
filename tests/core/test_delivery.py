from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from calmdesk.actions import do_reply, receive
from calmdesk.actions.delivery import sign_webhook
from calmdesk.models import Conversation, Message
from tests.conftest import inbound


def test_email_reply_has_threading_headers_and_no_header_injection(
    org, django_capture_on_commit_callbacks
):
    r = receive(
        inbound(external_id="orig@example.com", subject="Lamp\r\nBcc: evil@example.com"),
        assess=False,
    )
    conv = Conversation.objects.get(pk=r.conversation_id)
    with django_capture_on_commit_callbacks(execute=True):
        reply = do_reply(org.alex, conv, "A new lamp ships today.")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["dana@example.com"]
    assert "\n" not in sent.subject and "\r" not in sent.subject
    assert conv.reference in sent.subject
    assert sent.extra_headers["In-Reply-To"] == "<orig@example.com>"
    assert sent.extra_headers["Message-ID"].endswith("@calmdesk.localhost>")
    reply.refresh_from_db()
    assert reply.delivery == "sent"
    # delivering again sends nothing more
    from calmdesk.actions import do_deliver_reply

    assert do_deliver_reply(reply.pk) == "sent"
    assert len(mail.outbox) == 1


class _Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_chat_reply_goes_to_signed_webhook(
    org, settings, hook_server, django_capture_on_commit_callbacks
):
    settings.CALMDESK_OUTGOING_WEBHOOK_URL = hook_server
    settings.CALMDESK_OUTGOING_WEBHOOK_SECRET = "shh"
    r = receive(inbound(channel="chat", thread_id="T9", external_id="c1"), assess=False)
    conv = Conversation.objects.get(pk=r.conversation_id)
    with django_capture_on_commit_callbacks(execute=True):
        do_reply(org.alex, conv, "Hi Dana, checking now.")
    assert len(_Hook.received) == 1
    headers, body = _Hook.received[0]
    payload = json.loads(body)
    assert payload["thread_id"] == "T9" and payload["body"] == "Hi Dana, checking now."
    sig = headers["X-Calmdesk-Signature"]
    t = int(sig.split(",")[0][2:])
    expected = hmac.new(b"shh", f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    assert sig == f"t={t},v1={expected}" == sign_webhook("shh", t, body)
    assert Message.objects.get(direction="out").delivery == "sent"


def test_failed_webhook_is_recorded_not_raised_in_process(
    org, settings, django_capture_on_commit_callbacks
):
    settings.CALMDESK_OUTGOING_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens"
    r = receive(inbound(channel="chat", thread_id="T", external_id="c1"), assess=False)
    conv = Conversation.objects.get(pk=r.conversation_id)
    with django_capture_on_commit_callbacks(execute=True):
        do_reply(org.alex, conv, "Hello")
    out = Message.objects.get(direction="out")
    assert out.delivery == "failed" and "webhook failed" in out.delivery_error


def test_without_webhook_non_email_replies_are_recorded(org, django_capture_on_commit_callbacks):
    r = receive(
        inbound(channel="sms", customer={"phone": "+447700900123"}, external_id="s1"), assess=False
    )
    conv = Conversation.objects.get(pk=r.conversation_id)
    with django_capture_on_commit_callbacks(execute=True):
        do_reply(org.alex, conv, "Hello")
    assert Message.objects.get(direction="out").delivery == "recorded"
