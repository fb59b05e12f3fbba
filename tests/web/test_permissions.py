"""Every page × every kind of user, with the answer each must get.

The URL list comes from calmdesk.web.urls itself: a new page without a rule
here fails `test_every_url_has_a_rule` (and its matrix rows fail too).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, reverse

from calmdesk.actions import notify
from calmdesk.web import urls as web_urls
from tests.web.conftest import make_conversation

PERSONAS = ("anonymous", "agent_a", "agent_b", "lead", "manager", "admin")
LOGIN = "login"  # a redirect to the login page
OK = 200
MOVED = 302  # done, then redirected back (forms) or away (login page when signed in)
FORBIDDEN = 403
MISSING = 404


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _names(p.url_patterns, prefix)
        elif isinstance(p, URLPattern):
            yield p.name


URL_NAMES = list(_names(web_urls.urlpatterns))


def row(anonymous, agent_a, agent_b, lead, manager, admin):
    return dict(zip(PERSONAS, (anonymous, agent_a, agent_b, lead, manager, admin), strict=True))


# name: (method, which object's id goes in the URL, POST data, expected per persona)
# agent_a is on Orders (the conversation's team), agent_b on Billing only.
TEAM_PAGE = row(LOGIN, OK, MISSING, OK, OK, OK)
TEAM_FORM = row(LOGIN, MOVED, MISSING, MOVED, MOVED, MOVED)
RULES = {
    "login": ("get", None, None, row(OK, MOVED, MOVED, MOVED, MOVED, MOVED)),
    "logout": ("post", None, None, row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    "password_change": ("get", None, None, row(LOGIN, OK, OK, OK, OK, OK)),
    "inbox": ("get", None, None, row(LOGIN, OK, OK, OK, OK, OK)),
    "conversation": ("get", "conversation", None, TEAM_PAGE),
    "conversation_timeline": ("get", "conversation", None, TEAM_PAGE),
    "conversation_reply": ("post", "conversation", {"body": "We are on it."}, TEAM_FORM),
    "conversation_note": ("post", "conversation", {"body": "Called the courier."}, TEAM_FORM),
    "conversation_assign": ("post", "conversation", {"assignee": "me"}, TEAM_FORM),
    "conversation_status": ("post", "conversation", {"status": "pending"}, TEAM_FORM),
    # The playbook in the conversation page (issue 5).
    "conversation_playbook": ("get", "conversation", None, TEAM_PAGE),
    "conversation_draft": ("get", "conversation", None, TEAM_PAGE),
    "conversation_coach": ("post", "conversation", {"body": "Sorry, Dana."}, TEAM_PAGE),
    "conversation_step": ("post", "conversation", {"step": "3"}, TEAM_FORM),
    "policy": ("get", None, None, row(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "customer": ("get", "customer", None, TEAM_PAGE),
    "customer_merge": (
        "post",
        "customer",
        {"other": "dana.other@example.com"},
        row(LOGIN, FORBIDDEN, FORBIDDEN, MOVED, MOVED, MOVED),
    ),
    "manager": ("get", None, None, row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK)),
    # Each agent's own notifications; the one in the URL is agent_a's.
    "notifications": ("get", None, None, row(LOGIN, OK, OK, OK, OK, OK)),
    "notifications_read": ("post", None, None, row(LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED)),
    "notification_open": (
        "post",
        "notification",
        None,
        row(LOGIN, MOVED, MISSING, MISSING, MISSING, MISSING),
    ),
}


def test_every_url_has_a_rule():
    missing = sorted(set(URL_NAMES) - set(RULES))
    stale = sorted(set(RULES) - set(URL_NAMES))
    assert not missing, f"calmdesk.web.urls has patterns without a permission rule: {missing}"
    assert not stale, f"rules for patterns that no longer exist: {stale}"
    assert all(URL_NAMES), "every pattern in calmdesk.web.urls needs a name"


def _user(org, persona):
    return {
        "agent_a": org.alex,
        "agent_b": org.sam,
        "lead": org.lee,
        "manager": org.morgan,
        "admin": org.root,
    }.get(persona)


def _outcome(response) -> object:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", URL_NAMES)
def test_permission_matrix(client, org, name, persona):
    assert name in RULES, f"no permission rule for the URL named {name!r}"
    method, target, data, expected = RULES[name]
    conversation = make_conversation(team="orders", level="hostile", difficulty=90)
    # A second record of the same person in the same team, for the merge form.
    make_conversation(team="orders", name="Dana W.", email="dana.other@example.com")
    [alert] = notify([org.alex], "escalation", "Escalated", conversation=conversation)
    ids = {
        "conversation": conversation.pk,
        "customer": conversation.customer_id,
        "notification": alert.pk,
    }
    url = reverse(name, args=[ids[target]] if target else [])
    agent = _user(org, persona)
    if agent is not None:
        client.force_login(agent.user)
    response = getattr(client, method)(url, data or {})
    assert _outcome(response) == expected[persona], (
        f"{method.upper()} {url} as {persona}: got {response.status_code} "
        f"{response.get('Location', '')}, expected {expected[persona]}"
    )


def test_foreign_ids_do_not_leak(client, org):
    """A conversation of another team and one that does not exist look the same."""
    billing = make_conversation(team="billing", name="Ruth", email="ruth@example.com")
    client.force_login(org.alex.user)
    foreign = client.get(reverse("conversation", args=[billing.pk]))
    absent = client.get(reverse("conversation", args=[billing.pk + 1000]))
    assert foreign.status_code == absent.status_code == 404
    assert foreign.content == absent.content
    assert b"Ruth" not in foreign.content


def test_user_without_agent_profile_is_refused(client, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("plain", password="pw-plain-123")
    client.force_login(user)
    assert client.get(reverse("inbox")).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("agent_a", 302), ("lead", 302), ("manager", 302), ("admin", 200)],
)
def test_django_admin_is_for_admins(client, org, persona, status):
    agent = _user(org, persona)
    if agent is not None:
        client.force_login(agent.user)
    assert client.get("/admin/").status_code == status
