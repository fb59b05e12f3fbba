"""The playbook in a real browser (issue 5): step tracker, draft, live coach.

Same Chromium and fixtures as tests/web/test_browser.py (never `playwright
install`). No sleeps: Playwright's expect waits for htmx's debounced coach.
"""

from __future__ import annotations

import re

from tests.web.test_browser import SCREENSHOTS, _demo, browser, pytestmark, tab  # noqa: F401

BLAMING = "As I already told you, it's not our fault."
FIXED = (
    "Hi Dana, I understand that your order #4411 has not arrived. I want to help, and I can "
    "do that best when we keep this conversation respectful. I apologize for the trouble. "
    "I'll update you by tomorrow."
)


def test_draft_and_live_coach_on_the_hostile_conversation(tab, transactional_db):  # noqa: F811
    from playwright.sync_api import expect

    dana = _demo()
    alex = tab()
    page = alex.login("alex")
    page.goto(f"/c/{dana.pk}/")

    # The step tracker (loaded by htmx): six steps, the next one with sample language.
    steps = page.locator("#playbook-panel .step")
    expect(steps).to_have_count(6)
    expect(page.locator("#playbook-panel .step-current")).to_have_count(1)
    expect(page.locator("#playbook-panel .sample")).to_be_visible()

    box = page.locator("#reply-body")
    page.get_by_role("button", name="Draft reply").click()
    expect(box).to_have_value(re.compile(r"\bDana\b"))
    expect(page.locator("#coach .coach-result")).to_be_visible()
    expect(page.locator("#coach .finding-blocking")).to_have_count(0)  # the draft passes

    box.fill(BLAMING)  # an input event: the coach runs after the debounce
    blocking = page.locator("#coach .finding-blocking")
    expect(blocking.filter(has_text="As I already told you")).to_have_count(1)
    expect(blocking.filter(has_text="it's not our fault")).to_have_count(1)
    expect(page.locator("#coach")).to_contain_text("To recap")  # the suggested rewrite
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coach.png"), full_page=True)

    # "Apply" swaps the span for the rewrite (static JS), and the coach looks again.
    blocking.filter(has_text="As I already told you").get_by_role("button", name="Apply").click()
    expect(box).to_have_value(re.compile(r"^To recap, it's not our fault\."))
    expect(blocking.filter(has_text="As I already told you")).to_have_count(0)

    box.fill(FIXED)
    expect(page.locator("#coach .coach-result")).to_be_visible()
    expect(blocking).to_have_count(0)
    assert alex.errors == [], alex.errors  # no CSP violations, no script errors
