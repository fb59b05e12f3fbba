from __future__ import annotations

import json

import pytest

from calmdesk.actions import do_create_token, receive
from tests.conftest import inbound


@pytest.fixture
def hostile(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = receive(
            inbound(
                customer={"name": "Dana Whitfield", "email": "dana@example.com"},
                external_id="h1",
                team="orders",
                subject="Order 4411",
                body="My order #4411 has not arrived and it was promised for Monday. This is the THIRD time I'm writing. "
                "You are useless. Cancel my account or I post this everywhere!!!",
            )
        )
    return r.conversation_id


def call(client, token, path, payload):
    return client.post(
        path,
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_coach_finds_blame_with_spans_and_rewrites(client, org):
    token = do_create_token(org.alex)
    reply = "As I already told you, it's not our fault."
    r = call(client, token, "/api/v1/coach", {"reply": reply})
    assert r.status_code == 200
    body = r.json()
    assert 0 <= body["score"] < 100
    blame = [f for f in body["findings"] if f["kind"] == "blame"]
    assert blame and all(f["severity"] == "blocking" for f in blame)
    for f in blame:
        assert reply[f["start"] : f["end"]] == f["text"]
        assert f["suggestion"] != f["text"]


def test_draft_names_the_customer_restates_the_issue_and_passes_the_coach(client, org, hostile):
    token = do_create_token(org.alex)
    r = call(client, token, "/api/v1/draft", {"conversation_id": hostile})
    assert r.status_code == 200, r.content
    body = r.json()
    assert "Dana" in body["text"]
    assert "4411" in body["text"]
    assert not [f for f in body["coach"]["findings"] if f["severity"] == "blocking"]
    assert body["next_step"]["current"]


def test_playbook_endpoints_respect_teams(client, org, hostile):
    other = do_create_token(org.sam)
    assert call(client, other, "/api/v1/draft", {"conversation_id": hostile}).status_code == 404
    assert (
        call(
            client, other, "/api/v1/coach", {"reply": "Hi", "conversation_id": hostile}
        ).status_code
        == 404
    )
    assert call(client, other, "/api/v1/coach", {"reply": ""}).status_code == 422
