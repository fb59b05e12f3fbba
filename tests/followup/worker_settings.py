"""Settings for sender processes in the kill test: a shared SQLite file, tables without migrations."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import _database

DATABASES = {"default": _database(f"sqlite:///{os.environ['KILLTEST_DB']}")}
MIGRATION_MODULES = {"calmdesk": None}  # `migrate --run-syncdb` creates the current tables
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("KILLTEST_SMTP_PORT", "25"))
