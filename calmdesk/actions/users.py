"""Creating users, agents and API tokens; checking tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.models import Agent, ApiToken, Role, Team

TOKEN_PREFIX = "cdk_"  # noqa: S105 (a public prefix)


@transaction.atomic
def do_create_user(
    username: str,
    role: str,
    *,
    teams: list[Team] = (),
    password: str | None = None,
    email: str = "",
    display_name: str = "",
    actor: Agent | None = None,
) -> Agent:
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"A user named {username!r} already exists.")
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    agent = Agent.objects.create(user=user, role=role, display_name=display_name)
    agent.teams.set(teams)
    log_event(
        EventKind.USER_CREATED,
        actor=actor,
        after={"user": username, "role": role, "teams": [t.slug for t in teams]},
    )
    return agent


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_token(agent: Agent, name: str = "") -> str:
    """Create an API token; returns the raw token, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(agent=agent, name=name, prefix=raw[:12], digest=_digest(raw))
    log_event(EventKind.TOKEN_CREATED, actor=agent, after={"prefix": raw[:12], "name": name})
    return raw


def check_token(raw: str) -> Agent | None:
    """The agent a raw token belongs to, or None (unknown, revoked, inactive)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("agent__user")
        .filter(digest=_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.agent.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.agent
