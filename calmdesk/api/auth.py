"""Who is calling: an API token, or the logged-in browser session.

A request that sends an `Authorization` header is judged by its token alone
(a bad or revoked token is a 401, never a fall back to the session). Without
one, a logged-in session is accepted (CSRF checked by ninja on unsafe
methods); with neither, the answer is 401 — never a CSRF error, whatever
the method.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from calmdesk.access import agent_for
from calmdesk.actions import check_token

MISSING_CREDENTIALS = (
    "Authentication required: send `Authorization: Bearer <token>` "
    "(create a token with `calmdesk token NAME`)."
)
BAD_TOKEN = "Invalid or revoked API token."  # noqa: S105 (a message, not a secret)
BAD_SCHEME = "Unsupported Authorization header: use `Authorization: Bearer <token>`."


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cdk_…`: a token created with `calmdesk token NAME`."""

    def __call__(self, request: HttpRequest):
        value = request.headers.get(self.header, "")
        if not value:
            return None  # no token: the session may answer
        scheme, _, token = value.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError(message=BAD_SCHEME)
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        agent = check_token(token)
        if agent is None:
            raise AuthenticationError(message=BAD_TOKEN)
        request.agent = agent
        return agent


class BrowserSession(SessionAuth):
    """The logged-in web user (for Swagger UI and the app's own calls).

    Only a logged-in user goes on to ninja's CSRF check; an anonymous request
    is simply not authenticated (401), so a missing token is never reported
    as a CSRF failure."""

    def __call__(self, request: HttpRequest):
        if agent_for(getattr(request, "user", None)) is None:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        agent = agent_for(request.user)
        if agent is not None:
            request.agent = agent
        return agent


def unauthorized(request: HttpRequest, exc: AuthenticationError, api) -> HttpResponse:
    """401 with a message saying what to send, and a `WWW-Authenticate` header."""
    detail = exc.message if exc.message != AuthenticationError().message else MISSING_CREDENTIALS
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="calmdesk"'
    return response


AUTH = [TokenAuth(), BrowserSession()]
