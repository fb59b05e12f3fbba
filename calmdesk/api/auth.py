from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from calmdesk.access import agent_for
from calmdesk.actions import check_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cdk_…`: a token created with `calmdesk token NAME`."""

    def authenticate(self, request, token):
        agent = check_token(token)
        if agent is not None:
            request.agent = agent
        return agent


def session_auth(request):
    """The logged-in web user (for the app's own htmx calls); CSRF is checked by ninja."""
    user = django_auth(request)
    agent = agent_for(user) if user else None
    if agent is not None:
        request.agent = agent
    return agent


AUTH = [TokenAuth(), session_auth]
