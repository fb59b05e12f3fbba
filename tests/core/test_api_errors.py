"""Every /api/v1 error is JSON `{"detail": ...}` in the shapes of docs/api.md
"Errors": bad dates, deep JSON and huge integers are 4xx (never a 500 page),
unknown paths are 404, wrong methods 405 with `Allow`, and 403s say why."""

from __future__ import annotations

import json

import pytest

from calmdesk.actions import do_create_token, receive
from calmdesk.actions.reputation import do_create_source
from calmdesk.api.reputation import BAD_SOURCE_KEY
from calmdesk.models import Commitment, Conversation, CustomerEvent, Message
from calmdesk.playbook import coach, load_policy
from calmdesk.playbook.views import EMPTY_CONVERSATION
from tests.conftest import inbound

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "99999999999999999999"


def post(client, url, payload, token, **headers):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}", **headers
    )


def get(client, url, token):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def message(**kw):
    data = {"channel": "api", "customer": {"name": "Dana"}, "body": "Where is my order?"}
    return {**data, **kw}


def review(created_at):
    return {
        "id": "tp-1",
        "text": "Slow delivery",
        "rating": 2,
        "createdAt": created_at,
        "location": "harbour",
    }


@pytest.fixture
def root(org):
    return do_create_token(org.root)


@pytest.fixture
def conversation(org):
    return Conversation.objects.get(pk=receive(inbound(external_id="c-1")).conversation_id)


def assert_json_error(r, status):
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json"), r.content[:200]
    return r.json()["detail"]


def assert_field_error(r, loc):
    [error] = assert_json_error(r, 422)
    assert error == {"loc": loc, "msg": error["msg"]}  # only loc and msg, as /messages
    return error["msg"]


@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "1969-12-31T23:59:59Z",
        "2026-01-01T00:00:00",
    ],
)
def test_a_message_date_outside_the_storable_range_is_422(client, org, root, when):
    msg = assert_field_error(
        post(client, "/api/v1/messages", message(sent_at=when), root), ["body", "sent_at"]
    )
    assert "sent_at" in msg
    assert Message.objects.count() == 0


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-14:00"])
def test_a_customer_event_date_outside_the_range_is_422(client, conversation, root, when):
    url = f"/api/v1/customers/{conversation.customer_id}/events"
    payload = {"kind": "purchase", "occurred_at": when, "external_id": "e-1"}
    msg = assert_field_error(post(client, url, payload, root), ["body", "occurred_at"])
    assert "between 1970" in msg
    assert CustomerEvent.objects.count() == 0


@pytest.mark.parametrize("when", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00"])
def test_a_commitment_due_outside_the_range_is_422(client, conversation, root, when):
    url = f"/api/v1/conversations/{conversation.pk}/commitments"
    payload = {"text": "I will call you back", "due_at": when}
    assert_field_error(post(client, url, payload, root), ["body", "due_at"])
    assert Commitment.objects.count() == 0


def test_a_review_date_outside_the_range_is_422(client, org, root):
    from calmdesk.models import Location

    Location.objects.create(name="Harbour", slug="harbour", team=org.orders)
    url = "/api/v1/reputation/reviews?format=trustpilot"
    r = post(client, url, review("0001-01-01T00:00:00+05:00"), root)
    [error] = assert_json_error(r, 422)
    assert error["loc"] == ["body"]
    assert "1970" in error["msg"]
    r = post(client, url, [review("2024-06-03T10:00:00Z"), review("0001-01-01T00:00:00Z")], root)
    assert assert_json_error(r, 422)[0]["loc"] == ["body", 1]
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["/api/v1/messages", "/api/v1/reputation/reviews", "/api/v1/coach", "/api/v1/draft"]
)
def test_deeply_nested_json_is_400_malformed_json(client, org, root, url):
    detail = assert_json_error(post(client, url, DEEP, root), 400)
    assert detail.startswith("Malformed JSON: ")


@pytest.mark.parametrize("url", ["/api/v1/coach", "/api/v1/draft", "/api/v1/messages"])
def test_malformed_json_says_so_the_same_way_everywhere(client, org, root, url):
    detail = assert_json_error(post(client, url, '{"reply": ', root), 400)
    assert detail.startswith("Malformed JSON: ")


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/v1/conversations?offset={HUGE}", "offset"),
        (f"/api/v1/conversations?customer_id={HUGE}", "customer_id"),
        (f"/api/v1/customers?offset={HUGE}", "offset"),
    ],
)
def test_integers_beyond_64_bits_in_a_query_are_422(client, org, root, url, field):
    assert_field_error(get(client, url, root), ["query", field])


@pytest.mark.parametrize(
    "url", [f"/api/v1/conversations/{HUGE}", f"/api/v1/customers/{HUGE}/recovery"]
)
def test_integers_beyond_64_bits_in_a_path_are_422(client, org, root, url):
    assert assert_json_error(get(client, url, root), 422)[0]["loc"][0] == "path"


def test_validation_errors_have_the_messages_shape_everywhere(client, org, root):
    """No "payload" in loc, no type/ctx/url: just loc and msg."""
    assert_field_error(post(client, "/api/v1/coach", {"reply": ""}, root), ["body", "reply"])
    r = post(client, "/api/v1/draft", {}, root)
    assert_field_error(r, ["body", "conversation_id"])


@pytest.mark.parametrize("customer", [{"phone": "not a phone"}, {"email": "not-an-email"}])
def test_one_message_with_a_bad_contact_names_the_body_not_an_index(client, org, root, customer):
    r = post(client, "/api/v1/messages", message(customer=customer), root)
    [error] = assert_json_error(r, 422)
    assert error["loc"] == ["body"]
    r = post(client, "/api/v1/messages", [message(external_id="x", customer=customer)], root)
    assert assert_json_error(r, 422)[0]["loc"] == ["body", 0]


@pytest.mark.parametrize(
    "method, url", [("get", "/api/v1/nope"), ("post", "/api/v1/conversations/1/nope")]
)
def test_an_unknown_api_path_is_a_json_404(client, org, root, method, url):
    r = getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {root}")
    assert assert_json_error(r, 404) == "Not Found"


def test_a_wrong_method_is_a_json_405_with_allow(client, org, root):
    r = client.delete("/api/v1/messages", HTTP_AUTHORIZATION=f"Bearer {root}")
    assert "POST" in assert_json_error(r, 405)
    assert r["Allow"] == "POST"
    r = client.put("/api/v1/conversations", HTTP_AUTHORIZATION=f"Bearer {root}")
    assert_json_error(r, 405)
    assert r["Allow"] == "GET"


def test_the_web_app_keeps_its_html_404(client, org):
    r = client.get("/no-such-page")
    assert r.status_code == 404
    assert not r["Content-Type"].startswith("application/json")


def test_a_new_message_into_the_default_team_says_so(client, org):
    """sam is on billing only; a message naming no team goes to the default
    team (orders, the first one), which is not sam's: the 403 says that, not
    that it would join another team's conversation."""
    r = post(client, "/api/v1/messages", message(external_id="s-1"), do_create_token(org.sam))
    [error] = assert_json_error(r, 403)
    assert error["loc"] == ["body"]
    assert "default team 'orders'" in error["msg"]
    assert "thread_id" not in error["msg"]
    assert Message.objects.count() == 0


def test_joining_another_teams_conversation_says_so(client, org):
    receive(inbound(external_id="o-1", team="orders", thread_id="t-9", channel="api"))
    r = post(
        client,
        "/api/v1/messages",
        message(external_id="s-2", thread_id="t-9"),
        do_create_token(org.sam),
    )
    [error] = assert_json_error(r, 403)
    assert "join a conversation of team 'orders'" in error["msg"]
    assert "default team" not in error["msg"]


def test_a_bad_source_key_has_its_own_message(client, org):
    do_create_source(None, "Trustpilot", "webhook", platform="trustpilot")
    r = client.post(
        "/api/v1/reputation/reviews",
        json.dumps(review("2024-06-03T10:00:00Z")),
        content_type="application/json",
        HTTP_X_CALMDESK_SOURCE_KEY="cdr_wrong",
    )
    assert assert_json_error(r, 401) == BAD_SOURCE_KEY
    assert "Bearer" not in BAD_SOURCE_KEY


def test_the_coach_example_in_the_docs_is_real(settings):
    """docs/api.md shows `coach("As I already told you, …")`: its rule ids are real."""
    docs = (settings.BASE_DIR.parent / "docs" / "api.md").read_text()
    result = coach("As I already told you, it ships Monday.", EMPTY_CONVERSATION, load_policy())
    finding = result.to_dict()["findings"][0]
    assert f'"rule": "{finding["rule"]}"' in docs
    assert f'"kind": "{finding["kind"]}"' in docs
