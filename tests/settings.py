"""Test settings: calmdesk.settings with a throwaway data dir and the test database.

CALMDESK_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)
runs the suite on that server; by default it runs on SQLite.
"""

import os
import tempfile

os.environ.setdefault("CALMDESK_DATA_DIR", tempfile.mkdtemp(prefix="calmdesk-test-"))
os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("CALMDESK_EMAIL_BACKEND", "locmem")

from calmdesk.settings import *  # noqa: E402,F403
from calmdesk.settings import _database  # noqa: E402

_test_db = os.environ.get("CALMDESK_TEST_DATABASE_URL", "")
if _test_db:
    DATABASES = {"default": _database(_test_db)}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES = {"default": _database("sqlite:///:memory:")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests
