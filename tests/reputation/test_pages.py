"""The reputation pages: figures, filters, permissions, CSV export, query counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.reputation.conftest import ingest

pytestmark = pytest.mark.django_db


def login(client, username):
    client.login(username=username, password=f"pw-{username}-123")
    return client


@pytest.fixture
def reviews(stores):
    now = datetime.now(UTC)
    made = [
        ingest(
            external_id="a",
            rating=1,
            body='=HYPERLINK("http://evil.example","click") rude staff',
            published_at=now - timedelta(days=3),
        ),
        ingest(
            external_id="b",
            rating=5,
            body="Lovely.",
            location="northgate",
            published_at=now - timedelta(days=10),
        ),
        ingest(
            external_id="c",
            rating=2,
            author="@sum(1)",
            body="Slow tills, long queue.",
            location="riverside-mall",
            published_at=now - timedelta(hours=5),
        ),
    ]
    return made


def test_anonymous_goes_to_login(client):
    assert client.get("/reputation/").status_code == 302


def test_dashboard_shows_figures_per_location_and_brand(client, reviews):
    r = login(client, "jo").get("/reputation/")
    assert r.status_code == 200
    html = r.content.decode()
    for name in ("Harbour Street", "Northgate", "Riverside Mall"):
        assert name in html
    report = r.context["report"]
    assert (
        report.brand.total == 3
        and report.brand.negative == 2
        and report.brand.average == pytest.approx(2.67, 0.01)
    )
    assert [r.pk for r in r.context["unanswered"]] == [reviews[0].pk, reviews[2].pk]
    assert dict(report.unanswered_ages) == {
        "under 1 day": 1,
        "1–3 days": 0,
        "3–7 days": 1,
        "over a week": 0,
    }
    assert "<svg" in html and "style=" not in html and "<script>" not in html


def test_filters(client, reviews):
    c = login(client, "jo")
    assert c.get("/reputation/?location=northgate").context["report"].brand.total == 1
    assert c.get("/reputation/?negative=1").context["report"].brand.total == 2
    assert c.get("/reputation/?kind=mention").context["report"].brand.total == 0
    assert c.get("/reputation/?period=bogus").status_code == 200


def test_other_teams_see_nothing_and_get_404_on_a_review(client, reviews):
    c = login(client, "alex")  # Orders only
    assert c.get("/reputation/").context["report"].brand.total == 0
    assert c.get(f"/reputation/r/{reviews[0].pk}/").status_code == 404
    assert (
        c.post(
            f"/reputation/r/{reviews[0].pk}/reply/", {"body": "x", "action": "approve"}
        ).status_code
        == 404
    )
    login(client, "morgan")
    assert client.get(f"/reputation/r/{reviews[0].pk}/").status_code == 200


def test_export_neutralizes_formulas(client, reviews):
    r = login(client, "jo").get("/reputation/export.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    header, body = rows[0], rows[1:]
    assert len(body) == 3
    cells = [cell for row in body for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    text = next(row for row in body if row[0] == "a")[header.index("text")]
    assert text.startswith("'=HYPERLINK")
    assert "'@sum(1)" in cells


def test_dashboard_query_count_does_not_grow_with_locations(client, stores):
    from calmdesk.models import Location

    c = login(client, "jo")
    ingest(external_id="x0", rating=1, body="Bad.")
    with CaptureQueriesContext(connection) as few:
        c.get("/reputation/")
    for i in range(6):
        Location.objects.create(name=f"Store {i}", slug=f"store-{i}", team=stores["team"])
        ingest(
            external_id=f"x{i + 1}",
            rating=1 + i % 5,
            body="Bad service." if i % 2 else "Fine.",
            location=f"store-{i}",
        )
    with CaptureQueriesContext(connection) as many:
        c.get("/reputation/")
    assert len(many) <= len(few) + 2, [q["sql"] for q in many.captured_queries]
    assert len(many) <= 25


def test_review_page_draft_check_and_approve(client, stores):
    review = ingest(rating=1, author="Mike Thornton", body="Rude staff, waited 40 minutes.")
    c = login(client, "jo")
    page = c.get(f"/reputation/r/{review.pk}/")
    draft = page.context["draft"]
    assert page.status_code == 200 and not draft.blocking and "Hi Mike" in draft.text
    bad = c.post(
        f"/reputation/r/{review.pk}/reply/",
        {"body": "Mike Thornton, you're wrong.", "action": "approve"},
    )
    assert bad.status_code == 422 and bad.context["draft"].blocking
    # findings are named for people, and the message says whose data it is
    shown = bad.content.decode()
    assert "public personal data" in shown and "public_personal_data" not in shown
    assert "customer&#x27;s full name" in shown
    checked = c.post(f"/reputation/r/{review.pk}/reply/", {"body": draft.text, "action": "check"})
    assert checked.status_code == 200 and not checked.context["draft"].blocking
    done = c.post(f"/reputation/r/{review.pk}/reply/", {"body": draft.text, "action": "approve"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.responded_at is not None
    page = c.get(f"/reputation/r/{review.pk}/").content.decode()
    assert 'id="approved-reply"' in page and 'data-copy="approved-reply"' in page


def test_link_and_alert_forms(client, stores):
    from calmdesk.actions import receive
    from calmdesk.models import ReputationAlert
    from tests.conftest import inbound

    receive(
        inbound(
            body="Waited 40 minutes at Harbour Street.",
            location="harbour-street",
            customer={"name": "Mike Thornton", "email": "mike@example.com"},
        ),
        assess=False,
    )
    review = ingest(rating=1, author="Mike T.", body="Waited 40 minutes.")
    c = login(client, "jo")
    [suggestion] = c.get(f"/reputation/r/{review.pk}/").context["suggestions"]
    r = c.post(f"/reputation/r/{review.pk}/link/", {"customer": suggestion.customer.pk})
    assert r.status_code == 302 and r["Location"] == f"/customers/{suggestion.customer.pk}/"
    alert = ReputationAlert.objects.get(review=review)
    assert c.post(f"/reputation/alerts/{alert.pk}/ack/").status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert login(client, "alex").post(f"/reputation/alerts/{alert.pk}/ack/").status_code == 404


def test_script_is_served_for_the_copy_button(client):
    r = client.get("/reputation/reputation.js")
    assert r.status_code == 200 and "clipboard" in r.content.decode()
