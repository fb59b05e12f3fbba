"""parse_email and iter_mbox on email bytes the tests build."""

from __future__ import annotations

import hashlib
import mailbox
from datetime import UTC, datetime, timedelta, timezone

import pytest

from calmdesk.intake.email import count_mbox, iter_mbox, parse_email
from calmdesk.intake.types import Inbound, InboundError
from tests.intake.mail import build


def test_plain_email_fields():
    raw = build(
        "My package never arrived.",
        subject="=?utf-8?q?O=C3=B9_est_ma_commande=3F?= [#CD-12]",
        headers={
            "In-Reply-To": "<cd-7@calmdesk.test>",
            "References": "<cd-6@calmdesk.test> <cd-7@calmdesk.test>",
        },
    )
    inbound = parse_email(raw)
    assert inbound.channel == "email"
    assert inbound.external_id == "m1@mail.example.com"
    assert inbound.customer.name == "Jane Doe"
    assert inbound.customer.email == "jane.doe@example.com"
    assert inbound.subject == "Où est ma commande? [#CD-12]"
    assert inbound.sent_at == datetime(2024, 6, 3, 8, 0, tzinfo=UTC)
    assert inbound.sent_at.utcoffset() == timedelta(hours=2)
    assert inbound.in_reply_to == "cd-7@calmdesk.test"
    assert inbound.references == ("cd-6@calmdesk.test", "cd-7@calmdesk.test")
    assert inbound.body == "My package never arrived."
    assert inbound.body_html == ""
    assert inbound.auto_submitted is False
    assert inbound.raw_headers["Message-ID"] == "<m1@mail.example.com>"


def test_html_only_is_sanitized_and_turned_to_text():
    html = (
        "<html><head><title>Mail</title><style>p{color:red}</style></head><body>"
        "<p onclick='steal()'>Where is <b>my refund</b>?</p>"
        "<script>alert('x')</script>"
        '<p><a href="javascript:alert(1)">click</a> or <a href="https://shop.test/o/1">order</a>'
        '<img src="https://tracker.test/p.gif"></p>'
        "<ul><li>one</li><li>two &amp; three</li></ul></body></html>"
    )
    inbound = parse_email(build(None, html=html))
    assert "<script" not in inbound.body_html and "alert" not in inbound.body_html
    assert "javascript:" not in inbound.body_html
    assert "onclick" not in inbound.body_html and "<img" not in inbound.body_html
    assert "<style" not in inbound.body_html and "color:red" not in inbound.body_html
    assert (
        '<a href="https://shop.test/o/1" rel="noopener noreferrer">order</a>' in inbound.body_html
    )
    assert "<b>my refund</b>" in inbound.body_html
    assert inbound.body == "Where is my refund?\n\nclick or order\n\n- one\n- two & three"


def test_multipart_prefers_plain_text_keeps_html_and_ignores_attachments():
    raw = build(
        "Plain text version.",
        html="<p>HTML <i>version</i>.</p>",
        attachments=(("invoice.pdf", b"%PDF-1.4 \x00\xff binary"),),
    )
    inbound = parse_email(raw)
    assert inbound.body == "Plain text version."
    assert inbound.body_html == "<p>HTML <i>version</i>.</p>"


def test_attachment_only_email_is_kept_with_a_note():
    raw = build(None, subject="Invoice", attachments=(("invoice.pdf", b"%PDF"),))
    inbound = parse_email(raw)
    assert inbound.body == "Invoice\n\n[attachments not imported: invoice.pdf]"


def test_quoted_reply_is_stripped():
    body = (
        "Still nothing. This is the third time I write!\n"
        "\n"
        "On Mon, 3 Jun 2024 at 09:00, Shop Support <support@shop.test> wrote:\n"
        "> Hello Jane,\n"
        "> your parcel is on its way.\n"
        ">\n"
        "> > earlier quote\n"
    )
    assert parse_email(build(body)).body == "Still nothing. This is the third time I write!"


def test_gmail_html_quote_is_stripped():
    html = (
        "<div dir='ltr'>Still waiting.</div><br>"
        "<div class='gmail_quote'><div class='gmail_attr'>On Mon, Jun 3, 2024 at 9:00 AM "
        "Support &lt;support@shop.test&gt; wrote:<br></div>"
        "<blockquote class='gmail_quote'>Your parcel is on its way.</blockquote></div>"
    )
    inbound = parse_email(build(None, html=html))
    assert inbound.body == "Still waiting."
    assert "Your parcel is on its way." in inbound.body_html  # the HTML keeps the history


def test_signatures_are_stripped():
    body = "I want a refund now.\n\n-- \nJane Doe\nACME Corp\n+1 555 0100\n"
    assert parse_email(build(body)).body == "I want a refund now."
    body = "Cancel my account.\n\nSent from my iPhone\n"
    assert parse_email(build(body)).body == "Cancel my account."
    body = "The box was damaged.\n\nKind regards,\nJane Doe\nHead of Purchasing\n"
    assert parse_email(build(body)).body == "The box was damaged."


def test_outlook_quotes_are_stripped():
    body = (
        "No, that is not acceptable.\n\n"
        "-----Original Message-----\n"
        "From: Support <support@shop.test>\n"
        "Sent: Monday, June 3, 2024 9:00 AM\n"
        "To: Jane Doe\n"
        "Subject: RE: Order 1234\n\n"
        "We are sorry for the delay.\n"
    )
    assert parse_email(build(body)).body == "No, that is not acceptable."
    body = (
        "Please call me back.\n\n"
        "________________________________\n"
        "From: Support <support@shop.test>\n"
        "Sent: Monday, June 3, 2024 9:00 AM\n"
        "To: Jane Doe <jane@example.com>\n"
        "Subject: Order 1234\n\n"
        "Thank you for contacting us.\n"
    )
    assert parse_email(build(body)).body == "Please call me back."


def test_a_message_that_is_all_quote_keeps_its_text():
    body = "> I never got it\n> Please help\n"
    assert parse_email(build(body)).body == body.strip()


@pytest.mark.parametrize(
    ("headers", "auto"),
    [
        ({"Auto-Submitted": "auto-replied"}, True),
        ({"Auto-Submitted": "auto-generated; owner-email=x@y"}, True),
        ({"Auto-Submitted": "no"}, False),
        ({"Precedence": "bulk"}, True),
        ({"Precedence": "junk"}, True),
        ({"Precedence": "list"}, True),
        ({"Precedence": "first-class"}, False),
        ({"X-Autoreply": "yes"}, True),
        ({"X-Auto-Response-Suppress": "All"}, True),
        ({}, False),
    ],
)
def test_auto_reply_headers(headers, auto):
    assert parse_email(build("I am out of office.", headers=headers)).auto_submitted is auto


def test_bounce_is_auto_submitted():
    raw = build("Delivery failed.", sender="Mail Delivery System <MAILER-DAEMON@mx.test>")
    assert parse_email(raw).auto_submitted is True


def test_missing_message_id_gets_a_content_hash():
    raw = build("No id here.", message_id=None)
    inbound = parse_email(raw)
    assert inbound.external_id == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert parse_email(raw).external_id == inbound.external_id  # stable


def test_non_utf8_charsets():
    raw = (
        b"From: =?iso-8859-1?q?Ren=E9e_Dupr=E9?= <renee@example.fr>\r\n"
        b"Subject: =?iso-8859-1?q?Re=E7u_ab=EEm=E9?=\r\n"
        b"Message-ID: <latin@example.fr>\r\n"
        b"Date: Tue, 4 Jun 2024 12:00:00 -0000\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        b"Le colis est arriv\xe9 ab\xeem\xe9.\r\n"
    )
    inbound = parse_email(raw)
    assert inbound.customer.name == "Renée Dupré"
    assert inbound.subject == "Reçu abîmé"
    assert inbound.body == "Le colis est arrivé abîmé."
    assert inbound.sent_at == datetime(2024, 6, 4, 12, 0, tzinfo=UTC)  # -0000: UTC


def test_unknown_or_wrong_charset_falls_back():
    raw = (
        b"From: a@example.com\r\nMessage-ID: <x@y>\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
        b"caf\xc3\xa9 \xe9t\xe9\r\n"
    )
    body = parse_email(raw).body
    assert body.startswith("caf") and len(body) > 5  # decoded, not crashed


def test_windows_1252_declared_as_utf8_still_parses():
    raw = (
        b"From: b@example.com\r\nMessage-ID: <w@y>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"\x93Broken\x94 quotes\r\n"
    )
    assert "Broken" in parse_email(raw).body


def test_bad_date_gives_none():
    assert parse_email(build("x", date="not a date")).sent_at is None
    assert parse_email(build("x", date=None)).sent_at is None


def test_reply_to_replaces_a_noreply_sender():
    raw = build(
        "Contact form: my order is late.",
        sender="Shop website <no-reply@shop.test>",
        headers={"Reply-To": "Sam Customer <SAM@example.org>"},
    )
    customer = parse_email(raw).customer
    assert (customer.name, customer.email) == ("Sam Customer", "sam@example.org")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"\x00\x9f\x92\x96 garbage \xff\xfe\n\x01\x02", "not an email"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not an email"),
    ],
)
def test_garbage_gives_inbound_error(raw, message):
    with pytest.raises(InboundError, match=message):
        parse_email(raw)


def test_no_from_or_no_text_gives_inbound_error():
    with pytest.raises(InboundError, match="no From"):
        parse_email(build("hello", sender=""))
    with pytest.raises(InboundError, match="no text"):
        parse_email(b"From: a@example.com\r\nMessage-ID: <e@y>\r\n\r\n\r\n")


def test_iter_mbox_yields_messages_and_errors_in_order(tmp_path):
    path = tmp_path / "box.mbox"
    box = mailbox.mbox(path)
    box.add(build("First.", message_id="<a@x>"))
    box.add(b"Subject: no sender\r\n\r\nwho wrote this?\r\n")
    box.add(build("Third.", message_id="<c@x>", date="Wed, 05 Jun 2024 08:00:00 +0000"))
    box.flush()
    box.close()
    items = list(iter_mbox(path))
    assert [index for index, _ in items] == [1, 2, 3]
    assert isinstance(items[0][1], Inbound) and items[0][1].external_id == "a@x"
    assert isinstance(items[1][1], InboundError) and "no From" in str(items[1][1])
    assert items[2][1].sent_at == datetime(2024, 6, 5, 8, 0, tzinfo=timezone.utc)  # noqa: UP017
    assert count_mbox(path) == 3


def test_iter_mbox_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(iter_mbox(tmp_path / "nope.mbox"))
