"""`calmdesk analyze`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from calmdesk.cli import main

TEXT = "This is the THIRD time I'm writing. Cancel my account or I post this everywhere."


def test_verdict_with_bracketed_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", TEXT]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DIFFICULT") or out.startswith("HOSTILE")
    assert "[Cancel my account]" in out
    assert "[THIRD time]" in out
    assert "Why:" in out and "Threatens to cancel or leave" in out
    assert "\033[" not in out  # not a tty: no colour codes


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--json", TEXT]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == TEXT
    assert data["engine"] == "rules"
    churn = next(s for s in data["signals"] if s["kind"] == "churn_threat")
    span = churn["evidence"][0]
    assert TEXT[span["start"] : span["end"]] == span["text"]


def test_prior_contacts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--json", "--prior-contacts", "3", "Where is my parcel?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any(s["kind"] == "repeat_contact" for s in data["signals"])


def test_text_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("I want to speak to a manager"))
    assert main(["analyze"]) == 0
    assert "[want to speak to a manager]" in capsys.readouterr().out


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_text_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", TTY())
    assert main(["analyze"]) == 1
    err = capsys.readouterr().err
    assert "no text given" in err
    assert len(err.strip().splitlines()) == 1


def test_colour_on_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = TTY()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["analyze", "Cancel my account"]) == 0
    assert "\033[1;" in out.getvalue() and "Cancel my account\033[0m" in out.getvalue()


def test_learned_backend_unavailable_is_a_clean_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import calmdesk.analysis.engine as engine

    def missing() -> None:
        raise FileNotFoundError("no learned model at /nowhere: run calmdesk train")

    monkeypatch.setattr(engine, "_learned", missing)
    assert main(["analyze", "--backend", "learned", "hello"]) == 1
    assert "no learned model" in capsys.readouterr().err


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def test_csv_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write_csv(src, [["id", "text"], ["1", TEXT], ["2", "thanks, all good"], ["3", ""]])
    assert main(["analyze", "--file", str(src), "--column", "text", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["level"] in ("difficult", "hostile")
    assert "churn_threat" in rows[0]["signals"]
    assert rows[1]["level"] == "calm"
    assert rows[2]["language"] == "und"
    assert "analysed 3 rows" in capsys.readouterr().err


def test_csv_broken_rows_are_reported_by_line_and_good_rows_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(
        b"id,text\n"
        b"1,Cancel my account\n"
        b"2\n"  # no text column
        b"3,caf\xe9 au lait \xff broken\n"  # not UTF-8
        b'4,"a quoted, fine row"\n'
    )
    assert main(["analyze", "--file", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{src}:3: row has no 'text' column" in err
    assert f"{src}:4: cannot decode" in err
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["id"] for r in rows] == ["1", "4"]
    assert "2 broken row(s)" in err


def test_csv_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, [["body"], ["Where is my refund???"]])
    assert main(["analyze", "--file", str(src), "--column", "body", "--json"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0]
    record = json.loads(line)
    assert record["body"] == "Where is my refund???"
    assert any(s["kind"] == "shouting" for s in record["assessment"]["signals"])


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["analyze", "--file", str(tmp_path / "nope.csv")]) == 1
    assert "file not found" in capsys.readouterr().err


def test_missing_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, [["id", "message"], ["1", "hi"]])
    assert main(["analyze", "--file", str(src), "--column", "text"]) == 1
    err = capsys.readouterr().err
    assert "column 'text' not in" in err and "id, message" in err


def test_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("")
    assert main(["analyze", "--file", str(src)]) == 1
    assert "empty" in capsys.readouterr().err


def test_text_and_file_together(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["analyze", "hello", "--file", str(tmp_path / "x.csv")]) == 1
    assert "not both" in capsys.readouterr().err


ENTRY_POINT = Path(sys.executable).with_name("calmdesk")


@pytest.mark.skipif(not ENTRY_POINT.exists(), reason="the calmdesk entry point is not installed")
def test_entry_point_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "CALMDESK_ANALYSIS_BACKEND": "rules"}
    ok = subprocess.run(
        [str(ENTRY_POINT), "analyze", "--json", "Cancel my account now!!!"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["level"] != "calm"
    bad = subprocess.run(
        [str(ENTRY_POINT), "analyze", "--file", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert bad.returncode == 1
    assert "file not found" in bad.stderr


def test_empty_stdin_is_no_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["analyze"]) == 1
    assert "no text given" in capsys.readouterr().err


def test_csv_unclosed_quote_loses_only_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    lines = ["id,author,body", 'qq1,Ann,"broken quote']
    lines += [f"qq{i},User{i},message number {i}" for i in range(2, 31)]
    src.write_text("\n".join(lines) + "\n")
    assert main(["analyze", "--file", str(src), "--column", "body", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{src}:2: broken CSV row: a quoted field is never closed" in err
    assert "analysed 29 rows" in err and "1 broken row(s)" in err
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["id"] for r in rows] == [f"qq{i}" for i in range(2, 31)]
    assert rows[0]["body"] == "message number 2"


def test_csv_multiline_field_is_one_row_and_later_lines_keep_their_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(
        "id,text\n"  # 1
        '1,"Where is\n'  # 2
        'my refund, please?"\n'  # 3
        "2\n"  # 4: no text column
        '3,"Stop" he said\n'  # 5: loose quoting on one line is read as before
        '4,"never closed\n'  # 6
        "5,last\n"  # 7
    )
    assert main(["analyze", "--file", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{src}:4: row has no 'text' column" in err
    assert f"{src}:6: broken CSV row" in err
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["id"], r["text"]) for r in rows] == [
        ("1", "Where is\nmy refund, please?"),
        ("3", "Stop he said"),
        ("5", "last"),
    ]


def test_unwritable_out_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    write_csv(src, [["body"], ["hello"]])
    out = tmp_path / "missing-dir" / "x.csv"
    assert main(["analyze", "--file", str(src), "--column", "body", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"calmdesk analyze: error: cannot write {out}: No such file or directory"


@pytest.mark.parametrize("text", ["", "  \n"])
def test_empty_text_argument_is_no_text(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", text]) == 1
    assert "no text given" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--delimiter", ";;", "';;' cannot separate CSV fields"),
        ("--delimiter", '"', "'\"' cannot separate CSV fields"),
        ("--prior-contacts", "-3", "-3 is negative"),
        ("--prior-contacts", "two", "'two' is not a whole number"),
    ],
)
def test_bad_option_values_are_usage_errors(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["analyze", f"{option}={value}", "hello"])
    assert exit_.value.code == 2  # argparse's convention for a bad option
    assert f"argument {option}: {message}" in capsys.readouterr().err


def test_tab_delimiter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.tsv"
    src.write_text("id\ttext\n1\tthanks, all good\n")
    assert main(["analyze", "--file", str(src), "--delimiter", "\\t", "--json"]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["text"] == "thanks, all good"
