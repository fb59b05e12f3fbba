from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from calmdesk.intake.types import EARLIEST_SENT_AT, MAX_BODY_CHARS, sent_at_problem
from calmdesk.intake.types import MAX_CLOCK_SKEW as MAX_CLOCK_SKEW  # the API's too (docs/api.md)

ChannelName = Literal["email", "chat", "sms", "review", "social", "api"]

# The times the API takes in (sent_at, occurred_at, due_at…): aware, and
# from 1970 up to (not including) the year 9000. Outside that, a time is a
# typing or export mistake, and one near year 1 or 9999 has no UTC value at
# all (storing it would fail). Compared, never converted, so such a time is
# answered with a 422, not raised.
EARLIEST_TIME = EARLIEST_SENT_AT
LATEST_TIME = datetime(9000, 1, 1, tzinfo=UTC)

# The largest id or count the database stores (a signed 64-bit integer); a
# larger one in a path, query or body is a 422, not a database overflow.
DB_INT_MAX = 2**63 - 1


def time_problem(value: datetime, name: str) -> str:
    """Why `value` cannot be stored as the time `name`, or "" when it can."""
    if value.tzinfo is None or value.utcoffset() is None:
        return f"{name} must include a time zone, e.g. 2026-11-23T09:30:00Z"
    if not EARLIEST_TIME <= value < LATEST_TIME:
        return f"{name} {value.isoformat()} is outside the range taken in (between 1970 and 9000)"
    return ""


def _check_time(value: datetime, info: ValidationInfo) -> datetime:
    problem = time_problem(value, info.field_name or "the time")
    if problem:
        raise ValueError(problem)
    return value


ApiTime = Annotated[datetime, AfterValidator(_check_time)]
"""A datetime field of a request: aware, between 1970 and 9000 (else a 422 naming it)."""

DbInt = Annotated[int, Field(ge=0, le=DB_INT_MAX)]
"""An id or offset: 0..2**63-1 (else a 422 naming it)."""


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
    sent_at: ApiTime | None = None
    thread_id: str = Field("", max_length=300)
    location: str = Field("", max_length=100)
    team: str = Field("", max_length=100)
    rating: int | None = Field(None, ge=1, le=5)
    url: str = Field("", max_length=2000)

    @field_validator("sent_at")
    @classmethod
    def _not_future(cls, value: datetime | None) -> datetime | None:
        # the same rule as every other channel (ApiTime has refused < 1970 already)
        if value is not None and (problem := sent_at_problem(value)):
            raise ValueError(problem)
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
