"""Scale-out: real PostgreSQL connections and a real Redis-backed Celery worker."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from calmdesk.actions import do_create_token
from calmdesk.models import Message
from tests.conftest import REDIS_URL, needs_postgres, needs_redis, wait_until


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_same_message_posted_50_times_concurrently_is_stored_once(org):
    token = do_create_token(org.alex, "concurrency")
    payload = json.dumps(
        {
            "channel": "chat",
            "external_id": "race-1",
            "customer": {"name": "Racer", "email": "racer@example.com"},
            "body": "Hello, is anyone there?",
        }
    )
    barrier = threading.Barrier(50)

    def post(_):
        try:
            barrier.wait(timeout=30)
            r = Client().post(
                "/api/v1/messages",
                payload,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            return r.status_code, r.json()["message_id"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(post, range(50)))
    statuses = [s for s, _ in results]
    assert statuses.count(201) == 1 and statuses.count(200) == 49
    assert len({mid for _, mid in results}) == 1
    assert Message.objects.filter(external_id="race-1").count() == 1
    assert org.alex.__class__.objects.count() == 5  # nothing else was created twice


@needs_redis()
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_on_redis_assesses_a_message_posted_through_the_api(org, settings):
    from celery.contrib.testing.worker import start_worker

    from calmdesk.celery_app import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(
        broker_url=REDIS_URL, task_always_eager=False, broker_connection_retry_on_startup=True
    )
    token = do_create_token(org.alex, "worker")
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        queues=["within_5_seconds", "within_1_minute"],
        shutdown_timeout=30,
    ):
        r = Client().post(
            "/api/v1/messages",
            json.dumps(
                {
                    "channel": "api",
                    "external_id": "celery-1",
                    "customer": {"email": "worker@example.com"},
                    "body": "Cancel my account NOW or I'm calling my lawyer. Third time asking!!!",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert r.status_code == 201
        message = Message.objects.get(pk=r.json()["message_id"])
        assert message.assessed_at is None  # not done in the request: queued to the worker
        wait_until(
            lambda: Message.objects.filter(pk=message.pk, assessed_at__isnull=False).exists()
        )
    message.refresh_from_db()
    kinds = {s["kind"] for s in message.assessment["signals"]}
    assert {"churn_threat", "legal_threat"} <= kinds
    assert message.conversation.difficulty == message.difficulty > 0
