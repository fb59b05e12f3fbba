"""The embedded scheduler: runs `jobs.PERIODIC` inside `calmdesk serve` when there is no broker."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

log = logging.getLogger(__name__)


class InProcessScheduler:
    def __init__(self, periodic: dict) -> None:
        self.periodic = periodic
        self.next_run: dict[str, datetime] = {}
        self.stopped = threading.Event()

    def run_due(self, now: datetime | None = None) -> list[str]:
        """Run every job that is due at `now`; returns their names."""
        now = now or timezone.now()
        ran = []
        for name, (task, interval) in self.periodic.items():
            if self.next_run.get(name, now) > now:
                continue
            self.next_run[name] = now + interval
            try:
                task()  # a Celery task object called directly runs in this thread
                ran.append(name)
            except Exception:
                log.exception("periodic job %s failed", name)
            finally:
                # The thread's connections are recycled between jobs (never
                # inside a transaction someone else opened, e.g. a test's).
                if not connection.in_atomic_block:
                    close_old_connections()
        return ran

    def loop(self, tick: timedelta = timedelta(seconds=5)) -> None:
        while not self.stopped.is_set():
            self.run_due()
            self.stopped.wait(tick.total_seconds())

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.loop, name="calmdesk-scheduler", daemon=True)
        thread.start()
        return thread
