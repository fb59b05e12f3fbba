"""iter_rows on CSV and JSON Lines files: good rows, broken rows, exact line numbers."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from calmdesk.intake.files import (
    FileFormatError,
    RowError,
    derived_external_id,
    iter_rows,
    parse_rating,
    parse_time,
)
from calmdesk.intake.types import Inbound, InboundCustomer


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def results(path, channel="review", **kwargs):
    return list(iter_rows(path, channel, **kwargs))


def errors(rows):
    return [(line, item.message) for line, item in rows if isinstance(item, RowError)]


def goods(rows):
    return {line: item for line, item in rows if isinstance(item, Inbound)}


def test_csv_all_columns(tmp_path):
    path = write(
        tmp_path,
        "reviews.csv",
        "external_id,name,email,phone,handle,subject,sent_at,thread_id,location,team,rating,url,body,extra\n"
        "g-1,Ann Lee,Ann@Example.com,+44 20 7946 0000,@ann,Cold food,2024-06-01T18:30:00+01:00,"
        "t-9,soho,support,2,https://maps.test/r/1,The food was cold.,ignored\n",
    )
    [(line, inbound)] = results(path)
    assert line == 2
    assert inbound == Inbound(
        channel="review",
        body="The food was cold.",
        customer=InboundCustomer(
            name="Ann Lee",
            email="ann@example.com",
            phone="+44 20 7946 0000",
            handle="@ann",
            review_name="Ann Lee",
        ),
        external_id="g-1",
        subject="Cold food",
        sent_at=datetime(2024, 6, 1, 17, 30, tzinfo=UTC),
        thread_id="t-9",
        location="soho",
        team="support",
        rating=2,
        url="https://maps.test/r/1",
    )


def test_csv_aliases_and_good_rows_kept_around_broken_ones(tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        "id,author,title,date,rating,text\n"  # 1
        "1,Ann,Late,2024-06-01,5,Great\n"  # 2
        "2,Bob,,2024-06-01,x,Terrible\n"  # 3
        '3,Cy,,2024-06-02,2,"Multi\n'  # 4
        "line\n"  # 5
        'review"\n'  # 6
        "4,Di,,,1,\n"  # 7
        "\n"  # 8
        "5,Ed,,yesterday,3,Meh\n"  # 9
        "6,Flo,,,6,Too many stars\n"  # 10
        "7,Gus,,,4,ok,surplus\n"  # 11
        "8,Hal,,,4.5,Half\n"  # 12
        "9,Ivy,,,,No rating is fine\n",  # 13
    )
    rows = results(path)
    assert errors(rows) == [
        (3, "rating 'x' is not a number"),
        (7, "body is empty"),
        (9, "sent_at 'yesterday' is not an ISO-8601 date or time (e.g. 2024-06-03T10:00:00+02:00)"),
        (10, "rating 6 is not between 1 and 5"),
        (11, "7 fields but the header names only 6"),
        (12, "rating '4.5' is not a whole number of stars"),
    ]
    good = goods(rows)
    assert sorted(good) == [2, 4, 13]
    assert good[2].customer.name == "Ann" and good[2].subject == "Late"
    assert good[2].sent_at == datetime(2024, 6, 1, tzinfo=UTC)  # naive: UTC
    assert good[4].body == "Multi\nline\nreview"
    assert good[13].rating is None and good[13].sent_at is None


def test_csv_undecodable_line_is_one_broken_row(tmp_path):
    data = b"body,name\nfine,Ann\n" + b"caf\xe9,Bob\n" + b"also fine,Cy\n"
    rows = results(write(tmp_path, "r.csv", data), "chat")
    assert errors(rows) == [
        (
            3,
            "not valid utf-8 text (byte 0xe9 at column 4); re-save the file as UTF-8 "
            "or pass --encoding",
        )
    ]
    assert sorted(goods(rows)) == [2, 4]
    latin = results(write(tmp_path, "l.csv", data), "chat", encoding="latin-1")
    assert goods(latin)[3].body == "café"


def test_csv_bom_semicolons_and_header_spelling(tmp_path):
    data = "\ufeffBody;Name;Sent At\r\nHello;Ann;2024-06-01 10:00\r\n".encode()
    [(line, inbound)] = results(write(tmp_path, "r.csv", data), "social")
    assert line == 2 and inbound.body == "Hello" and inbound.customer.review_name == ""
    assert inbound.sent_at == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)


def test_tsv(tmp_path):
    [(_, inbound)] = results(write(tmp_path, "r.tsv", "body\tname\nA, b; c\tAnn\n"), "chat")
    assert inbound.body == "A, b; c"


def test_naive_times_take_the_given_zone(tmp_path):
    path = write(tmp_path, "r.csv", "body,name,sent_at\nhi,Ann,2024-01-15T09:00:00\n")
    [(_, inbound)] = results(path, default_tz=ZoneInfo("Europe/Paris"))
    assert inbound.sent_at.astimezone(UTC) == datetime(2024, 1, 15, 8, 0, tzinfo=UTC)


def test_csv_bad_quoting_is_reported(tmp_path):
    path = write(tmp_path, "r.csv", 'body,name\n"ok",Ann\n"bad"quote,Bob\nfine,Cy\n')
    rows = results(path, "chat")
    assert [line for line, _ in errors(rows)] == [3]
    assert "cannot be read as CSV" in errors(rows)[0][1]
    assert sorted(goods(rows)) == [2, 4]


def test_rows_without_id_get_a_stable_content_id(tmp_path):
    text = "name,sent_at,body\nAnn,2024-06-01T10:00:00Z,Cold food\nBob,,Cold food\n"
    first = goods(results(write(tmp_path, "a.csv", text)))
    again = goods(results(write(tmp_path, "b.csv", text)))
    assert first[2].external_id == again[2].external_id
    assert first[2].external_id.startswith("sha256:")
    assert first[2].external_id != first[3].external_id  # another customer
    other_channel = goods(results(write(tmp_path, "c.csv", text), "social"))
    assert other_channel[2].external_id != first[2].external_id


def test_derived_id_ignores_time_zone_spelling_and_whitespace():
    who = InboundCustomer(name="Ann")
    a = derived_external_id("review", who, datetime(2024, 6, 1, 12, tzinfo=UTC), "Cold  food")
    b = derived_external_id(
        "review", who, datetime(2024, 6, 1, 14, tzinfo=timezone(timedelta(hours=2))), "Cold food"
    )
    assert a == b


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.csv", "", "the file is empty"),
        ("r.csv", "name,rating\nAnn,5\n", "no 'body' (or 'text') column"),
        ("r.xlsx", "body\nx\n", "expected a .csv or .jsonl file"),
        ("r.json", "[]", "expected a .csv or .jsonl file"),
    ],
)
def test_unusable_files(tmp_path, name, content, message):
    with pytest.raises(FileFormatError, match=re.escape(message)):
        results(write(tmp_path, name, content))


def test_missing_file_unknown_channel_unknown_encoding(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        results(tmp_path / "gone.csv")
    path = write(tmp_path, "r.csv", "body\nx\n")
    with pytest.raises(FileFormatError, match="unknown channel 'fax'"):
        results(path, "fax")
    with pytest.raises(FileFormatError, match="unknown encoding"):
        results(path, encoding="klingon")


def test_jsonl(tmp_path):
    lines = [
        json.dumps(
            {"id": 101, "author": "Ann", "rating": 1, "text": "Awful", "date": "2024-06-01"}
        ),
        "",
        '{"body": "unterminated',
        json.dumps(["not", "an", "object"]),
        json.dumps(
            {"external_id": "x", "body": "Nested", "customer": {"email": "B@X.TEST", "id": 7}}
        ),
        json.dumps({"body": {"deep": 1}, "name": "Cy"}),
        json.dumps({"body": "Bad rating", "name": "Di", "rating": True}),
        json.dumps({"body": "no one"}),
    ]
    rows = results(write(tmp_path, "r.jsonl", "\n".join(lines) + "\n"))
    assert errors(rows) == [
        (3, "not valid JSON: Unterminated string starting at (column 10)"),
        (4, "expected a JSON object, got list"),
        (6, "body must be text, not dict"),
        (7, "rating True is not a number"),
        (8, "customer needs at least one of name, email, phone, handle"),
    ]
    good = goods(rows)
    assert good[1].external_id == "101" and good[1].rating == 1
    assert good[5].customer.email == "b@x.test" and good[5].external_id == "x"


def test_parse_time_and_rating():
    assert parse_time("2024-06-01T10:00:00Z") == datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert parse_time("1717236000") == datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert parse_time("") is None
    assert parse_rating(" 4 ") == 4 and parse_rating(5.0) == 5 and parse_rating("") is None


def test_header_only_and_long_fields(tmp_path):
    assert results(write(tmp_path, "h.csv", "body,name\n")) == []
    long_body = "x" * 200_000  # above the csv module's default field limit
    [(_, inbound)] = results(write(tmp_path, "l.csv", f'body,name\n"{long_body}",Ann\n'))
    assert inbound.body == long_body


def test_csv_unclosed_quote_loses_only_its_line(tmp_path):
    lines = ["id,author,body", 'qq1,Ann,"broken quote']
    lines += [f"qq{i},User{i},message number {i}" for i in range(2, 31)]
    rows = results(write(tmp_path, "r.csv", "\n".join(lines) + "\n"), "chat")
    assert errors(rows) == [(2, "the row cannot be read as CSV: a quoted field is never closed")]
    good = goods(rows)
    assert sorted(good) == list(range(3, 32))
    assert good[3].external_id == "qq2" and good[31].body == "message number 30"


def test_csv_multiline_field_kept_and_broken_records_resume_on_the_next_line(tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        "id,author,body\n"  # 1
        'm1,Ann,"first\n'  # 2
        "second, with a comma\n"  # 3
        'third ""quoted"""\n'  # 4
        "m2,Bob,next\n"  # 5
        'm3,Cy,"opens here\n'  # 6
        'm4,Di,"closes the stray quote" badly\n'  # 7
        "m5,Ed,after\n",  # 8
    )
    rows = results(path, "chat")
    assert [line for line, _ in errors(rows)] == [6, 7]
    good = goods(rows)
    assert sorted(good) == [2, 5, 8]
    assert good[2].body == 'first\nsecond, with a comma\nthird "quoted"'
    assert good[5].external_id == "m2" and good[8].external_id == "m5"


def test_csv_quoted_field_may_span_at_most_max_record_lines(tmp_path, monkeypatch):
    monkeypatch.setattr("calmdesk.intake.files.MAX_RECORD_LINES", 3)
    path = write(
        tmp_path,
        "r.csv",
        "id,author,body\n"  # 1
        'a1,Ann,"one\ntwo\nthree"\n'  # 2-4: three lines, accepted
        'b1,Bob,"never closed\n'  # 5
        "b2,Cy,fine\n"  # 6
        "b3,Di,fine\n"  # 7
        'b4,Ed,size 5"\n',  # 8: would close line 5's quote, 4 lines on
    )
    rows = results(path, "chat")
    assert errors(rows) == [
        (5, "the row cannot be read as CSV: a quoted field is not closed within 3 lines")
    ]
    good = goods(rows)
    assert sorted(good) == [2, 6, 7, 8]
    assert good[2].body == "one\ntwo\nthree" and good[8].body == 'size 5"'


def test_review_csv_bad_quote_does_not_swallow_the_next_rows(tmp_path):
    from calmdesk.intake.reviews import ReviewRecord, iter_reviews

    path = write(
        tmp_path,
        "reviews.csv",
        "review_id,rating,author,date,location,text\n"
        + "".join(f"r{i},4,Ann,2026-03-01,soho,Fine {i}\n" for i in range(2, 6))
        + 'r6,1,Bob,2026-03-01,soho,"Awful\n'
        + "r7,5,Cy,2026-03-01,soho,Lovely\n",
    )
    result = list(iter_reviews(path, "generic"))
    assert [(w, i.line) for w, i in result if isinstance(i, RowError)] == [("line 6", 6)]
    ids = [i.external_id for _, i in result if isinstance(i, ReviewRecord)]
    assert ids == ["r2", "r3", "r4", "r5", "r7"]
