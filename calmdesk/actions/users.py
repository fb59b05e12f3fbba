"""Creating users, agents and API tokens; checking tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
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
    """Create a Django user and its agent.

    Raises ValidationError (every problem found, one message each) for an
    unknown role, a bad or taken user name, a bad email address, or a
    password the configured AUTH_PASSWORD_VALIDATORS refuse. With no
    password the user cannot log in until one is set.
    """
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    User = get_user_model()
    _check_new_user(User, username, email, password)
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


def _check_new_user(User, username: str, email: str, password: str | None) -> None:
    errors: list[str] = []
    if not username:
        errors.append("A user name is required.")
    else:
        try:
            User.username_validator(username)
            User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
        except ValidationError as exc:
            errors.append(f"Invalid user name {username!r}: {' '.join(exc.messages)}")
        else:
            if User.objects.filter(username=username).exists():
                errors.append(f"A user named {username!r} already exists.")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.append(f"Invalid email address {email!r}.")
    if password is not None:
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as exc:
            errors.extend(f"Password refused: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_token(agent: Agent, name: str = "") -> str:
    """Create an API token; returns the raw token, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(agent=agent, name=name, prefix=raw[:12], digest=_digest(raw))
    log_event(EventKind.TOKEN_CREATED, actor=agent, after={"prefix": raw[:12], "name": name})
    return raw


@transaction.atomic
def do_revoke_token(actor: Agent | None, token: ApiToken) -> bool:
    """Revoke an API token: from now on it answers 401.

    Idempotent: a token already revoked keeps its first revoked_at and logs
    nothing again. Returns True when this call revoked it.
    """
    now = timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    if not changed:
        return False
    log_event(
        EventKind.TOKEN_REVOKED,
        actor=actor,
        after={"prefix": token.prefix, "name": token.name, "agent": token.agent_id},
    )
    return True


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
