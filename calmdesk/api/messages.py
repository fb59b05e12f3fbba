"""POST /api/v1/messages: take in one message or a list of up to 1,000."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from ninja import Router, Status
from ninja.errors import HttpError
from pydantic import TypeAdapter, ValidationError

from calmdesk.actions import receive
from calmdesk.api.errors import field_errors, parse_json_body
from calmdesk.api.schemas import BatchCreated, ErrorOut, MessageCreated, MessageIn
from calmdesk.intake.types import Inbound, InboundCustomer, InboundError
from calmdesk.jobs import queue_assessment
from calmdesk.models import Agent, Conversation, Location, Message, Team

router = Router(tags=["intake"])

_ONE = TypeAdapter(MessageIn)
_MANY = TypeAdapter(list[MessageIn])


def _inbound(item: MessageIn, external_id: str) -> Inbound:
    c = item.customer
    return Inbound(
        channel=item.channel,
        body=item.body,
        customer=InboundCustomer(name=c.name, email=c.email, phone=c.phone, handle=c.handle),
        external_id=external_id,
        subject=item.subject,
        sent_at=item.sent_at,
        thread_id=item.thread_id,
        location=item.location,
        team=item.team,
        rating=item.rating,
        url=item.url,
    )


def _check_refs(inbounds: list[Inbound], batch: bool, agent: Agent) -> tuple[int, dict] | None:
    """Before writing anything: every location and team named exists (else 422),
    and an agent's or lead's token names only its own teams (else 403), be it
    by `team` or by a `location` that belongs to a team. Managers and admins
    may post into any team; a message naming neither goes to the default team."""
    locations = {i.location for i in inbounds if i.location}
    teams = {i.team for i in inbounds if i.team}
    location_team: dict[str, str | None] = {}
    for slug, name, team_slug in Location.objects.filter(
        Q(slug__in=locations) | Q(name__in=locations)
    ).values_list("slug", "name", "team__slug"):
        location_team[slug] = location_team[name] = team_slug
    known_teams = set(Team.objects.filter(slug__in=teams).values_list("slug", flat=True))
    own_teams = None if agent.sees_all_teams else {t.slug for t in agent.teams.all()}
    for index, inbound in enumerate(inbounds):
        loc = ["body", index] if batch else ["body"]
        if inbound.location and inbound.location not in location_team:
            return 422, {"loc": [*loc, "location"], "msg": f"unknown location {inbound.location!r}"}
        if inbound.team and inbound.team not in known_teams:
            return 422, {"loc": [*loc, "team"], "msg": f"unknown team {inbound.team!r}"}
        field, team = ("team", inbound.team) if inbound.team else ("location", None)
        if team is None and inbound.location:
            team = location_team[inbound.location]
        if own_teams is not None and team and team not in own_teams:
            return 403, {
                "loc": [*loc, field],
                "msg": f"you may not post into team {team!r}: you are not on it "
                "(only managers and admins may post into any team)",
            }
    return None


class _OtherTeam(Exception):
    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def _own_conversations(agent: Agent, results: list) -> None:
    """Inside the batch's transaction: an agent's or lead's messages must all be
    in their own teams' conversations, wherever threading put them (a
    thread_id or a reply can point at another team's conversation, and a
    repeat delivery answers with one) or, naming no team, whichever team
    they landed in (the default team). Raises _OtherTeam, which rolls back."""
    if agent.sees_all_teams or not results:
        return
    ids = {r.conversation_id for r in results}
    foreign = dict(
        Conversation.objects.filter(pk__in=ids)
        .exclude(team__in=agent.teams.all())
        .values_list("pk", "team__slug")
    )
    if not foreign:
        return
    # A foreign conversation with a message from before this request was
    # joined; one holding only this request's new messages was opened here,
    # in the team chosen for a message that names none (the default team).
    new_ids = [r.message_id for r in results if r.created]
    joined = set(
        Message.objects.filter(conversation_id__in=foreign)
        .exclude(pk__in=new_ids)
        .values_list("conversation_id", flat=True)
    )
    for index, r in enumerate(results):
        team = foreign.get(r.conversation_id)
        if team is None:
            continue
        if r.conversation_id in joined:
            text = (
                f"this message would join a conversation of team {team!r}, a team you are "
                "not on (by its thread_id, email threading or the customer's open "
                "conversation); only managers and admins may post into any team"
            )
        else:
            text = (
                f"this message names no team, so it would go to the default team {team!r}, "
                "which you are not on: name one of your teams with `team` "
                "(only managers and admins may post into any team)"
            )
        raise _OtherTeam(index, text)


@router.post(
    "/messages",
    response={
        200: MessageCreated | BatchCreated,
        201: MessageCreated | BatchCreated,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
    },
    summary="Take in one customer message, or a list of up to 1,000",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/MessageIn"},
                            {"type": "array", "items": {"$ref": "#/components/schemas/MessageIn"}},
                        ]
                    }
                }
            },
        }
    },
)
def post_messages(request):
    """Idempotent on (channel, external_id). Without an external_id, the
    `Idempotency-Key` header stands in for it (with the item's index in a
    list). A new message answers 201; a repeat answers 200 with the ids of
    the first delivery, never a second row. Every item of a list is
    validated before anything is written."""
    payload = parse_json_body(request.body)
    batch = isinstance(payload, list)
    try:
        items = _MANY.validate_python(payload) if batch else [_ONE.validate_python(payload)]
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return Status(422, {"detail": field_errors(errors)})
    if batch and not items:
        raise HttpError(422, "The list is empty.")
    if len(items) > settings.CALMDESK_API_MAX_BATCH:
        return Status(
            413, {"detail": f"At most {settings.CALMDESK_API_MAX_BATCH} messages per request."}
        )
    key = request.headers.get("Idempotency-Key", "").strip()[:200]
    inbounds = []
    for index, item in enumerate(items):
        external_id = item.external_id or (f"idem:{request.agent.pk}:{key}:{index}" if key else "")
        inbound = _inbound(item, external_id)
        try:
            inbound.validate()
        except InboundError as exc:
            loc = ["body", index] if batch else ["body"]
            return Status(422, {"detail": [{"loc": loc, "msg": str(exc)}]})
        inbounds.append(inbound)
    problem = _check_refs(inbounds, batch, request.agent)
    if problem:
        return Status(problem[0], {"detail": [problem[1]]})
    results = []
    try:
        # One transaction for the batch (each message still its own savepoint):
        # one commit instead of one per message.
        with transaction.atomic():
            for inbound in inbounds:
                results.append(receive(inbound, assess=False))
            _own_conversations(request.agent, results)
    except InboundError as exc:  # found while storing: the whole batch was rolled back
        loc = ["body", len(results)] if batch else ["body"]
        return Status(422, {"detail": [{"loc": loc, "msg": str(exc)}]})
    except _OtherTeam as exc:  # likewise rolled back
        loc = ["body", exc.index] if batch else ["body"]
        return Status(403, {"detail": [{"loc": loc, "msg": str(exc)}]})
    new_ids = [r.message_id for r in results if r.created]
    if new_ids:
        transaction.on_commit(lambda: queue_assessment(new_ids))
    created = sum(r.created for r in results)
    status = 201 if created else 200
    out = [MessageCreated(**r.__dict__) for r in results]
    if batch:
        return Status(
            status, BatchCreated(results=out, created=created, repeated=len(out) - created)
        )
    return Status(status, out[0])
