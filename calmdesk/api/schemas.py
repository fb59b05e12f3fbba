from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field, field_validator

from calmdesk.intake.types import MAX_BODY_CHARS

ChannelName = Literal["email", "chat", "sms", "review", "social", "api"]

# How far in the future a message's `sent_at` may be (the sender's clock
# running ahead of ours); later is a 422, as a future time would sort the
# message first and show it as just arrived for as long as it stays future.
MAX_CLOCK_SKEW = timedelta(minutes=5)


class CustomerIn(Schema):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=320)
    phone: str = Field("", max_length=40)
    handle: str = Field("", max_length=200)


class MessageIn(Schema):
    channel: ChannelName
    external_id: str = Field("", max_length=300)
    customer: CustomerIn
    subject: str = Field("", max_length=300)
    body: str = Field(..., min_length=1, max_length=MAX_BODY_CHARS)
    sent_at: datetime | None = None
    thread_id: str = Field("", max_length=300)
    location: str = Field("", max_length=100)
    team: str = Field("", max_length=100)
    rating: int | None = Field(None, ge=1, le=5)
    url: str = Field("", max_length=2000)

    @field_validator("sent_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("sent_at must include a time zone, e.g. 2026-11-23T09:30:00Z")
        if value is not None and value > timezone.now() + MAX_CLOCK_SKEW:
            minutes = int(MAX_CLOCK_SKEW.total_seconds() // 60)
            raise ValueError(
                f"sent_at {value.isoformat()} is in the future "
                f"(more than {minutes} minutes ahead of the server's clock)"
            )
        return value


class MessageCreated(Schema):
    message_id: int
    conversation_id: int
    customer_id: int
    created: bool


class BatchCreated(Schema):
    results: list[MessageCreated]
    created: int
    repeated: int


class ErrorOut(Schema):
    detail: Any


class IdentityOut(Schema):
    kind: str
    value: str


class CustomerOut(Schema):
    id: int
    name: str
    vip: bool
    identities: list[IdentityOut]
    created_at: datetime


class MessageOut(Schema):
    id: int
    direction: str
    channel: str
    author: str | None
    body: str
    external_id: str
    sent_at: datetime
    difficulty: int | None
    level: str
    assessment: dict | None
    delivery: str


class ConversationOut(Schema):
    id: int
    channel: str
    status: str
    team: str
    assignee: str | None
    customer_id: int
    customer_name: str
    location: str | None
    subject: str
    difficulty: int
    peak_difficulty: int
    level: str
    top_reason: str
    awaiting_reply: bool
    created_at: datetime
    last_inbound_at: datetime | None
    last_outbound_at: datetime | None


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]
