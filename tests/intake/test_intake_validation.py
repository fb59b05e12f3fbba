"""What `Inbound.validate()` and its normalisation refuse or clean, seen through
the real doors: `calmdesk import`, `import-email`, `import-reviews` and `receive`.

Runs on SQLite, and on PostgreSQL with CALMDESK_TEST_DATABASE_URL (where a NUL
in a text column is an error, so the NUL tests matter most there)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from calmdesk.cli import main
from calmdesk.intake.types import MAX_CLOCK_SKEW, Inbound, InboundCustomer, InboundError
from tests.conftest import inbound
from tests.intake.mail import build

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def stored():
    from calmdesk.models import Message

    return list(Message.objects.select_related("conversation__customer").order_by("id"))


def jsonl(tmp_path, *rows):
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


# --- sent_at: between 1970 and now + the clock skew ------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("sent_at", "problem"),
    [
        ("0001-01-01T00:00:00+05:00", "sent_at 0001-01-01T00:00:00+05:00 is before 1970"),
        ("1969-12-31T23:59:59Z", "sent_at 1969-12-31T23:59:59+00:00 is before 1970"),
        (
            "2100-01-01T00:00:00Z",
            "sent_at 2100-01-01T00:00:00+00:00 is in the future "
            "(more than 5 minutes ahead of the server's clock)",
        ),
        (
            "9999-12-31T23:59:59-12:00",
            "sent_at 9999-12-31T23:59:59-12:00 is in the future "
            "(more than 5 minutes ahead of the server's clock)",
        ),
    ],
)
def test_import_reports_a_date_out_of_range_as_a_broken_row_and_goes_on(
    tmp_path, capsys, sent_at, problem
):
    path = jsonl(
        tmp_path,
        {"id": "c1", "handle": "@ann", "body": "Hello", "sent_at": sent_at},
        {"id": "c2", "handle": "@bob", "body": "Still here", "sent_at": "2026-03-01T10:00:00Z"},
    )
    code, out, _ = run(capsys, "import", str(path), "--channel", "chat", "-q")
    assert code == 0
    assert out == f"1 imported, 0 already present, 1 broken row: line 1: {problem}"
    assert [m.external_id for m in stored()] == ["c2"]


@time_machine.travel(NOW, tick=False)
def test_rows_without_an_id_and_huge_unix_times_are_broken_rows_too(tmp_path, capsys):
    """A row with no id gets one made from its time: an out-of-range time must be
    refused before that (year 1 east of UTC has no UTC value); so must Unix
    seconds past year 9999."""
    path = jsonl(
        tmp_path,
        {"handle": "@ann", "body": "Hello", "sent_at": "0001-01-01T00:00:00+05:00"},
        {"id": "c2", "handle": "@bob", "body": "Hi", "sent_at": "99999999999999"},
        {"id": "c3", "handle": "@cy", "body": "Still here", "sent_at": "2026-03-01T10:00:00Z"},
    )
    code, out, _ = run(capsys, "import", str(path), "--channel", "chat", "-q")
    assert code == 0
    assert out == (
        "1 imported, 0 already present, 2 broken rows: "
        "line 1: sent_at 0001-01-01T00:00:00+05:00 is before 1970; "
        "line 2: sent_at '99999999999999' is not an ISO-8601 date or time "
        "(e.g. 2024-06-03T10:00:00+02:00)"
    )
    assert [m.external_id for m in stored()] == ["c3"]


@time_machine.travel(NOW, tick=False)
def test_sent_at_limits_are_inclusive_and_the_skew_is_the_apis():
    from calmdesk.actions import receive
    from calmdesk.api.schemas import MAX_CLOCK_SKEW as API_SKEW

    assert API_SKEW == MAX_CLOCK_SKEW == timedelta(minutes=5)
    receive(inbound(external_id="e1", sent_at=datetime(1970, 1, 1, tzinfo=UTC)))
    receive(inbound(external_id="e2", sent_at=NOW + MAX_CLOCK_SKEW))
    with pytest.raises(InboundError, match="is in the future"):
        receive(inbound(external_id="e3", sent_at=NOW + MAX_CLOCK_SKEW + timedelta(seconds=1)))
    assert [m.external_id for m in stored()] == ["e1", "e2"]


@time_machine.travel(NOW, tick=False)
def test_import_reviews_reports_a_date_out_of_range_as_a_broken_row(org, tmp_path, capsys):
    from calmdesk.models import Location, Review

    for slug in ("harbour-street", "northgate"):
        Location.objects.create(name=slug.title(), slug=slug, team=org.orders)

    path = tmp_path / "export.csv"
    path.write_text(
        "review_id,rating,author,text,date,location\n"
        "a,1,Ann,Rude staff,0001-01-01T00:00:00+05:00,harbour-street\n"
        "b,2,Ben,Slow,2100-01-01T00:00:00Z,harbour-street\n"
        ",3,Cy,No id,0001-01-01T00:00:00+05:00,harbour-street\n"
        "d,5,Di,Lovely,2026-03-01,northgate\n"
    )
    code, out, err = run(capsys, "import-reviews", str(path), "-q")
    assert code == 0, err
    assert out == (
        "1 imported, 0 already present, 3 broken rows: "
        "line 2: date 0001-01-01T00:00:00+05:00 is before 1970; "
        "line 3: date 2100-01-01T00:00:00+00:00 is in the future "
        "(more than 5 minutes ahead of the server's clock); "
        "line 4: date 0001-01-01T00:00:00+05:00 is before 1970"
    )
    assert list(Review.objects.values_list("external_id", flat=True)) == ["d"]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "date",
    [
        "Fri, 31 Dec 9999 23:59:59 -1200",  # past datetime.max in UTC
        "Fri, 01 Jan 2100 00:00:00 +0000",  # far in the future
        "Thu, 01 Jan 1920 00:00:00 +0000",  # before 1970
        "yesterday-ish",  # unreadable, as before
    ],
)
def test_import_email_takes_a_date_out_of_range_as_unreadable(tmp_path, capsys, date):
    path = tmp_path / "odd.eml"
    path.write_bytes(build(date=date, message_id="<odd@mail.example.com>"))
    (tmp_path / "ok.eml").write_bytes(build(message_id="<ok@mail.example.com>"))
    code, out, _ = run(capsys, "import-email", str(path), str(tmp_path / "ok.eml"), "-q")
    assert code == 0
    assert out == "2 imported, 0 already present"
    odd, ok = stored()
    assert odd.sent_at == NOW  # the time it was received
    assert ok.sent_at == datetime(2024, 6, 3, 8, 0, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_email_date_a_few_minutes_ahead_is_kept():
    from calmdesk.intake.email import parse_email

    ahead = "Mon, 02 Mar 2026 12:04:00 +0000"
    assert parse_email(build(date=ahead)).sent_at == NOW + timedelta(minutes=4)


# --- NUL and other control characters: stripped, the message kept ----------------


def test_nul_and_control_characters_are_stripped_from_text_fields(tmp_path, capsys):
    path = jsonl(
        tmp_path,
        {
            "id": "n1",
            "name": "Nul\u0000Name\u001b",
            "email": "nul@example.com",
            "subject": "Sub\u0000ject\u0007",
            "body": "nul \u0000 byte\u0008,\tkept\r\nlines\u007f",
        },
    )
    code, out, _ = run(capsys, "import", str(path), "--channel", "email", "-q")
    assert code == 0
    assert out == "1 imported, 0 already present"
    (message,) = stored()
    assert message.body == "nul  byte,\tkept\nlines"  # the import folds \r\n
    assert message.conversation.subject == "Subject"
    assert message.conversation.customer.name == "NulName"


def test_normalisation_cleans_every_text_field():
    from calmdesk.actions import receive

    dirty = inbound(
        channel="chat",
        external_id="x\u00001",
        thread_id="t\u00001",
        subject="s\u0000",
        body="b\u0000ody",
        body_html="<p>h\u0000tml</p>",
        customer={"name": "N\u0000", "email": "a\u0000@example.com", "handle": "@h\u0000"},
    )
    clean = dirty.normalized()
    assert (clean.external_id, clean.thread_id, clean.subject, clean.body) == (
        "x1",
        "t1",
        "s",
        "body",
    )
    assert clean.body_html == "<p>html</p>"
    assert clean.customer == InboundCustomer(name="N", email="a@example.com", handle="@h")
    result = receive(dirty)
    assert receive(clean).message_id == result.message_id  # the same message, once
    (message,) = stored()
    assert (message.external_id, message.body) == ("x1", "body")


def test_api_stores_a_message_with_nul_characters_stripped(client, org):
    from calmdesk.actions import do_create_token

    token = do_create_token(org.alex, "tests")
    payload = {
        "channel": "chat",
        "external_id": "api-nul",
        "customer": {"name": "Nul\u0000Name", "handle": "@nul"},
        "body": "nul \u0000 byte",
    }
    r = client.post(
        "/api/v1/messages",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 201, r.content
    (message,) = stored()
    assert (message.body, message.conversation.customer.name) == ("nul  byte", "NulName")


def test_import_reviews_strips_nul_from_the_review_too(org, tmp_path, capsys):
    from calmdesk.models import Location, Review

    Location.objects.create(name="Northgate", slug="northgate", team=org.orders)
    path = tmp_path / "export.jsonl"
    path.write_text(
        json.dumps(
            {
                "review_id": "n1",
                "rating": 2,
                "author": "Nul\u0000Name",
                "title": "Ti\u0000tle",
                "text": "nul \u0000 byte",
                "date": "2026-03-01",
                "location": "northgate",
            }
        )
        + "\n"
    )
    code, out, err = run(capsys, "import-reviews", str(path), "-q")
    assert (code, out) == (0, "1 imported, 0 already present"), err
    review = Review.objects.get()
    assert (review.body, review.author, review.title) == ("nul  byte", "NulName", "Title")
    assert stored()[0].body == "nul  byte"


def test_a_body_of_only_control_characters_is_empty():
    with pytest.raises(InboundError, match="body is empty"):
        inbound(body="\u0000\u0001 ").normalized().validate()


# --- url: http(s) only (it is not stored; a review's id may be built from it) ---


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.com/x", "//x.test/y"]
)
def test_url_must_be_http_or_https(url):
    from calmdesk.actions import receive

    with pytest.raises(InboundError, match="is not an http\\(s\\) address"):
        receive(inbound(channel="review", url=url, customer={"review_name": "Ann"}))
    assert stored() == []


def test_import_reports_a_bad_url_by_line(tmp_path, capsys):
    path = jsonl(
        tmp_path,
        {"id": "u1", "handle": "@ann", "body": "Hi", "url": "javascript:alert(1)"},
        {"id": "u2", "handle": "@bob", "body": "Hi", "url": "https://social.example/p/2"},
    )
    code, out, _ = run(capsys, "import", str(path), "--channel", "social", "-q")
    assert code == 0
    assert out == (
        "1 imported, 0 already present, 1 broken row: "
        "line 1: url 'javascript:alert(1)' is not an http(s) address"
    )


def test_validate_accepts_the_ordinary_message():
    Inbound(
        channel="review",
        body="Fine",
        customer=InboundCustomer(review_name="Ann"),
        url="HTTPS://reviews.example/r/1",
        sent_at=datetime(2024, 6, 1, tzinfo=UTC),
    ).validate()
