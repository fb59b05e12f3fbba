"""Build email bytes for the intake tests."""

from __future__ import annotations

from email.message import EmailMessage

SENT = "Mon, 03 Jun 2024 10:00:00 +0200"


def build(
    body: str | None = "Hello, my order has not arrived.",
    *,
    html: str | None = None,
    subject: str = "Order 1234",
    sender: str = '"Jane Doe" <Jane.Doe@Example.COM>',
    message_id: str | None = "<m1@mail.example.com>",
    date: str | None = SENT,
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, bytes], ...] = (),
) -> bytes:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "support@shop.test"
    msg["Subject"] = subject
    if date:
        msg["Date"] = date
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    for filename, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return msg.as_bytes()
