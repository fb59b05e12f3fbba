"""What every channel adapter produces: one `Inbound` message, channel-agnostic.

Adapters (API, email, file import, reviews, feeds) parse their input into
Inbound values and hand them to `calmdesk.actions.receive`, which is
idempotent on (channel, external_id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

CHANNELS = ("email", "chat", "sms", "review", "social", "api")
MAX_BODY_CHARS = 1_000_000
# The earliest `sent_at` taken in: older times are export mistakes (a zero
# date, a year typed as 0001), and times near year 1 or 9999 cannot even be
# turned into UTC.
EARLIEST_SENT_AT = datetime(1970, 1, 1, tzinfo=UTC)
# How far in the future a message's `sent_at` may be (the sender's clock
# running ahead of ours); a later time would sort the message first and show
# it as just arrived for as long as it stays future. The API uses the same
# limit (calmdesk.api.schemas imports it under the same name).
MAX_CLOCK_SKEW = timedelta(minutes=5)
# C0 control characters other than tab, line feed and carriage return, and
# DEL: invisible, and PostgreSQL refuses NUL in a text column.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """The text without control characters (tab and line breaks are kept)."""
    return _CONTROL.sub("", text) if isinstance(text, str) else text


def sent_at_problem(value: datetime, name: str = "sent_at") -> str:
    """Why `value` cannot be a message's time, or "" when it can.

    Aware times only (validate() says so first). Compared, not converted, so
    a time that has no UTC value (year 1 east of UTC) is answered, not raised.
    """
    if value < EARLIEST_SENT_AT:
        return f"{name} {value.isoformat()} is before 1970"
    if value > datetime.now(UTC) + MAX_CLOCK_SKEW:
        minutes = int(MAX_CLOCK_SKEW.total_seconds() // 60)
        return (
            f"{name} {value.isoformat()} is in the future "
            f"(more than {minutes} minutes ahead of the server's clock)"
        )
    return ""


def url_problem(url: str) -> str:
    """Why `url` is not a link to a page, or "" when it is one (or empty)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        ok = False
    return "" if ok else f"url {url!r} is not an http(s) address"


class InboundError(ValueError):
    """A message that cannot be taken in; the text says what is wrong."""


@dataclass(frozen=True)
class InboundCustomer:
    name: str = ""
    email: str = ""
    phone: str = ""
    handle: str = ""  # social handle, e.g. "@jane" or "twitter:@jane"
    review_name: str = ""  # the name shown on a review site


@dataclass(frozen=True)
class Inbound:
    channel: str
    body: str
    customer: InboundCustomer
    external_id: str = ""
    subject: str = ""
    sent_at: datetime | None = None
    thread_id: str = ""
    location: str = ""  # Location slug or name
    team: str = ""  # Team slug; default: the location's team, else the default team
    body_html: str = ""  # sanitized HTML (nh3) when the source had HTML
    # Email threading: our own Message-IDs the customer replied to.
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    rating: int | None = None  # reviews: 1..5
    url: str = ""
    auto_submitted: bool = False  # auto-replies and bulk mail: store, never answer
    raw_headers: dict[str, str] = field(default_factory=dict)

    def normalized(self) -> Inbound:
        """This message with control characters stripped from every text field
        (`receive` stores this form): the message is kept, never refused for them."""
        c = self.customer
        return replace(
            self,
            body=strip_controls(self.body),
            customer=replace(
                c,
                name=strip_controls(c.name),
                email=strip_controls(c.email),
                phone=strip_controls(c.phone),
                handle=strip_controls(c.handle),
                review_name=strip_controls(c.review_name),
            ),
            external_id=strip_controls(self.external_id),
            subject=strip_controls(self.subject),
            thread_id=strip_controls(self.thread_id),
            location=strip_controls(self.location),
            team=strip_controls(self.team),
            body_html=strip_controls(self.body_html),
            in_reply_to=strip_controls(self.in_reply_to),
            references=tuple(strip_controls(r) for r in self.references),
            url=strip_controls(self.url),
            raw_headers={strip_controls(k): strip_controls(v) for k, v in self.raw_headers.items()},
        )

    def validate(self) -> None:
        if self.channel not in CHANNELS:
            raise InboundError(
                f"unknown channel {self.channel!r}; expected one of {', '.join(CHANNELS)}"
            )
        if not isinstance(self.body, str) or not strip_controls(self.body).strip():
            raise InboundError("body is empty")
        if len(self.body) > MAX_BODY_CHARS:
            raise InboundError(f"body is over {MAX_BODY_CHARS:,} characters")
        c = self.customer
        if not (c.email or c.phone or c.handle or c.review_name or c.name):
            raise InboundError("customer needs at least one of name, email, phone, handle")
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise InboundError(f"rating {self.rating} is not between 1 and 5")
        if self.sent_at is not None:
            if self.sent_at.tzinfo is None:
                raise InboundError("sent_at must include a time zone")
            if problem := sent_at_problem(self.sent_at):
                raise InboundError(problem)
        if problem := url_problem(self.url):
            raise InboundError(problem)
