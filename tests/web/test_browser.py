"""The desk in a real browser: Debian's Chromium driven by Playwright.

Never `playwright install`: these tests use /usr/bin/chromium (CI installs
it with apt) and skip where it is absent. They also take the screenshots in
docs/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import BROWSER_TESTS, chromium

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "calmdesk-demo"

pytestmark = BROWSER_TESTS


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


class Tab:
    """A fresh browser context; collects console errors (CSP violations land there)."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(
            viewport={"width": 1440, "height": 960}, base_url=base_url
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        self.page.on("dialog", on_dialog)

    def login(self, username: str, password: str = PASSWORD):
        page = self.page
        page.goto("/login/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/$"))
        return page

    def close(self):
        self.context.close()


@pytest.fixture
def tab(browser, live_server):
    tabs: list[Tab] = []

    def open_tab() -> Tab:
        t = Tab(browser, live_server.url)
        tabs.append(t)
        return t

    yield open_tab
    for t in tabs:
        t.close()


def _demo():
    from calmdesk.demo import load_demo
    from calmdesk.models import Conversation

    load_demo()
    return Conversation.objects.get(customer__name="Dana Whitfield", status="open")


def test_agent_answers_the_hostile_conversation(tab, transactional_db):
    from playwright.sync_api import expect

    dana = _demo()
    alex = tab()
    page = alex.login("alex")

    # Hardest first: the hostile conversations lead the queue (an SLA at risk,
    # issue 6, may put another hostile one before Dana's).
    rows = page.locator("[data-row]")
    expect(rows.first).to_contain_text("Hostile")
    hostile = page.locator("[data-row]:has(.badge-hostile)")
    ids = rows.evaluate_all("els => els.map(e => e.id)")
    hostile_ids = hostile.evaluate_all("els => els.map(e => e.id)")
    assert ids[: len(hostile_ids)] == hostile_ids, "hostile conversations come first"
    assert f"row-{dana.pk}" in hostile_ids
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "inbox.png"))  # the first screenful

    first = page.locator(f"#row-{dana.pk}")
    expect(first).to_contain_text("Dana Whitfield")
    first.click()
    page.wait_for_url(f"**/c/{dana.pk}/")
    marks = page.locator(".msg-in mark.ev")
    expect(marks.first).to_be_visible()
    expect(page.locator(".msg-in mark.ev", has_text="useless")).to_have_count(1)
    expect(page.locator(".assess .reasons").last).to_contain_text("review")
    expect(page.locator(".card svg.spark")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "conversation.png"), full_page=True)

    # With the boundary statement the coach asks for (she insulted us): no confirmation.
    reply = (
        "Dana, I understand order #4411 still has not arrived. I want to help, and I can do "
        "that best when we keep this conversation respectful. I'll update you by tomorrow."
    )
    page.get_by_label(re.compile("^Reply to Dana")).fill(reply)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash")).to_contain_text("Reply sent.")
    expect(page.locator(".msg-out").last).to_contain_text(reply)

    page.goto("/?unanswered=1")
    expect(page.locator("#queue-title")).to_contain_text("waiting for an answer")
    expect(page.locator(f"#row-{dana.pk}")).to_have_count(0)
    expect(page.locator("[data-row]").first).to_be_visible()
    assert alex.errors == [], alex.errors

    sam = tab()
    sam.login("sam")
    response = sam.page.goto(f"/c/{dana.pk}/")
    assert response.status == 404
    expect(sam.page.get_by_role("heading", name="Not found")).to_be_visible()
    assert "Dana" not in sam.page.content()


def test_new_messages_appear_without_a_reload(tab, transactional_db):
    from playwright.sync_api import expect

    from tests.web.conftest import make_conversation

    _demo()
    page = tab().login("alex")
    marker = page.evaluate("() => (window.__marker = 'same page')")
    late = make_conversation(
        team="orders",
        name="Late Lorna",
        email="lorna@example.com",
        level="hostile",
        difficulty=99,
        subject="Where is everyone?",
    )
    expect(page.locator(f"#row-{late.pk}")).to_be_visible(timeout=25_000)
    expect(page.locator(f"#row-{late.pk}")).to_contain_text("Late Lorna")
    assert page.evaluate("() => window.__marker") == marker  # polled in place, not reloaded


def test_keyboard_moves_through_the_queue(tab, transactional_db):
    from playwright.sync_api import expect

    _demo()
    page = tab().login("alex")
    page.keyboard.press("j")
    expect(page.locator("[data-row]").first).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator("[data-row]").nth(1)).to_be_focused()
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("Whitfield")
    page.keyboard.press("Enter")
    expect(page.locator("[data-row]").first).to_contain_text("Dana Whitfield")


def test_xss_corpus_never_runs(tab, transactional_db):
    from playwright.sync_api import expect

    from calmdesk.models import Agent
    from tests.web.test_xss import hostile_desk

    made = hostile_desk(_Org())
    assert Agent.objects.filter(user__username="morgan").exists()
    t = tab()
    page = t.login("morgan")
    urls = (
        ["/", "/manager/"] + [f"/c/{c.pk}/" for c in made] + [f"/customers/{made[0].customer_id}/"]
    )
    for url in urls:
        page.goto(url)
        expect(page.locator("main")).to_be_visible()
        for details in page.locator("details.rich").all():
            details.locator("summary").click()  # open the sanitized HTML part too
        page.locator("main").hover()
        state = page.evaluate(
            """() => ({
                xss: window.__xss === undefined ? null : window.__xss,
                inlineScripts: document.querySelectorAll('script:not([src])').length,
                handlers: [...document.querySelectorAll('*')].flatMap(el =>
                    [...el.attributes].filter(a => a.name.startsWith('on') || a.name === 'style')
                        .map(a => el.tagName + ' ' + a.name)),
                jsLinks: [...document.querySelectorAll('[href],[src],[action]')].filter(el =>
                    /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src')
                        || el.getAttribute('action') || '')).length,
            })"""
        )
        assert state == {"xss": None, "inlineScripts": 0, "handlers": [], "jsLinks": 0}, url
    assert t.dialogs == []


class _Org:
    """The demo's people, as the XSS corpus fixture expects them."""

    def __init__(self):
        from calmdesk.demo import load_demo
        from calmdesk.models import Agent

        load_demo()
        self.morgan = Agent.objects.get(user__username="morgan")
