"""Who may open a page. Every desk view is wrapped in `agent_required`.

Anonymous visitors go to the login page; a signed-in user without an Agent
profile (e.g. a bare `createsuperuser`) gets 403; a role check that fails
gets 403. Conversations and customers outside the agent's teams are not
checked here: `calmdesk.access` makes them 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from calmdesk.access import agent_for
from calmdesk.models import Role

SUPERVISORS = (Role.LEAD, Role.MANAGER, Role.ADMIN)


def agent_required(view: Callable | None = None, *, roles: Iterable[str] | None = None) -> Callable:
    """Require a signed-in agent (optionally with one of `roles`); sets request.agent."""
    allowed = frozenset(roles) if roles is not None else None

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            agent = agent_for(request.user)
            if agent is None:
                raise PermissionDenied("This account has no agent profile.")
            if allowed is not None and agent.role not in allowed:
                raise PermissionDenied("Your role cannot open this page.")
            request.agent = agent
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
