"""The REST API (django-ninja), mounted at /api/v1/. Routers are thin: they call actions."""

from __future__ import annotations

from functools import partial

from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from calmdesk.api.auth import AUTH, unauthorized
from calmdesk.api.conversations import router as read_router
from calmdesk.api.escalation import router as escalation_router
from calmdesk.api.followup import router as followup_router
from calmdesk.api.messages import router as messages_router
from calmdesk.api.playbook import router as playbook_router
from calmdesk.api.reputation import router as reputation_router

api = NinjaAPI(
    title="Calmdesk API",
    version="1",
    description="Take in customer messages from any channel; read conversations and assessments.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_exception_handler(AuthenticationError, partial(unauthorized, api=api))
api.add_router("/", messages_router)
api.add_router("/", read_router)
api.add_router("/", playbook_router)
api.add_router("/", reputation_router)
api.add_router("/", followup_router)
api.add_router("/", escalation_router)
