"""Email intake: one RFC 5322 message (bytes) -> `Inbound`; mbox files.

Pure functions, no Django: `parse_email` and `iter_mbox` parse; the callers
(`calmdesk import-email`, `calmdesk.intake.imap`) hand each Inbound to
`calmdesk.actions.receive`. What is stripped from the text and which
headers mark an auto-reply is described in docs/intake.md.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import mailbox
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from pathlib import Path

from calmdesk.intake.email_html import html_to_text, sanitize_html
from calmdesk.intake.email_text import strip_reply
from calmdesk.intake.types import Inbound, InboundCustomer, InboundError, sent_at_problem

MAX_EXTERNAL_ID_CHARS = 255
MAX_REFERENCES = 50
MAX_HEADER_CHARS = 998
KEPT_HEADERS = (
    "Message-ID", "In-Reply-To", "From", "Reply-To", "To", "Cc", "Delivered-To", "Date",
    "Subject", "Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond",
    "X-Auto-Response-Suppress", "List-Id",
)  # fmt: skip
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_SPACES = re.compile(r"\s+")
_NOREPLY = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply)(\+[^@]*)?@", re.IGNORECASE)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)


def parse_email(raw: bytes) -> Inbound:
    """Parse one email into an Inbound on the "email" channel.

    Raises InboundError, with a message saying what is wrong, when the bytes
    are not an email or carry nothing to store. Attachments are skipped.
    """
    if not isinstance(raw, bytes | bytearray):
        raise InboundError("an email must be given as bytes")
    if not raw.strip():
        raise InboundError("the email is empty")
    try:
        return _parse(bytes(raw))
    except InboundError:
        raise
    except Exception as exc:  # the stdlib parser has odd failure modes on odd input
        raise InboundError(f"could not parse the email: {exc.__class__.__name__}: {exc}") from exc


def _parse(raw: bytes) -> Inbound:
    msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    if not msg.keys():
        raise InboundError("not an email: no header lines (From:, Date:, Subject:, …) found")
    customer = _customer(msg)
    subject = _SPACES.sub(" ", _header(msg, "Subject")).strip()
    plain, html, attachments = _text_parts(msg)
    text = plain if plain and plain.strip() else html_to_text(html or "")
    body = strip_reply(text) if text.strip() else ""
    if not body:
        if not (subject or attachments):
            raise InboundError("the email has no text (no text/plain or text/html content)")
        body = subject or "(no text)"
        if attachments:
            body += f"\n\n[attachments not imported: {', '.join(attachments)}]"
    message_id = _first_msg_id(_header(msg, "Message-ID"))
    inbound = Inbound(
        channel="email",
        body=body,
        customer=customer,
        external_id=_external_id(message_id, raw),
        subject=subject,
        sent_at=_sent_at(msg),
        body_html=sanitize_html(html) if html else "",
        in_reply_to=_first_msg_id(_header(msg, "In-Reply-To")),
        references=_msg_ids(_header(msg, "References"))[-MAX_REFERENCES:],
        auto_submitted=is_auto_submitted(msg),
        raw_headers=_kept_headers(msg),
    )
    inbound.validate()
    return inbound


def _header(msg: Message, name: str) -> str:
    """A header's decoded value ("" when absent); falls back to the raw text."""
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:  # a malformed header the policy cannot parse
        for key, raw_value in msg.raw_items():
            if key.lower() == name.lower():
                return str(raw_value)
        return ""


def _address(value: str) -> tuple[str, str]:
    name, addr = email.utils.parseaddr(value)
    addr = addr.strip().lower()
    if "@" not in addr:
        return (name or addr or value).strip().strip('"'), ""
    return name.strip().strip('"'), addr


def _customer(msg: Message) -> InboundCustomer:
    from_value = _header(msg, "From")
    if not from_value.strip():
        raise InboundError("the email has no From: header")
    name, addr = _address(from_value)
    # Web forms send "From: noreply@shop" with the customer in Reply-To.
    if not addr or _NOREPLY.match(addr):
        reply_name, reply_addr = _address(_header(msg, "Reply-To"))
        if reply_addr:
            name, addr = reply_name, reply_addr
    if not (name or addr):
        raise InboundError(f"the From: header has no name or address: {from_value[:100]!r}")
    return InboundCustomer(name=name, email=addr)


def _first_msg_id(value: str) -> str:
    ids = _msg_ids(value)
    return ids[0] if ids else ""


def _msg_ids(value: str) -> tuple[str, ...]:
    """Message-IDs in a header, without angle brackets."""
    found = _MSG_ID.findall(value)
    if not found:
        found = [token.strip("<>") for token in value.split() if "@" in token]
    return tuple(item for item in found if item)


def _external_id(message_id: str, raw: bytes) -> str:
    if message_id and len(message_id) <= MAX_EXTERNAL_ID_CHARS:
        return message_id
    source = message_id.encode() if message_id else raw
    return "sha256:" + hashlib.sha256(source).hexdigest()


def _sent_at(msg: Message) -> datetime | None:
    value = None
    try:
        header = msg.get("Date")
        value = getattr(header, "datetime", None)
    except Exception:
        value = None
    if value is None:
        try:
            value = email.utils.parsedate_to_datetime(_header(msg, "Date"))
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is None:  # "-0000": the time is UTC, the sender's zone unknown
        value = value.replace(tzinfo=UTC)
    if sent_at_problem(value):  # before 1970 or in the future: as unreadable
        return None
    return value


def _decode(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        return ""
    if isinstance(payload, str):
        return payload
    declared = part.get_content_charset() or "utf-8"
    for charset in (declared, "utf-8"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("cp1252", errors="replace")


def _leaves(part: Message) -> Iterator[tuple[Message, bool]]:
    """(leaf part, is_attachment), not descending into attached messages."""
    try:
        disposition = part.get_content_disposition()
        filename = part.get_filename()
    except Exception:
        disposition, filename = "attachment", None
    if disposition == "attachment" or (filename and not part.is_multipart()):
        yield part, True
    elif part.is_multipart():
        for sub in part.get_payload() or []:
            if isinstance(sub, Message):
                yield from _leaves(sub)
    else:
        yield part, False


def _text_parts(msg: Message) -> tuple[str | None, str | None, list[str]]:
    """(first text/plain, first text/html, attachment names) of a message."""
    plain: str | None = None
    html: str | None = None
    attachments: list[str] = []
    for part, is_attachment in _leaves(msg):
        ctype = part.get_content_type()
        if is_attachment:
            try:
                attachments.append(part.get_filename() or ctype)
            except Exception:
                attachments.append(ctype)
        elif ctype == "text/plain" and not (plain and plain.strip()):
            plain = _decode(part)
        elif ctype == "text/html" and html is None:
            html = _decode(part)
    return plain, html, attachments


def is_auto_submitted(msg: Message) -> bool:
    """True for auto-replies, bounces and bulk mail: stored, never answered."""
    auto = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if _header(msg, "Precedence").strip().lower() in ("bulk", "junk", "list"):
        return True
    if any(name in msg for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")):
        return True
    if msg.get_content_type() == "multipart/report":  # delivery status notifications
        return True
    _name, sender = _address(_header(msg, "From"))
    return bool(_BOUNCE_SENDER.match(sender))


def _kept_headers(msg: Message) -> dict[str, str]:
    kept = {}
    for name in KEPT_HEADERS:
        value = _header(msg, name)
        if value:
            kept[name] = value[:MAX_HEADER_CHARS]
    return kept


def count_mbox(path: str | Path) -> int:
    """Number of messages in an mbox file."""
    box = mailbox.mbox(str(path), create=False)
    try:
        return len(box)
    finally:
        box.close()


def iter_mbox(path: str | Path) -> Iterator[tuple[int, Inbound | InboundError]]:
    """Yield (message number from 1, Inbound or the InboundError) for an mbox file.

    A broken message is yielded as its error; iteration goes on.
    Raises FileNotFoundError when the file does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    box = mailbox.mbox(str(path), create=False)
    try:
        for index, key in enumerate(box.iterkeys(), start=1):
            try:
                raw = box.get_bytes(key)
            except Exception as exc:
                yield index, InboundError(f"could not read the message: {exc}")
                continue
            try:
                yield index, parse_email(raw)
            except InboundError as exc:
                yield index, exc
    finally:
        box.close()
