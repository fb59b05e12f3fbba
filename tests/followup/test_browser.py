"""The survey page in Chromium on a phone-sized viewport, with JavaScript off."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser import BROWSER_TESTS, chromium

pytestmark = BROWSER_TESTS


@pytest.fixture
def phone(live_server):
    with chromium() as browser:
        context = browser.new_context(
            viewport={"width": 375, "height": 667},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
            java_script_enabled=False,
            base_url=live_server.url,
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on(
            "response",
            lambda r: r.status >= 400 and "favicon" not in r.url and errors.append(r.url),
        )
        yield page, errors
        context.close()


def test_customer_answers_the_survey_on_a_phone_without_javascript(
    phone, transactional_db, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from playwright.sync_api import expect

    from calmdesk.actions import do_create_user
    from calmdesk.actions.surveys import do_send_survey, survey_url
    from calmdesk.models import Survey, Team
    from tests.followup.conftest import resolved_case

    cache.clear()
    orders = Team.objects.create(name="Orders", slug="orders")

    class Org:
        alex = do_create_user("alex", "agent", teams=[orders], password="pw-alex-123")

    case = resolved_case(Org)
    survey = do_send_survey(case.customer, "csat", conversation=case)
    page, errors = phone
    page.goto(re.sub(r"^https?://[^/]+", "", survey_url(survey)))
    expect(page.get_by_role("heading", name="Dana, how did we do?")).to_be_visible()
    # fits the screen: no sideways scrolling, big enough targets
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = page.locator("label.score").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    page.locator("label.score", has_text="2").tap()
    page.get_by_label("Anything you would like to tell us?").fill(
        "The parcel came but it was late again."
    )
    page.get_by_role("button", name="Send my answer").tap()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert [e for e in errors if "Failed to load resource" not in e] == []  # CSP, missing files
    page.screenshot(path=str(_shot_dir() / "survey-phone.png"))
    survey = Survey.objects.get(pk=survey.pk)
    assert (survey.score, survey.comment, survey.low) == (
        2,
        "The parcel came but it was late again.",
        True,
    )


def _shot_dir():
    from pathlib import Path

    path = Path(os.environ.get("CALMDESK_DATA_DIR", "/tmp")) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
