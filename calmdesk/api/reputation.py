"""Review and mention webhooks: POST /api/v1/reputation/reviews and /mentions.

For review platforms and middleware (Zapier, n8n, a platform's own
webhooks). Authenticated by a webhook source's key (header
`X-Calmdesk-Source-Key`, created with `calmdesk reputation webhook-source`)
or an API token. The body is one review object or a list of up to 500, in
the generic shape or a platform's (`?format=google|trustpilot|yelp`);
column names as in docs/reputation.md. Deduplicated on (platform, review
id): a repeat answers 200, an edit is recorded as a revision, and
`"status": "deleted"` (or `"event": "review.deleted"`) records a removal.
"""

from __future__ import annotations

from django.db import transaction
from ninja import Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyHeader

from calmdesk.actions.reputation import check_source_key, do_ingest_review
from calmdesk.api.auth import AUTH
from calmdesk.api.errors import parse_json_body
from calmdesk.intake.reviews import FORMATS, ReviewRecord, parse_review
from calmdesk.intake.types import InboundError

MAX_ITEMS = 500
RESPONSES = {200: dict, 201: dict, 400: dict, 413: dict, 422: dict}
BAD_SOURCE_KEY = (
    "Invalid or revoked X-Calmdesk-Source-Key: check the key printed by "
    "`calmdesk reputation webhook-source` (or send an API token instead of the key)."
)


class SourceKeyAuth(APIKeyHeader):
    """`X-Calmdesk-Source-Key: cdr_…`: the key of one webhook source."""

    param_name = "X-Calmdesk-Source-Key"

    def authenticate(self, request, key):
        if not key:
            return None  # no key: an API token or the session may answer
        source = check_source_key(key)
        if source is None:  # a key was sent: it alone decides, as a token does
            raise AuthenticationError(message=BAD_SOURCE_KEY)
        request.review_source = source
        return source


router = Router(tags=["reputation"], auth=[SourceKeyAuth(), *AUTH])


def _items(request) -> tuple[list, bool]:
    payload = parse_json_body(request.body)
    batch = isinstance(payload, list)
    items = payload if batch else [payload]
    if not items:
        raise HttpError(422, "The list is empty.")
    if len(items) > MAX_ITEMS:
        raise HttpError(413, f"At most {MAX_ITEMS} items per request.")
    return items, batch


def _ingest(request, kind: str, fmt: str):
    if fmt not in FORMATS:
        raise HttpError(422, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    source = getattr(request, "review_source", None)
    items, batch = _items(request)
    records: list[ReviewRecord] = []
    for index, item in enumerate(items):
        loc = ["body", index] if batch else ["body"]
        if not isinstance(item, dict):
            return Status(422, {"detail": [{"loc": loc, "msg": "expected a JSON object"}]})
        event = str(item.get("event", "")).lower()
        if event.endswith(("deleted", "removed")):
            item = {**item, "status": "deleted"}
        try:
            # refuses a date outside 1970..now (intake.types.sent_at_problem)
            record = parse_review(
                item,
                fmt,
                default_location=source.location.slug if source and source.location else "",
                platform=source.platform if source and source.platform != "generic" else "",
                kind=kind,
            )
        except InboundError as exc:
            return Status(422, {"detail": [{"loc": loc, "msg": str(exc)}]})
        records.append(record)
    results = []
    try:
        with transaction.atomic():
            for record in records:
                results.append(do_ingest_review(record, source=source))
    except InboundError as exc:  # e.g. an unknown location: nothing of the batch is kept
        loc = ["body", len(results)] if batch else ["body"]
        return Status(422, {"detail": [{"loc": loc, "msg": str(exc)}]})
    out = [
        {"review_id": r.review_id, "conversation_id": r.conversation_id, "outcome": r.outcome}
        for r in results
    ]
    created = sum(r.created for r in results)
    status = 201 if created else 200
    return Status(status, {"results": out, "created": created} if batch else out[0])


@router.post(
    "/reputation/reviews",
    response=RESPONSES,
    summary="Take in reviews from a platform or middleware",
)
def post_reviews(request, format: str = "generic"):  # noqa: A002 (the query parameter's name)
    """One review object or a list; see docs/reputation.md for the fields."""
    return _ingest(request, "review", format)


@router.post("/reputation/mentions", response=RESPONSES, summary="Take in social or web mentions")
def post_mentions(request, format: str = "generic"):  # noqa: A002
    """One mention object or a list: text, author/handle, url, date, location, id."""
    return _ingest(request, "mention", format)
