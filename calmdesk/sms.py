"""Sending SMS through any HTTP provider; a Twilio-compatible request by default.

The request is a POST to CALMDESK_SMS_URL with basic auth
(CALMDESK_SMS_USER / CALMDESK_SMS_PASSWORD) and a body built from
CALMDESK_SMS_BODY_TEMPLATE, whose $to, $sender and $body are escaped for
CALMDESK_SMS_CONTENT_TYPE (form-encoded or JSON). Examples:

    Twilio (default)  To=$to&From=$sender&Body=$body
    JSON providers    {"to": $to, "from": $sender, "text": $body}   (values become JSON strings)

A stable idempotency key goes in CALMDESK_SMS_IDEMPOTENCY_HEADER, so a
provider that honours it never sends a retried message twice. Network
errors, 429 and 5xx answers are temporary (`SmsError(retry=True)`); other
4xx answers are permanent.
"""

from __future__ import annotations

import base64
import json
import string
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings


class SmsError(Exception):
    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    status: int


def sms_enabled() -> bool:
    return bool(settings.CALMDESK_SMS_URL)


def build_request(to: str, body: str, key: str = "") -> urllib.request.Request:
    content_type = settings.CALMDESK_SMS_CONTENT_TYPE
    is_json = "json" in content_type
    values = {"to": to, "sender": settings.CALMDESK_SMS_FROM, "body": body}
    quote = json.dumps if is_json else urllib.parse.quote_plus
    try:
        data = string.Template(settings.CALMDESK_SMS_BODY_TEMPLATE).substitute(
            {k: quote(v) for k, v in values.items()}
        )
    except (KeyError, ValueError) as exc:
        raise SmsError(f"CALMDESK_SMS_BODY_TEMPLATE is not usable: {exc}", retry=False) from None
    headers = {"Content-Type": content_type, "User-Agent": "Calmdesk", "Accept": "application/json"}
    if settings.CALMDESK_SMS_USER or settings.CALMDESK_SMS_PASSWORD:
        pair = f"{settings.CALMDESK_SMS_USER}:{settings.CALMDESK_SMS_PASSWORD}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    if key and settings.CALMDESK_SMS_IDEMPOTENCY_HEADER:
        headers[settings.CALMDESK_SMS_IDEMPOTENCY_HEADER] = key
    return urllib.request.Request(  # noqa: S310 (the URL is an admin setting)
        settings.CALMDESK_SMS_URL, data=data.encode(), headers=headers, method="POST"
    )


def send_sms(to: str, body: str, *, key: str = "", timeout: float = 15.0) -> SmsResult:
    """Send one SMS; returns the provider's message id. Raises SmsError."""
    if not sms_enabled():
        raise SmsError("SMS is not configured (CALMDESK_SMS_URL is empty)", retry=False)
    request = build_request(to, body, key)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode(errors="replace")
        retry = exc.code == 429 or exc.code >= 500
        raise SmsError(f"SMS provider answered {exc.code}: {detail}", retry=retry) from None
    except (urllib.error.URLError, OSError) as exc:
        raise SmsError(f"SMS provider unreachable: {exc}") from None
    if not 200 <= status < 300:
        raise SmsError(f"SMS provider answered {status}", retry=status >= 500)
    return SmsResult(_provider_id(raw), status)


def _provider_id(raw: bytes) -> str:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return ""
    if isinstance(data, dict):
        for field in ("sid", "id", "message_id", "messageId"):
            if data.get(field):
                return str(data[field])[:200]
    return ""
