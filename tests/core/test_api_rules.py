"""The API's guards: 401 for every unauthenticated method, posting only into
one's own teams, no far-future sent_at, capped pages and validated filters."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from calmdesk.actions import do_create_token, do_revoke_token, receive
from calmdesk.api.auth import BAD_TOKEN, MISSING_CREDENTIALS
from calmdesk.api.conversations import MAX_LIMIT
from calmdesk.models import ApiToken, Conversation, Location, Message
from tests.conftest import inbound

ENDPOINTS = [
    ("post", "/api/v1/messages", {"channel": "api", "body": "hi", "customer": {"name": "D"}}),
    ("post", "/api/v1/coach", {"reply": "Sorry about that."}),
    ("get", "/api/v1/conversations", None),
    ("get", "/api/v1/customers", None),
]


def call(client, method, url, payload=None, token=None, **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = token if " " in token else f"Bearer {token}"
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


def msg(**kw):
    data = {
        "channel": "api",
        "external_id": "r-1",
        "customer": {"name": "Dana", "email": "dana@example.com"},
        "body": "Where is my order #4411?",
    }
    data.update(kw)
    return data


@pytest.fixture
def revoked(org):
    raw = do_create_token(org.root, "old")
    assert do_revoke_token(org.root, ApiToken.objects.get(agent=org.root))
    return raw


@pytest.mark.parametrize("method, url, payload", ENDPOINTS)
@pytest.mark.parametrize(
    "credential, detail",
    [
        (None, MISSING_CREDENTIALS),
        ("nope", BAD_TOKEN),
        ("cdk_wrong", BAD_TOKEN),
        ("Basic YTpi", "Unsupported Authorization header"),
        ("revoked", BAD_TOKEN),
    ],
)
def test_unauthenticated_is_401_on_every_method_never_a_csrf_error(
    org, revoked, method, url, payload, credential, detail
):
    client = Client(enforce_csrf_checks=True)  # as a real HTTP client: CSRF enforced
    token = revoked if credential == "revoked" else credential
    r = call(client, method, url, payload, token=token)
    assert r.status_code == 401, r.content
    assert detail in r.json()["detail"]
    assert r["WWW-Authenticate"].startswith("Bearer")
    assert Message.objects.count() == 0


def test_a_bad_token_is_401_even_with_a_logged_in_session(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.root.user)
    r = call(client, "post", "/api/v1/messages", msg(), token="cdk_wrong")
    assert r.status_code == 401
    assert r.json()["detail"] == BAD_TOKEN


def test_session_auth_still_works_and_still_checks_csrf(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.alex.user)
    assert call(client, "get", "/api/v1/conversations").status_code == 200
    without = call(client, "post", "/api/v1/coach", {"reply": "Sorry about that."})
    assert without.status_code == 403  # a logged-in browser without the CSRF token
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    r = call(client, "post", "/api/v1/coach", {"reply": "Sorry."}, HTTP_X_CSRFTOKEN=secret)
    assert r.status_code == 200, r.content


@pytest.mark.parametrize("who", ["alex", "lee"])
def test_agents_and_leads_may_not_post_into_a_team_they_are_not_on(client, org, who):
    if who == "lee":  # lee leads orders and billing; take billing away
        org.lee.teams.remove(org.billing)
    token = do_create_token(getattr(org, who))
    r = call(client, "post", "/api/v1/messages", msg(team="billing"), token=token)
    assert r.status_code == 403, r.content
    assert r.json()["detail"][0]["loc"] == ["body", "team"]
    assert "billing" in r.json()["detail"][0]["msg"]
    assert Message.objects.count() == 0


def test_a_location_of_a_foreign_team_counts_as_that_team(client, org):
    Location.objects.create(name="Quay", slug="quay", team=org.billing)
    token = do_create_token(org.alex)
    batch = [msg(external_id="ok", team="orders"), msg(external_id="no", location="quay")]
    r = call(client, "post", "/api/v1/messages", batch, token=token)
    assert r.status_code == 403
    assert r.json()["detail"][0]["loc"] == ["body", 1, "location"]
    assert Message.objects.count() == 0  # the whole batch is refused


def test_threading_cannot_carry_an_agents_message_into_another_team(client, org):
    """No team named, but the thread_id is another team's conversation: refused,
    and the whole batch rolled back; a manager may."""
    theirs = call(
        client,
        "post",
        "/api/v1/messages",
        msg(external_id="b-1", team="billing", thread_id="t-77"),
        token=do_create_token(org.morgan),
    )
    assert theirs.status_code == 201
    before = Message.objects.count()
    batch = [msg(external_id="a-ok", team="orders"), msg(external_id="a-2", thread_id="t-77")]
    r = call(client, "post", "/api/v1/messages", batch, token=do_create_token(org.alex))
    assert r.status_code == 403, r.content
    assert r.json()["detail"][0]["loc"] == ["body", 1]
    assert "a team you are not on" in r.json()["detail"][0]["msg"]
    assert Message.objects.count() == before  # nothing of the batch kept
    # a repeat of the other team's message does not give its ids away either
    again = call(
        client,
        "post",
        "/api/v1/messages",
        msg(external_id="b-1", team="billing", thread_id="t-77"),
        token=do_create_token(org.lee),
    )
    assert again.status_code == 200  # lee leads billing: allowed
    org.lee.teams.remove(org.billing)
    denied = call(
        client,
        "post",
        "/api/v1/messages",
        msg(external_id="b-1", thread_id="t-77"),
        token=do_create_token(org.lee),
    )
    assert denied.status_code == 403


def test_own_team_and_managers_anywhere(client, org):
    own = call(
        client, "post", "/api/v1/messages", msg(team="orders"), token=do_create_token(org.alex)
    )
    assert own.status_code == 201
    for n, agent in enumerate([org.morgan, org.root]):
        r = call(
            client,
            "post",
            "/api/v1/messages",
            msg(external_id=f"m-{n}", team="billing"),
            token=do_create_token(agent),
        )
        assert r.status_code == 201, r.content
    assert Conversation.objects.filter(team=org.billing).count() == 2


def test_sent_at_in_the_future_beyond_the_clock_skew_is_422(client, org, time_machine):
    time_machine.move_to("2026-03-03 09:00Z", tick=False)
    token = do_create_token(org.root)
    skewed = call(
        client, "post", "/api/v1/messages", msg(sent_at="2026-03-03T09:04:00Z"), token=token
    )
    assert skewed.status_code == 201  # within the tolerated skew
    batch = [msg(external_id="a"), msg(external_id="b", sent_at="2099-01-01T00:00:00Z")]
    r = call(client, "post", "/api/v1/messages", batch, token=token)
    assert r.status_code == 422
    [error] = r.json()["detail"]
    assert error["loc"] == ["body", 1, "sent_at"]
    assert "future" in error["msg"]
    just_over = call(
        client,
        "post",
        "/api/v1/messages",
        msg(external_id="c", sent_at="2026-03-03T09:06:00Z"),
        token=token,
    )
    assert just_over.status_code == 422
    assert Message.objects.count() == 1


def test_conversation_limit_is_capped(client, org):
    token = do_create_token(org.root)
    for n in range(3):
        receive(inbound(external_id=f"c{n}", customer={"email": f"c{n}@example.com"}))
    over = call(client, "get", f"/api/v1/conversations?limit={MAX_LIMIT + 1}", token=token)
    assert over.status_code == 422
    assert "limit" in json.dumps(over.json())
    assert call(client, "get", "/api/v1/customers?limit=100000", token=token).status_code == 422
    full = call(client, "get", f"/api/v1/conversations?limit={MAX_LIMIT}", token=token)
    assert full.status_code == 200 and full.json()["count"] == 3
    page = call(client, "get", "/api/v1/conversations?limit=1&offset=1", token=token).json()
    assert page["count"] == 3
    assert [c["id"] for c in page["items"]] == [full.json()["items"][1]["id"]]


@pytest.mark.parametrize(
    "query, field",
    [
        ("level=bogus", "level"),
        ("status=nope", "status"),
        ("channel=fax", "channel"),
        ("team=x", "team"),
    ],
)
def test_unknown_filter_values_are_422(client, org, query, field):
    token = do_create_token(org.root)
    r = call(client, "get", f"/api/v1/conversations?{query}", token=token)
    assert r.status_code == 422, r.content
    assert field in json.dumps(r.json()["detail"])


def test_known_filter_values_still_filter(client, org):
    receive(inbound(external_id="o", team="orders"))
    token = do_create_token(org.root)
    r = call(
        client, "get", "/api/v1/conversations?team=billing&level=calm&status=open", token=token
    )
    assert r.status_code == 200 and r.json()["count"] == 0
    r = call(client, "get", "/api/v1/conversations?team=orders&channel=email", token=token)
    assert r.json()["count"] == 1
