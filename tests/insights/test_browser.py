"""The insights area in a real browser: Debian's Chromium driven by Playwright.

Never `playwright install`: /usr/bin/chromium (apt) is used and the test
skips where it is absent. Checks that the charts draw under the strict CSP
(plotly.js served from the pip package), that every chart has its table,
that a number links to the conversations behind it and that a manager can
give a cause an owner and a fix date.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import BROWSER_TESTS, chromium

pytestmark = BROWSER_TESTS


@pytest.fixture
def page(live_server, transactional_db):
    errors: list[str] = []
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, base_url=live_server.url
        )
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        # console errors too: a style or script the CSP blocks is one
        tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
        tab.errors = errors
        yield tab
        context.close()


def _data():
    from calmdesk import actions
    from calmdesk.actions import do_create_user
    from calmdesk.models import Team
    from tests.insights.helpers import talk

    orders = Team.objects.create(name="Orders", slug="orders")
    manager = do_create_user("morgan", "manager", password="pw-morgan-123")
    do_create_user("lee", "lead", teams=[orders], password="pw-lee-123")
    now = timezone.now()
    for i in range(30):
        talk(
            at=now - timedelta(days=i * 2 + 1),
            body="My parcel never arrived!" if i % 2 else "Charged twice on my card!",
            channel=("email", "chat")[i % 2],
            difficult=i % 3 != 0,
        )
    actions.do_categorize()
    return manager


def _login(page, username: str, password: str):
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_insights_area_in_the_browser(page):
    _data()
    _login(page, "morgan", "pw-morgan-123")
    page.goto("/insights/")
    charts = page.locator("[data-chart]")
    assert charts.count() == 5
    page.wait_for_function("document.querySelectorAll('[data-drawn]').length === 5")
    assert page.locator("[data-chart] svg.main-svg").count() >= 5
    # each chart has a table with the same numbers beside it, exportable
    assert page.locator("#table-weekly tbody tr").count() == 12
    assert page.locator("#table-by-channel a[download], #table-by-channel caption a").count() == 1
    # a number links to the conversations behind it
    page.locator("#table-by-channel tbody tr").first.locator("td a").nth(1).click()
    page.wait_for_selector("#drill")
    assert page.locator("#drill tbody tr").count() >= 1
    assert "Difficult conversations by channel" in page.inner_text("h1")

    # a manager gives the delivery cause an owner and a fix date
    page.goto("/insights/causes/")
    page.wait_for_function("document.querySelectorAll('[data-drawn]').length === 1")
    page.locator("#table-causes a", has_text="Delivery").first.click()
    page.select_option("#owner", label="lee (Team lead)")
    page.fill("#fix_description", "New courier")
    page.fill("#fix_date", (timezone.localdate() - timedelta(days=21)).isoformat())
    page.click("text=Save")
    page.wait_for_selector(".verdict")
    assert "Owner: lee" in page.inner_text("main")
    assert page.locator(".verdict strong").count() == 1

    page.goto("/insights/team/")
    assert page.locator("#figure-sla .value").inner_text() in (
        "not tracked yet",
        "no cases yet",
        "too few to tell",
    ) or page.locator("#figure-sla .value").inner_text().endswith("%")
    assert page.errors == []
