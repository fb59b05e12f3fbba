"""The reputation page in a real browser: Debian's Chromium driven by Playwright.

Never `playwright install`: skipped where /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import BROWSER_TESTS, chromium

pytestmark = BROWSER_TESTS


@pytest.fixture
def page(live_server, transactional_db):
    errors: list[str] = []
    with chromium() as browser:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1400, "height": 900}
        )
        pg = context.new_page()
        pg.on("console", lambda m: m.type == "error" and errors.append(m.text))
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors
        yield pg
        context.close()


def test_reputation_page_and_public_reply(page, stores):
    from tests.reputation.conftest import ingest

    review = ingest(
        rating=1, author="Mike Thornton", body="Waited 40 minutes and the staff were rude."
    )
    ingest(external_id="r-2", rating=5, location="northgate", body="Lovely team.")

    page.goto("/login/")
    page.get_by_label("User name").fill("jo")
    page.get_by_label("Password").fill("pw-jo-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/reputation/")
    assert page.locator("#locations").get_by_role("link", name="Harbour Street").is_visible()
    assert page.locator("#locations").get_by_role("link", name="Northgate").is_visible()
    assert page.locator("[data-figure=unanswered]").inner_text().startswith("1")
    page.locator("#unanswered a").first.click()
    page.wait_for_url(re.compile(rf"/reputation/r/{review.pk}/$"))

    box = page.locator("#public-reply")
    draft = box.input_value()
    assert draft.startswith("Hi Mike") and "Thornton" not in draft
    box.fill("Mike Thornton, that's not true. Our staff are never rude.")
    page.get_by_role("button", name="Check").click()
    assert page.locator("#coach .finding-blocking").first.is_visible()
    page.get_by_role("button", name="Approve and record").click()
    assert page.get_by_role("alert").is_visible()

    page.locator("#public-reply").fill(draft)
    page.get_by_role("button", name="Check").click()
    assert page.locator("#coach .finding-blocking").count() == 0
    page.get_by_role("button", name="Approve and record").click()
    page.wait_for_url(re.compile(rf"/reputation/r/{review.pk}/$"))
    assert page.locator("#approved-reply").input_value() == draft
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()
    # The refused approval answers 422 on purpose; anything else (a CSP
    # violation, a script error) fails the test.
    assert [e for e in page.errors if "status of 422" not in e] == []
