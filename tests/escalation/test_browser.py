"""A hand-over in a real browser: the receiver reads the brief and acknowledges it.

Reuses the browser fixtures of tests/web/test_browser.py (Debian's Chromium
at /usr/bin/chromium; never `playwright install`).
"""

from __future__ import annotations

import re

from tests.web.test_browser import PASSWORD, browser, pytestmark, tab  # noqa: F401

__all__ = ["browser", "pytestmark", "tab"]


def test_hand_over_acknowledged_by_the_receiving_agent(tab, transactional_db):  # noqa: F811
    from playwright.sync_api import expect

    from calmdesk.actions import do_create_user
    from calmdesk.models import Conversation, Handoff, Team
    from tests.web.conftest import HOSTILE, HOSTILE_EVIDENCE, make_conversation

    orders = Team.objects.create(name="Orders", slug="orders")
    do_create_user("alex", "agent", teams=[orders], password=PASSWORD, display_name="Alex Rivera")
    lee_agent = do_create_user(
        "lee", "lead", teams=[orders], password=PASSWORD, display_name="Lee Chen"
    )
    dana = make_conversation(
        team="orders",
        body=HOSTILE,
        subject="Order #4411 STILL not here",
        level="hostile",
        difficulty=80,
        evidence=HOSTILE_EVIDENCE,
    )

    alex = tab()
    page = alex.login("alex")
    page.goto(f"/c/{dana.pk}/")
    page.get_by_role("link", name="Hand over with a brief").click()
    page.wait_for_url(re.compile(r"/escalation/c/\d+/handoff/$"))
    expect(page.locator("#handoff-brief")).to_contain_text("Emotional trajectory")
    page.get_by_label("Hand over to").select_option(value=f"agent:{lee_agent.pk}")
    expect(page.locator("#handoff-continuity")).to_contain_text("I am Lee Chen")  # htmx preview
    page.get_by_label("Why").fill("A fresh face for a hostile customer")
    page.get_by_role("button", name="Send the hand-over").click()
    expect(page.locator(".flash")).to_contain_text("stays unassigned until they acknowledge")
    expect(page.locator("#handoff-title")).to_be_visible()
    expect(page.locator("#escalation-panel")).to_contain_text("Waiting for Lee Chen")
    assert Conversation.objects.get(pk=dana.pk).assignee_id != lee_agent.pk  # not Lee's yet
    handoff = Handoff.objects.get(conversation=dana)
    assert handoff.state == "pending"
    assert alex.errors == [], alex.errors

    lee = tab()
    page = lee.login("lee")
    page.goto(f"/escalation/handoffs/{handoff.pk}/")
    expect(page.locator("#brief")).to_contain_text("Issue:")
    expect(page.locator("#brief")).to_contain_text("Avoid saying:")
    page.get_by_role("button", name="I have read the brief — take over").click()
    page.wait_for_url(f"**/c/{dana.pk}/")
    expect(page.locator(".flash")).to_contain_text("The conversation is yours")
    expect(page.locator(".msg-out").last).to_contain_text(
        "I am Lee Chen and I am taking over your case"
    )
    expect(page.locator(".tools")).to_contain_text("Lee Chen")
    assert lee.errors == [], lee.errors
    handoff.refresh_from_db()
    assert handoff.state == "accepted" and handoff.decided_by.user.username == "lee"
