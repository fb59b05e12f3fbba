"""The Celery app. With no CELERY_BROKER_URL, tasks run eagerly in-process."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calmdesk.settings")

app = Celery("calmdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = ("calmdesk.jobs",)  # which imports every area module
# Queues named by how long their work may wait.
app.conf.task_default_queue = "within_1_minute"
app.conf.task_routes = {
    "calmdesk.assess_messages": {"queue": "within_5_seconds"},
    "calmdesk.deliver_reply": {"queue": "within_5_seconds"},
}
