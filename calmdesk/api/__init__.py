"""The REST API (django-ninja), mounted at /api/v1/. Routers are thin: they call actions.

Every error it answers is JSON in the shapes of calmdesk/api/errors.py,
including unknown paths (404) and wrong methods (405)."""

from __future__ import annotations

from functools import partial

from django.urls import re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from calmdesk.api.auth import AUTH, unauthorized
from calmdesk.api.conversations import router as read_router
from calmdesk.api.errors import JsonParser, field_errors, http_error, json_not_allowed, not_found
from calmdesk.api.escalation import router as escalation_router
from calmdesk.api.followup import router as followup_router
from calmdesk.api.messages import router as messages_router
from calmdesk.api.playbook import router as playbook_router
from calmdesk.api.reputation import router as reputation_router


class CalmdeskAPI(NinjaAPI):
    """NinjaAPI with the error shapes of docs/api.md "Errors"."""

    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        """`{"loc": ["body", "reply"], "msg"}`: without the name of the view's
        body parameter ("payload") and without pydantic's type/ctx."""
        errors: list[dict] = []
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            single = getattr(model, "__read_from_single_attr__", None)
            flat = model.__ninja_flatten_map_reverse__
            raw = []
            for e in context.pydantic_validation_error.errors(include_url=False):
                loc = flat.get(e["loc"], e["loc"])
                if single and loc[:1] == (single,):
                    loc = loc[1:]
                raw.append({"loc": loc, "msg": e["msg"]})
            errors.extend(field_errors(raw, prefix=(source,)))
        return ValidationError(errors)

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if hasattr(pattern, "callback"):
                pattern.callback = json_not_allowed(pattern.callback)
        return [*urls, re_path(r"^.*$", not_found, name="not-found")]


api = CalmdeskAPI(
    title="Calmdesk API",
    version="1",
    description="Take in customer messages from any channel; read conversations and assessments.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    parser=JsonParser(),
)
api.add_exception_handler(AuthenticationError, partial(unauthorized, api=api))
api.add_exception_handler(HttpError, partial(http_error, api=api))
api.add_router("/", messages_router)
api.add_router("/", read_router)
api.add_router("/", playbook_router)
api.add_router("/", reputation_router)
api.add_router("/", followup_router)
api.add_router("/", escalation_router)
