from __future__ import annotations

import json

import pytest

from calmdesk.actions import do_create_token
from calmdesk.models import Conversation, Message

URL = "/api/v1/messages"


@pytest.fixture
def token(org):
    return do_create_token(org.alex, "tests")


def post(client, token, payload, **headers):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}", **headers
    )


def msg(**kw):
    data = {
        "channel": "email",
        "external_id": "e-1",
        "customer": {"name": "Dana", "email": "dana@example.com"},
        "subject": "Order",
        "body": "Where is my order #4411?",
        "sent_at": "2026-11-20T09:30:00Z",
    }
    data.update(kw)
    return data


def test_post_one_then_repeat_returns_same_ids(client, token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = post(client, token, msg())
    assert first.status_code == 201, first.content
    again = post(client, token, msg(body="edited"))
    assert again.status_code == 200
    assert again.json()["message_id"] == first.json()["message_id"]
    assert again.json()["created"] is False
    assert Message.objects.count() == 1


def test_idempotency_key_stands_in_for_external_id(client, token):
    a = post(client, token, msg(external_id=""), HTTP_IDEMPOTENCY_KEY="k-123")
    b = post(client, token, msg(external_id=""), HTTP_IDEMPOTENCY_KEY="k-123")
    assert (a.status_code, b.status_code) == (201, 200)
    assert a.json()["message_id"] == b.json()["message_id"]


def test_batch_of_messages(client, token):
    items = [msg(external_id=f"b-{i}", customer={"email": f"c{i}@example.com"}) for i in range(5)]
    r = post(client, token, items)
    assert r.status_code == 201
    assert r.json()["created"] == 5 and len(r.json()["results"]) == 5
    r = post(client, token, items)
    assert r.status_code == 200 and r.json()["repeated"] == 5
    assert Message.objects.count() == 5


@pytest.mark.parametrize(
    "payload, status, fragment",
    [
        ("{not json", 400, "Malformed JSON"),
        (msg(channel="fax"), 422, "channel"),
        ({"channel": "email", "customer": {"email": "x@example.com"}}, 422, "body"),
        (msg(body="x" * 1_000_001), 422, "body"),
        (msg(sent_at="2026-11-20T09:30:00"), 422, "time zone"),
        (msg(customer={"name": ""}), 422, "at least one of"),
        (msg(location="atlantis"), 422, "unknown location"),
        ([], 422, "empty"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_problem(client, token, payload, status, fragment):
    r = post(client, token, payload)
    assert r.status_code == status, r.content
    assert fragment in r.content.decode()
    assert Message.objects.count() == 0


def test_a_bad_item_in_a_batch_writes_nothing(client, token):
    items = [msg(external_id="ok-1"), msg(external_id="ok-2", location="atlantis")]
    r = post(client, token, items)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][:2] == ["body", 1]
    assert Message.objects.count() == 0


def test_batch_limit(client, token, settings):
    settings.CALMDESK_API_MAX_BATCH = 3
    r = post(client, token, [msg(external_id=f"x{i}") for i in range(4)])
    assert r.status_code == 413


def test_auth_required_and_bad_token_rejected(client, org):
    assert client.post(URL, json.dumps(msg()), content_type="application/json").status_code == 401
    assert post(client, "cdk_wrong", msg()).status_code == 401


def test_read_endpoints_respect_teams(client, org, token):
    post(client, token, msg(team="orders"))
    other = do_create_token(org.sam, "billing")
    conv = Conversation.objects.get()
    ok = client.get(f"/api/v1/conversations/{conv.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    assert ok.json()["messages"][0]["body"] == "Where is my order #4411?"
    hidden = client.get(f"/api/v1/conversations/{conv.pk}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert hidden.status_code == 404
    listing = client.get("/api/v1/conversations?status=open", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert listing.json()["count"] == 0
    mine = client.get(
        "/api/v1/conversations?status=open&level=calm", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert mine.json()["count"] in (0, 1)  # level depends on assessment; filter is applied
    customers = client.get("/api/v1/customers?q=dana", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert customers.json()["items"][0]["identities"] == [
        {"kind": "email", "value": "dana@example.com"}
    ]


def test_openapi_and_docs_served_offline(client, org):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/messages" in schema.json()["paths"]
    client.force_login(org.alex.user)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn." not in html and "unpkg" not in html
    assert client.get("/api/docs").status_code == 302
