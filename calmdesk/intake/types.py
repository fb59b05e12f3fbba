"""What every channel adapter produces: one `Inbound` message, channel-agnostic.

Adapters (API, email, file import, reviews, feeds) parse their input into
Inbound values and hand them to `calmdesk.actions.receive`, which is
idempotent on (channel, external_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CHANNELS = ("email", "chat", "sms", "review", "social", "api")
MAX_BODY_CHARS = 1_000_000


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

    def validate(self) -> None:
        if self.channel not in CHANNELS:
            raise InboundError(
                f"unknown channel {self.channel!r}; expected one of {', '.join(CHANNELS)}"
            )
        if not isinstance(self.body, str) or not self.body.strip():
            raise InboundError("body is empty")
        if len(self.body) > MAX_BODY_CHARS:
            raise InboundError(f"body is over {MAX_BODY_CHARS:,} characters")
        c = self.customer
        if not (c.email or c.phone or c.handle or c.review_name or c.name):
            raise InboundError("customer needs at least one of name, email, phone, handle")
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise InboundError(f"rating {self.rating} is not between 1 and 5")
        if self.sent_at is not None and self.sent_at.tzinfo is None:
            raise InboundError("sent_at must include a time zone")
