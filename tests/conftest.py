"""Shared fixtures. Setup goes through the real actions, not raw ORM saves."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import pytest

REDIS_URL = os.environ.get("CALMDESK_TEST_REDIS_URL", "")
POSTGRES_URL = os.environ.get("CALMDESK_TEST_DATABASE_URL", "")


def needs_postgres():
    return pytest.mark.skipif(
        not POSTGRES_URL.startswith("postgres"),
        reason="needs PostgreSQL: set CALMDESK_TEST_DATABASE_URL=postgres://…",
    )


def needs_redis():
    return pytest.mark.skipif(
        not REDIS_URL, reason="needs Redis: set CALMDESK_TEST_REDIS_URL=redis://127.0.0.1:6379/0"
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database. Before it is dropped on PostgreSQL, any session
    still connected to it (left by a thread a test started, or by code run in another
    context, as inside Playwright: tests/browser.py) is named in a warning with the
    thread and test that opened it, and ended, so the drop cannot fail with
    "database is being accessed by other users"."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    opened: dict[int, str] = {}  # backend pid -> the thread and test that opened it

    def note(sender, connection, **kw):
        if connection.vendor == "postgresql":
            import threading

            test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]
            opened[connection.connection.info.backend_pid] = (
                f"thread {threading.current_thread().name} in {test}"
            )

    connection_created.connect(note, weak=False)
    yield
    connection_created.disconnect(note)
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            stray = [
                (*row, opened.get(row[0], "not opened by this process")) for row in cur.fetchall()
            ]
            for row in stray:
                cur.execute("SELECT pg_terminate_backend(%s)", [row[0]])
        connection.close()
    if stray:
        warnings.warn(
            f"ended {len(stray)} connection(s) still open to the test database: {stray}",
            stacklevel=1,
        )


@dataclass
class Org:
    orders: object
    billing: object
    alex: object  # agent, orders
    sam: object  # agent, billing
    lee: object  # lead, orders + billing
    morgan: object  # manager
    root: object  # admin


@pytest.fixture
def org(db) -> Org:
    from calmdesk.actions import do_create_user
    from calmdesk.models import Team

    orders = Team.objects.create(name="Orders", slug="orders")
    billing = Team.objects.create(name="Billing", slug="billing")
    return Org(
        orders=orders,
        billing=billing,
        alex=do_create_user("alex", "agent", teams=[orders], password="pw-alex-123"),
        sam=do_create_user("sam", "agent", teams=[billing], password="pw-sam-123"),
        lee=do_create_user("lee", "lead", teams=[orders, billing], password="pw-lee-123"),
        morgan=do_create_user("morgan", "manager", password="pw-morgan-123"),
        root=do_create_user("root", "admin", password="pw-root-123"),
    )


def inbound(**kw):
    """An Inbound with sensible defaults for tests."""
    from calmdesk.intake.types import Inbound, InboundCustomer

    customer = kw.pop("customer", None) or InboundCustomer(name="Dana", email="dana@example.com")
    if isinstance(customer, dict):
        customer = InboundCustomer(**customer)
    kw.setdefault("channel", "email")
    kw.setdefault("body", "Where is my order?")
    return Inbound(customer=customer, **kw)


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05):
    """Bounded polling for work done by another process or thread."""
    import threading
    import time

    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        pause.wait(interval)
    raise AssertionError(f"condition not met within {timeout} s")
