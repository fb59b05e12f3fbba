"""Review exports: each documented format, good rows and broken ones reported by line."""

from __future__ import annotations

import json

import pytest

from calmdesk.intake.files import FileFormatError, RowError
from calmdesk.intake.reviews import ReviewRecord, iter_reviews, parse_review


def rows(path, fmt, **kw):
    return list(iter_reviews(path, fmt, **kw))


def good(result):
    return [item for _, item in result if isinstance(item, ReviewRecord)]


def broken(result):
    return {where: item.message for where, item in result if isinstance(item, RowError)}


def test_google_csv(tmp_path):
    path = tmp_path / "google.csv"
    path.write_text(
        "Review ID,Reviewer,Star rating,Comment,Create time,Store code,Review URL\n"
        "g1,Mike T.,ONE,Waited 40 minutes.,2026-03-01T10:00:00.123456789Z,harbour-street,https://g.example/r/g1\n"
        "g2,Sue,FIVE,,2026-03-02T10:00:00Z,northgate,\n"
        "g3,Bob,SIX,Great,2026-03-02T10:00:00Z,northgate,\n"
        "g4,Al,4,Fine,yesterday,northgate,\n"
        'g5,Zed,2,"Bad,northgate\n'
    )
    result = rows(path, "google")
    ok = good(result)
    assert [r.external_id for r in ok] == ["g1", "g2"]
    assert ok[0].rating == 1 and ok[0].author == "Mike T." and ok[0].location == "harbour-street"
    assert ok[0].published_at.isoformat() == "2026-03-01T10:00:00.123456+00:00"
    assert ok[1].body == "(5-star rating, no text)"
    errors = broken(result)
    assert "rating" in errors["line 4"] and "date" in errors["line 5"]
    assert "line 6" in errors


def test_google_api_json(tmp_path):
    path = tmp_path / "google.json"
    path.write_text(
        json.dumps(
            {
                "reviews": [
                    {
                        "name": "accounts/1/locations/2/reviews/abc",
                        "reviewer": {"displayName": "Ann"},
                        "starRating": "TWO",
                        "comment": "Cold food.",
                        "createTime": "2026-03-01T10:00:00Z",
                    },
                    {
                        "reviewId": "def",
                        "reviewer": {"displayName": "Ben"},
                        "comment": "No rating here",
                    },
                ]
            }
        )
    )
    result = rows(path, "google", default_location="northgate")
    assert [r.external_id for r in good(result)] == ["abc", "def"]
    assert good(result)[0].rating == 2 and good(result)[0].author == "Ann"


def test_trustpilot_csv_with_reference_and_email(tmp_path):
    path = tmp_path / "tp.csv"
    path.write_text(
        "Review ID,Review Created (UTC),Review Stars,Review Title,Review Content,Review Consumer User Name,Reference Id,Review Consumer Email,Business Unit\n"
        "tp1,2026-03-01 09:00:00,1,Never again,The parcel never came.,Dana W.,ORD-4411,Dana@Example.com,online\n"
        "tp2,2026-03-01 09:00:00,5,Great,,Eve,,not-an-email,online\n"
    )
    result = rows(path, "trustpilot")
    [tp1] = good(result)
    assert (
        tp1.order_ref == "ORD-4411"
        and tp1.email == "dana@example.com"
        and tp1.title == "Never again"
    )
    assert "email" in broken(result)["line 3"]


def test_yelp_jsonl(tmp_path):
    path = tmp_path / "yelp.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "y1",
                "rating": 3,
                "text": "OK pizza",
                "time_created": "2026-03-01 19:00:00",
                "user": {"name": "Kim L."},
                "url": "https://yelp.example/y1",
                "business_alias": "northgate",
            }
        )
        + "\n"
        "{not json}\n"
        + json.dumps(
            {
                "id": "y3",
                "rating": 2,
                "text": "Meh",
                "url": "javascript:alert(1)",
                "business_alias": "northgate",
            }
        )
        + "\n"
        + json.dumps(["a list"])
        + "\n"
    )
    result = rows(path, "yelp")
    assert [r.author for r in good(result)] == ["Kim L."]
    errors = broken(result)
    assert (
        "JSON" in errors["line 2"] and "http" in errors["line 3"] and "object" in errors["line 4"]
    )


def test_generic_tsv_and_location_fallback(tmp_path):
    path = tmp_path / "reviews.tsv"
    path.write_text(
        "rating\tauthor\ttext\tdate\tlocation\n4\tAl\tNice\t2026-03-01\t\n2\tBo\tSlow\t2026-03-02\tnorthgate\n"
    )
    result = rows(path, "generic", default_location="harbour-street")
    assert [r.location for r in good(result)] == ["harbour-street", "northgate"]
    assert broken(rows(path, "generic")) == {
        "line 2": "no location: add a location column or pass a default location"
    }


def test_without_a_review_id_an_edit_keeps_the_same_id():
    first = parse_review(
        {"rating": 4, "author": "Al", "text": "Nice", "date": "2026-03-01", "location": "x"}
    )
    edited = parse_review(
        {"rating": 1, "author": "Al", "text": "Broke", "date": "2026-03-01", "location": "x"}
    )
    assert first.external_id == edited.external_id


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("author,date\nAl,2026-01-01\n", "no text or rating column"),
    ],
)
def test_unusable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_text(content)
    with pytest.raises(FileFormatError, match=message):
        rows(path, "generic")


def test_unknown_extension_and_format(tmp_path):
    with pytest.raises(FileFormatError):
        rows(tmp_path / "x.xlsx", "generic")
    with pytest.raises(FileFormatError, match="unknown format"):
        rows(tmp_path / "x.csv", "facebook")


@pytest.mark.django_db
def test_cli_imports_the_good_rows_and_reports_the_broken_by_line(stores, tmp_path, capsys):
    from calmdesk.cli import main
    from calmdesk.models import Review

    path = tmp_path / "export.csv"
    path.write_text(
        "review_id,rating,author,text,date,location\n"
        "a,1,Ann,Rude staff,2026-03-01,harbour-street\n"
        "b,9,Ben,Nice,2026-03-01,harbour-street\n"
        "c,4,Cy,Nice,2026-03-01,nowhere\n"
        "d,5,Di,Lovely,2026-03-01,northgate\n"
    )
    assert main(["import-reviews", str(path), "-q"]) == 0
    out = capsys.readouterr().out
    assert (
        "2 imported" in out
        and "line 3: rating 9" in out
        and "line 4: unknown location 'nowhere'" in out
    )
    assert main(["import-reviews", str(path), "-q"]) == 0
    assert "0 imported, 2 already present" in capsys.readouterr().out
    assert Review.objects.count() == 2
    assert main(["import-reviews", str(path), "-q", "--strict"]) == 1


@pytest.mark.django_db
def test_cli_imports_locations(org, tmp_path, capsys):
    from calmdesk.cli import main
    from calmdesk.models import Location

    path = tmp_path / "locations.csv"
    path.write_text(
        "name,slug,team,address,contact_email,contact_phone\n"
        "Harbour Street,,orders,1 Harbour St,harbour@shop.example,+44 20 7946 0101\n"
        "Bad Team,,nope,,,\n"
        ",,,,,\n"
        "Quay,quay,,,not-an-email,\n"
    )
    assert main(["import-locations", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 created" in out and "line 3: unknown team 'nope'" in out and "line 5" in out
    location = Location.objects.get(slug="harbour-street")
    assert location.team.slug == "orders" and location.contact_email == "harbour@shop.example"
    path.write_text("name,slug,contact_phone\nHarbour St (new name),harbour-street,+44 1\n")
    assert main(["import-locations", str(path)]) == 0
    location.refresh_from_db()
    assert location.name == "Harbour St (new name)" and location.team.slug == "orders"
