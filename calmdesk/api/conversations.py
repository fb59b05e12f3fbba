"""Read endpoints: conversations (with messages and assessments) and customers."""

from collections.abc import Callable

from django.db.models import Prefetch, QuerySet
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from calmdesk.access import (
    access_conversation,
    access_customer,
    visible_conversations,
    visible_customers,
)
from calmdesk.api.schemas import (
    DB_INT_MAX,
    ConversationDetail,
    ConversationOut,
    CustomerOut,
    DbInt,
)
from calmdesk.models import Identity, Message, Team
from calmdesk.models.choices import Channel, Level, Status

router = Router(tags=["read"])

DEFAULT_LIMIT = 100
MAX_LIMIT = 200  # a larger `limit` is a 422 (docs/api.md), not silently clamped
MAX_OFFSET = DB_INT_MAX - MAX_LIMIT  # offset + limit must still be a database integer


class Pagination(LimitOffsetPagination):
    """`limit` (1..MAX_LIMIT, default DEFAULT_LIMIT) and `offset`."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class _Page:
    """A queryset seen through `out`: the paginator counts and slices the
    queryset in SQL, and only the rows of the page are turned into dicts."""

    def __init__(self, qs: QuerySet, out: Callable) -> None:
        self.qs, self.out = qs, out

    def all(self) -> "_Page":
        return self

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, page: slice) -> list[dict]:
        return [self.out(row) for row in self.qs[page]]


class ConversationFilters(Schema):
    status: Status | None = None
    level: Level | None = None
    channel: Channel | None = None
    team: str | None = None
    customer_id: DbInt | None = None
    awaiting_reply: bool | None = None


def _conversation_out(c) -> dict:
    return {
        "id": c.pk,
        "channel": c.channel,
        "status": c.status,
        "team": c.team.slug,
        "assignee": c.assignee.name if c.assignee else None,
        "customer_id": c.customer_id,
        "customer_name": c.customer.name,
        "location": c.location.slug if c.location else None,
        "subject": c.subject,
        "difficulty": c.difficulty,
        "peak_difficulty": c.peak_difficulty,
        "level": c.level,
        "top_reason": c.top_reason,
        "awaiting_reply": c.awaiting_reply,
        "created_at": c.created_at,
        "last_inbound_at": c.last_inbound_at,
        "last_outbound_at": c.last_outbound_at,
    }


@router.get("/conversations", response=list[ConversationOut])
@paginate(Pagination)
def list_conversations(request, filters: Query[ConversationFilters]):
    """Conversations visible to the caller, hardest first. Filters combine;
    an unknown status, level, channel or team is a 422."""
    if filters.team and not Team.objects.filter(slug=filters.team).exists():
        raise ValidationError([{"loc": ["query", "team"], "msg": f"unknown team {filters.team!r}"}])
    qs = visible_conversations(request.agent).select_related(
        "team", "customer", "assignee__user", "location"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.team:
        qs = qs.filter(team__slug=filters.team)
    if filters.customer_id:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.awaiting_reply is not None:
        qs = qs.filter(awaiting_reply=filters.awaiting_reply)
    return _Page(qs.order_by("-difficulty", "last_inbound_at", "id"), _conversation_out)


@router.get("/conversations/{conversation_id}", response=ConversationDetail)
def get_conversation(request, conversation_id: DbInt):
    """One conversation with its messages and their assessments (404 if not yours to see)."""
    c = access_conversation(request.agent, conversation_id)
    messages = c.messages.select_related("author__user").order_by("sent_at", "id")
    out = _conversation_out(c)
    out["messages"] = [
        {
            "id": m.pk,
            "direction": m.direction,
            "channel": m.channel,
            "author": m.author.name if m.author else None,
            "body": m.body,
            "external_id": m.external_id,
            "sent_at": m.sent_at,
            "difficulty": m.difficulty,
            "level": m.level,
            "assessment": m.assessment,
            "delivery": m.delivery,
        }
        for m in messages
    ]
    return out


class CustomerFilters(Schema):
    q: str | None = None


def _customer_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "vip": c.vip,
        "identities": [{"kind": i.kind, "value": i.value} for i in c.identities.all()],
        "created_at": c.created_at,
    }


@router.get("/customers", response=list[CustomerOut])
@paginate(Pagination)
def list_customers(request, filters: Query[CustomerFilters]):
    qs = visible_customers(request.agent).prefetch_related(
        Prefetch("identities", queryset=Identity.objects.order_by("kind", "value"))
    )
    if filters.q:
        qs = qs.filter(name__icontains=filters.q) | qs.filter(
            identities__value__icontains=filters.q.lower()
        )
    return _Page(qs.distinct().order_by("id"), _customer_out)


@router.get("/customers/{customer_id}", response=CustomerOut)
def get_customer(request, customer_id: DbInt):
    return _customer_out(access_customer(request.agent, customer_id))


__all__ = ["router", "Message"]
