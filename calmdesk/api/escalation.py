"""SLA, escalation, hand-overs, the promise ledger and compensation over the API.

Thin: every write is an action; every conversation is fetched through
calmdesk.access (a foreign id is a 404).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Respond
from ninja.errors import HttpError
from pydantic import Field

from calmdesk import actions
from calmdesk.access import access_conversation, visible_conversations
from calmdesk.actions.handoff import draft_brief
from calmdesk.api.schemas import ApiTime, DbInt
from calmdesk.models import Agent, Commitment, Compensation, EscalationLevel, Handoff, Status
from calmdesk.playbook.sla import time_left

router = Router(tags=["escalation"])


class SlaOut(Schema):
    conversation_id: int
    sla_state: str
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    sla_due_at: datetime | None
    time_left: str
    priority: int
    escalation_level: str
    escalation_reason: str
    held_until: datetime | None


class EscalateIn(Schema):
    level: str = Field("lead", pattern="^(lead|manager)$")
    reason: str = Field(..., min_length=1, max_length=300)


class CommitmentIn(Schema):
    text: str = Field(..., min_length=1, max_length=500)
    due_at: ApiTime


class CommitmentOut(Schema):
    id: int
    text: str
    due_at: datetime
    state: str
    source: str
    owner: str | None


class CompensationIn(Schema):
    kind: str
    amount: Decimal = Field(..., ge=0, le=1_000_000)
    note: str = Field("", max_length=500)


class DecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=500)


class CompensationOut(Schema):
    id: int
    kind: str
    amount: Decimal
    currency: str
    state: str
    required_role: str
    approval_reason: str
    decision_reason: str


class HandoffIn(Schema):
    to_agent_id: DbInt
    reason: str = Field("", max_length=300)
    brief: str = Field("", max_length=20_000)
    send_continuity: bool = True


class HandoffOut(Schema):
    id: int
    conversation_id: int
    state: str
    to_agent_id: int | None
    brief_text: str


def _fail(exc: Exception):
    if isinstance(exc, PermissionDenied):
        raise HttpError(403, str(exc)) from None
    raise HttpError(422, " ".join(getattr(exc, "messages", [str(exc)]))) from None


def _sla(c) -> dict:
    return {
        "conversation_id": c.pk,
        "sla_state": c.sla_state,
        "response_due_at": c.response_due_at,
        "resolution_due_at": c.resolution_due_at,
        "sla_due_at": c.sla_due_at,
        "time_left": time_left(c.sla_due_at, timezone.now()),
        "priority": c.priority,
        "escalation_level": c.escalation_level,
        "escalation_reason": c.escalation_reason,
        "held_until": c.held_until,
    }


@router.get("/escalations", response=list[SlaOut], summary="Open escalated conversations")
def list_escalations(request):
    qs = visible_conversations(request.agent).filter(status__in=[Status.OPEN, Status.PENDING])
    qs = qs.exclude(escalation_level=EscalationLevel.NONE).order_by(
        "-escalation_level", "escalated_at"
    )
    return [_sla(c) for c in qs[:500]]


@router.get("/conversations/{conversation_id}/sla", response=SlaOut, summary="SLA and escalation")
def get_sla(request, conversation_id: DbInt):
    return _sla(access_conversation(request.agent, conversation_id))


@router.post("/conversations/{conversation_id}/escalate", response=SlaOut)
def post_escalate(request, conversation_id: DbInt, payload: EscalateIn):
    c = access_conversation(request.agent, conversation_id)
    if payload.level == "manager" and request.agent.role == "agent":
        raise HttpError(403, "Agents escalate to a lead; a lead escalates to a manager.")
    actions.do_escalate(c, payload.level, payload.reason, actor=request.agent)
    return _sla(c)


@router.get("/conversations/{conversation_id}/brief", summary="The drafted hand-over brief")
def get_brief(request, conversation_id: DbInt) -> dict:
    return draft_brief(access_conversation(request.agent, conversation_id)).to_dict()


def _commitment(r: Commitment) -> dict:
    return {
        "id": r.pk,
        "text": r.text,
        "due_at": r.due_at,
        "state": r.state,
        "source": r.source,
        "owner": r.owner.name if r.owner else None,
    }


@router.get("/conversations/{conversation_id}/commitments", response=list[CommitmentOut])
def list_commitments(request, conversation_id: DbInt):
    c = access_conversation(request.agent, conversation_id)
    return [_commitment(r) for r in c.commitments.select_related("owner__user")]


@router.post("/conversations/{conversation_id}/commitments", response={201: CommitmentOut})
def post_commitment(request, conversation_id: DbInt, payload: CommitmentIn):
    c = access_conversation(request.agent, conversation_id)
    try:
        row = actions.do_add_commitment(request.agent, c, payload.text, payload.due_at)
    except ValidationError as exc:
        _fail(exc)
    return Respond(201, _commitment(row))


def _comp(r: Compensation) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "amount": r.amount,
        "currency": r.currency,
        "state": r.state,
        "required_role": r.required_role,
        "approval_reason": r.approval_reason,
        "decision_reason": r.decision_reason,
    }


@router.post("/conversations/{conversation_id}/compensations", response={201: CompensationOut})
def post_compensation(request, conversation_id: DbInt, payload: CompensationIn):
    c = access_conversation(request.agent, conversation_id)
    try:
        row = actions.do_propose_compensation(
            request.agent, c, payload.kind, payload.amount, payload.note
        )
    except ValidationError as exc:
        _fail(exc)
    return Respond(201, _comp(row))


@router.post("/compensations/{compensation_id}/decision", response=CompensationOut)
def post_decision(request, compensation_id: DbInt, payload: DecisionIn):
    row = get_object_or_404(Compensation, pk=compensation_id)
    access_conversation(request.agent, row.conversation_id)
    try:
        row = actions.do_decide_compensation(request.agent, row, payload.approve, payload.reason)
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)
    return _comp(row)


def _handoff(h: Handoff) -> dict:
    return {
        "id": h.pk,
        "conversation_id": h.conversation_id,
        "state": h.state,
        "to_agent_id": h.to_agent_id,
        "brief_text": h.brief_text,
    }


@router.post("/conversations/{conversation_id}/handoffs", response={201: HandoffOut})
def post_handoff(request, conversation_id: DbInt, payload: HandoffIn):
    c = access_conversation(request.agent, conversation_id)
    to = Agent.objects.filter(pk=payload.to_agent_id, user__is_active=True).first()
    if to is None:
        raise HttpError(404, "No such agent.")
    try:
        h = actions.do_request_handoff(
            request.agent,
            c,
            to_agent=to,
            brief_text=payload.brief,
            reason=payload.reason,
            send_continuity=payload.send_continuity,
        )
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)
    return Respond(201, _handoff(h))


@router.post("/handoffs/{handoff_id}/acknowledge", response=HandoffOut)
def post_acknowledge(request, handoff_id: DbInt):
    h = get_object_or_404(Handoff, pk=handoff_id)
    if h.to_agent_id != request.agent.pk:
        access_conversation(request.agent, h.conversation_id)
    try:
        h = actions.do_acknowledge_handoff(request.agent, h)
    except (ValidationError, PermissionDenied) as exc:
        _fail(exc)
    return _handoff(h)
