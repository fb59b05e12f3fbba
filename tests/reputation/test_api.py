"""The review and mention webhooks: authenticated, idempotent, edits and removals."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(stores):
    from calmdesk.actions.reputation import do_create_source

    return do_create_source(
        None,
        "Trustpilot via n8n",
        "webhook",
        platform="trustpilot",
        location=stores["locations"]["northgate"],
    )


def post(client, path, data, key="", **headers):
    if key:
        headers["HTTP_X_CALMDESK_SOURCE_KEY"] = key
    return client.post(path, data=data, content_type="application/json", **headers)


def test_webhook_needs_a_key_or_token(client, source):
    body = {"id": "t1", "stars": 1, "text": "Never again."}
    assert post(client, "/api/v1/reputation/reviews", body).status_code == 401
    assert post(client, "/api/v1/reputation/reviews", body, key="cdr_wrong").status_code == 401


def test_webhook_source_key_creates_once_then_revises_then_removes(
    client, source, django_capture_on_commit_callbacks
):
    from calmdesk.models import Review

    _source, key = source
    body = {
        "id": "t1",
        "stars": 1,
        "text": "The parcel never came.",
        "consumer": {"displayName": "Dana W."},
        "referenceId": "ORD-4411",
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, "/api/v1/reputation/reviews?format=trustpilot", body, key=key)
    assert r.status_code == 201, r.content
    assert r.json()["outcome"] == "created"
    review = Review.objects.get()
    assert review.platform == "trustpilot" and review.location.slug == "northgate"
    assert review.order_ref == "ORD-4411" and review.negative and review.source == _source
    assert (
        post(client, "/api/v1/reputation/reviews?format=trustpilot", body, key=key).json()[
            "outcome"
        ]
        == "unchanged"
    )
    body["text"] = "The parcel came in the end, thanks."
    body["stars"] = 4
    assert (
        post(client, "/api/v1/reputation/reviews?format=trustpilot", body, key=key).json()[
            "outcome"
        ]
        == "revised"
    )
    body["event"] = "review.deleted"
    assert (
        post(client, "/api/v1/reputation/reviews?format=trustpilot", body, key=key).json()[
            "outcome"
        ]
        == "removed"
    )
    assert Review.objects.get().revisions.count() == 3


def test_webhook_with_api_token_batch_and_bad_items(client, stores):
    from calmdesk.actions import do_create_token
    from calmdesk.models import Review

    token = do_create_token(stores["org"].morgan, "n8n")
    token = token[1] if isinstance(token, tuple) else token
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    items = [
        {"review_id": "a", "rating": 5, "text": "Great", "location": "harbour-street"},
        {"review_id": "b", "rating": 7, "text": "??", "location": "harbour-street"},
    ]
    r = post(client, "/api/v1/reputation/reviews", items, **auth)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", 1]
    items[1]["rating"] = 2
    items[1]["location"] = "atlantis"
    r = post(client, "/api/v1/reputation/reviews", items, **auth)
    assert r.status_code == 422 and "atlantis" in r.json()["detail"][0]["msg"]
    assert not Review.objects.exists()  # nothing of a failed batch is kept
    items[1]["location"] = "northgate"
    r = post(client, "/api/v1/reputation/reviews", items, **auth)
    assert r.status_code == 201 and r.json()["created"] == 2
    r = post(
        client,
        "/api/v1/reputation/mentions",
        {
            "id": "m1",
            "text": "Is the Northgate store open today?",
            "handle": "twitter:@kim",
            "location": "northgate",
            "url": "https://x.example/kim/1",
        },
        **auth,
    )
    assert r.status_code == 201
    assert Review.objects.get(external_id="m1").conversation.channel == "social"
    assert post(client, "/api/v1/reputation/reviews", "not json", **auth).status_code in (400, 422)
