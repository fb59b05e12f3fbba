"""Debian's Chromium driven by Playwright, shared by every browser test.

Never `playwright install`: tests using this skip where /usr/bin/chromium is
absent (CI installs it with apt in .ci/run).
"""

from __future__ import annotations

import contextlib
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# pytestmark for a module of browser tests.
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="needs Chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@contextlib.contextmanager
def chromium():
    """A headless Chromium. Playwright's sync API runs an event loop in this
    thread, so Django's async-safety check is relaxed while it is open."""
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                yield browser
            finally:
                _close_connections()
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _close_connections() -> None:
    """Close the database connections opened while the browser was open.

    Playwright's sync API switches greenlets, so code run while it is open sees
    another context, and Django keeps its connections per context: a
    connection the test opened in here would outlive the test (on PostgreSQL,
    left idle until the test database is dropped)."""
    from django.db import connections

    connections.close_all()
