"""Customers' later behaviour and recovery outcomes.

POST /api/v1/customers/{id}/events records a purchase, renewal, cancellation
or refund from the business's own systems (idempotent on external_id); the
recovery figures read it. GET /api/v1/customers/{id}/recovery returns the
outcome of each of the customer's difficult cases.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from calmdesk.access import access_customer
from calmdesk.actions.followup import do_record_customer_event
from calmdesk.api.schemas import ApiTime, DbInt
from calmdesk.insights.recovery import difficult_cases, outcomes
from calmdesk.models import CustomerEventKind

router = Router(tags=["follow-up"])


class CustomerEventIn(Schema):
    kind: str = Field(description="purchase, renewal, cancellation, refund or other")
    occurred_at: ApiTime = Field(description="When it happened, with a time zone")
    external_id: str = Field(
        "", max_length=200, description="Your id for it: posting it again adds nothing"
    )
    value: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    currency: str = Field("", max_length=3)
    data: dict = Field(default_factory=dict)


class CustomerEventOut(Schema):
    id: int
    customer_id: int
    kind: str
    occurred_at: datetime
    external_id: str
    created: bool


class CaseOut(Schema):
    conversation_id: int
    resolved_at: datetime
    outcome: str
    decided_by: str
    remedies: list[str]


@router.post(
    "/customers/{customer_id}/events", response={200: CustomerEventOut, 201: CustomerEventOut}
)
def post_customer_event(request, customer_id: DbInt, payload: CustomerEventIn):
    customer = access_customer(request.agent, customer_id)
    if payload.kind not in CustomerEventKind.values:
        raise HttpError(
            422,
            f"unknown kind {payload.kind!r}; expected one of {', '.join(CustomerEventKind.values)}",
        )
    try:
        event, created = do_record_customer_event(
            customer,
            payload.kind,
            payload.occurred_at,
            external_id=payload.external_id,
            value=payload.value,
            currency=payload.currency,
            data=payload.data,
        )
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    if event.customer_id != customer.pk:
        raise HttpError(409, "that external_id was already recorded for another customer")
    body = CustomerEventOut(
        id=event.pk,
        customer_id=event.customer_id,
        kind=event.kind,
        occurred_at=event.occurred_at,
        external_id=event.external_id,
        created=created,
    )
    return Status(201 if created else 200, body)


@router.get("/customers/{customer_id}/recovery", response=list[CaseOut])
def customer_recovery(request, customer_id: DbInt):
    customer = access_customer(request.agent, customer_id)
    return [
        CaseOut(
            conversation_id=c.conversation_id,
            resolved_at=c.resolved_at,
            outcome=c.outcome,
            decided_by=f"{c.decided_by.source}: {c.decided_by.detail}" if c.decided_by else "",
            remedies=c.remedies,
        )
        for c in outcomes(difficult_cases(customer_id=customer.pk))
    ]
