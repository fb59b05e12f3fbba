"""The public pages' rate limits live in Django's cache: Redis when configured,
so every server process counts against the same limit (docs/configuration.md)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches

from calmdesk.actions.surveys import do_send_survey, survey_token, survey_url
from calmdesk.conf import ConfigError
from calmdesk.settings import _caches
from tests.conftest import REDIS_URL
from tests.followup.conftest import resolved_case

ROOT = Path(__file__).resolve().parents[2]
REDIS = "django.core.cache.backends.redis.RedisCache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    "url, broker, backend, location",
    [
        ("", "", LOCMEM, None),
        ("local", "redis://broker:6379/0", LOCMEM, None),
        ("", "redis://broker:6379/0", REDIS, "redis://broker:6379/0"),
        ("redis://cache:6379/1", "redis://broker:6379/0", REDIS, "redis://cache:6379/1"),
        ("rediss://cache:6380/1", "", REDIS, "rediss://cache:6380/1"),
        ("", "amqp://broker//", LOCMEM, None),
    ],
)
def test_the_cache_is_redis_when_a_redis_url_is_configured(url, broker, backend, location):
    config = _caches(url, broker)["default"]
    assert config["BACKEND"] == backend
    assert config.get("LOCATION") == location


def test_an_unusable_cache_url_stops_the_start_up():
    with pytest.raises(ConfigError, match="CALMDESK_CACHE_URL"):
        _caches("memcached://127.0.0.1:11211")


def _reachable_redis() -> str:
    """CALMDESK_TEST_REDIS_URL (CI: must answer), else a local Redis if one answers."""
    import redis

    url = REDIS_URL or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as e:
        if REDIS_URL:
            raise  # configured but down: a failure, not a skip
        pytest.skip(f"needs Redis at {url} ({e}); set CALMDESK_TEST_REDIS_URL")
    return url


def _hits_in_another_process(url: str, key: str, times: int, tmp_path) -> list[int]:
    """Count `key` from a separate server process configured only by the environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "calmdesk.settings",
        "CALMDESK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test",
        "CALMDESK_CACHE_URL": url,
    }
    code = (
        "import sys, django; django.setup()\n"
        "from calmdesk.web.followup.public import _hit\n"
        "print(*[_hit(sys.argv[1]) for _ in range(int(sys.argv[2]))])\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, key, str(times)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    return [int(n) for n in r.stdout.split()]


def test_with_redis_every_process_counts_against_the_same_limit(
    client, org, settings, tmp_path, django_capture_on_commit_callbacks
):
    url = _reachable_redis()
    settings.CACHES = _caches(url)
    settings.CALMDESK_SURVEY_RATE_LIMIT = 5
    case = resolved_case(org)
    with django_capture_on_commit_callbacks(execute=True):
        survey = do_send_survey(case.customer, "csat", conversation=case)
    token = survey_token(survey)
    path = re.sub(r"^https?://[^/]+", "", survey_url(survey))
    ip = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # this run's own key
    key = f"cd-public-ip:{ip}"
    this_process = caches["default"]
    try:
        assert [client.get(path, REMOTE_ADDR=ip).status_code for _ in range(3)] == [200] * 3
        # another server process, its own connection, the same count
        assert _hits_in_another_process(url, key, 2, tmp_path) == [4, 5]
        assert client.get(path, REMOTE_ADDR=ip).status_code == 429
        other_connection = caches.create_connection("default")
        assert other_connection.get(key) == 6
    finally:
        tok = hashlib.sha256(token.encode()).hexdigest()[:24]
        this_process.delete_many([key, f"cd-public-token:{tok}"])
