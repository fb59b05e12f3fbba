"""`calmdesk import` and `calmdesk import-email` end to end, into the test database."""

from __future__ import annotations

import csv
import mailbox

import pytest

from calmdesk.cli import main
from tests.intake.mail import build

pytestmark = pytest.mark.django_db

REVIEWS = (
    "id,author,rating,date,body\n"  # 1
    "r1,Ann,5,2024-06-01,Lovely dinner\n"  # 2
    "r2,Bob,x,2024-06-01,Cold soup\n"  # 3
    'r3,Cy,1,2024-06-02,"Rude waiter.\nNever again."\n'  # 4-5
    "r4,Di,2,,\n"  # 6
    "r5,Ed,2,2024-06-03,Slow\n"  # 7
)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def messages():
    from calmdesk.models import Message

    return Message.objects.select_related("conversation").order_by("id")


def test_import_csv_keeps_good_rows_and_reports_broken_ones(tmp_path, capsys):
    path = tmp_path / "reviews.csv"
    path.write_text(REVIEWS)
    code, out, _ = run(capsys, "import", str(path), "--channel", "review")
    assert code == 0
    assert out == (
        "3 imported, 0 already present, 2 broken rows: "
        "line 3: rating 'x' is not a number; line 6: body is empty"
    )
    stored = list(messages())
    assert [m.external_id for m in stored] == ["r1", "r3", "r5"]
    assert [m.conversation.rating for m in stored] == [5, 1, 2]
    assert stored[1].body == "Rude waiter.\nNever again."
    assert len({m.conversation_id for m in stored}) == 3  # one conversation per review

    code, out, _ = run(capsys, "import", str(path), "--channel", "review", "--no-assess")
    assert code == 0
    assert out.startswith("0 imported, 3 already present, 2 broken rows: line 3:")
    assert messages().count() == 3


def test_rows_receive_rejects_are_reported_by_line(tmp_path, capsys):
    path = tmp_path / "chat.jsonl"
    path.write_text(
        '{"id": "c1", "thread_id": "T1", "handle": "@ann", "body": "Hello?"}\n'
        '{"id": "c2", "thread_id": "T1", "handle": "@ann", "body": "Anyone there?!"}\n'
        '{"id": "c3", "handle": "@bob", "location": "atlantis", "body": "Hi"}\n'
    )
    code, out, _ = run(capsys, "import", str(path), "--channel", "chat")
    assert code == 0
    assert out == "2 imported, 0 already present, 1 broken row: line 3: unknown location 'atlantis'"
    first, second = messages()
    assert first.conversation_id == second.conversation_id  # same thread id


def test_every_row_broken_exits_1(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("body,rating\nbad,x\n")
    code, out, err = run(capsys, "import", str(path), "--channel", "review")
    assert code == 1
    assert out == "0 imported, 0 already present, 1 broken row: line 2: rating 'x' is not a number"
    assert err == "calmdesk import: error: nothing imported: every row is broken"


def test_strict_and_errors_file_and_long_error_lists(tmp_path, capsys):
    path = tmp_path / "r.csv"
    rows = ["body,name,rating"] + ["fine,Ann,5"] + [f"bad,B{i},{i + 10}" for i in range(12)]
    path.write_text("\n".join(rows) + "\n")
    report = tmp_path / "errors.csv"
    code, out, err = run(
        capsys, "import", str(path), "--channel", "review", "--strict", "--errors", str(report)
    )
    assert code == 1 and "(--strict)" in err
    assert out.startswith("1 imported, 0 already present, 12 broken rows: line 3: rating 10 is")
    assert out.endswith("; … and 2 more")
    with report.open() as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["line", "error"] and len(table) == 13
    assert table[-1] == ["14", "rating 21 is not between 1 and 5"]


@pytest.mark.parametrize(
    ("name", "content", "argv", "message"),
    [
        ("r.csv", "body\nx\n", ["--channel", "fax"], "unknown channel 'fax'"),
        ("r.txt", "body\nx\n", ["--channel", "chat"], "expected a .csv or .jsonl file"),
        ("r.csv", "name\nAnn\n", ["--channel", "chat"], "no 'body' (or 'text') column"),
        ("r.csv", "", ["--channel", "chat"], "the file is empty"),
        ("r.csv", "body\nx\n", ["--channel", "chat", "--timezone", "Mars/Base"], "time zone"),
    ],
)
def test_unusable_input_exits_1_and_writes_nothing(tmp_path, capsys, name, content, argv, message):
    path = tmp_path / name
    path.write_text(content)
    code, out, err = run(capsys, "import", str(path), *argv)
    assert code == 1 and out == ""
    assert err.startswith("calmdesk import: error:") and message in err
    assert messages().count() == 0


def test_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "import", str(tmp_path / "gone.csv"), "--channel", "chat")
    assert code == 1 and "no such file" in err


def test_import_email_eml_and_mbox(tmp_path, capsys):
    eml = tmp_path / "one.eml"
    eml.write_bytes(build("Where is my order?", message_id="<e1@example.com>"))
    box_path = tmp_path / "archive.mbox"
    box = mailbox.mbox(box_path)
    box.add(build("I am away.", message_id="<e2@example.com>", headers={"X-Autoreply": "yes"}))
    box.add(b"Subject: who\r\n\r\nno sender\r\n")
    box.add(
        build(
            "Still waiting!",
            message_id="<e3@example.com>",
            subject="Re: Order 1234",
            headers={"In-Reply-To": "<e1@example.com>"},
        )
    )
    box.flush()
    box.close()
    code, out, _ = run(capsys, "import-email", str(eml), str(box_path))
    assert code == 0
    assert out == (
        "3 imported (1 auto-reply, never answered), 0 already present, "
        "1 broken message: archive.mbox: message 2: the email has no From: header"
    )
    stored = {m.external_id: m for m in messages()}
    assert set(stored) == {"e1@example.com", "e2@example.com", "e3@example.com"}
    assert stored["e2@example.com"].auto_submitted is True
    assert stored["e3@example.com"].conversation_id == stored["e1@example.com"].conversation_id

    code, out, _ = run(capsys, "import-email", str(eml))
    assert (code, out) == (0, "0 imported, 1 already present")
    # one mbox file alone: its broken message is still named with the file
    code, out, _ = run(capsys, "import-email", str(box_path))
    assert out.endswith("1 broken message: archive.mbox: message 2: the email has no From: header")


def test_import_email_bad_input(tmp_path, capsys):
    garbage = tmp_path / "bad.eml"
    garbage.write_bytes(b"\x00\x01\x02 nothing here \xff")
    code, out, err = run(capsys, "import-email", str(garbage))
    assert code == 1 and "bad.eml: not an email" in out
    assert "every message is broken" in err

    empty = tmp_path / "empty.mbox"
    empty.write_text("just some text\n")
    code, _, err = run(capsys, "import-email", str(empty))
    assert code == 1 and "no messages found" in err

    other = tmp_path / "mail.msg"
    other.write_bytes(b"x")
    code, _, err = run(capsys, "import-email", str(other))
    assert code == 1 and "Outlook .msg files are not supported" in err
    assert messages().count() == 0


def test_header_only_file_imports_nothing_and_exits_0(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("body,name\n")
    assert run(capsys, "import", str(path), "--channel", "chat") == (
        0,
        "0 imported, 0 already present",
        "",
    )
