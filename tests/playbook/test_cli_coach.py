"""`calmdesk coach`: text and JSON output, exit codes."""

from __future__ import annotations

import importlib.util
import json

import pytest

from calmdesk.cli import main


def test_json_shape(capsys):
    assert main(["coach", "As I already told you, it's not our fault.", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"score", "findings"}
    assert data["score"] < 100
    assert {f["kind"] for f in data["findings"]} == {"blame"}
    for f in data["findings"]:
        assert set(f) == {"kind", "severity", "start", "end", "text", "rule", "suggestion"}
        assert f["severity"] == "blocking"


def test_text_output(capsys):
    assert main(["coach", "I will get back to you soon."]) == 0
    out = capsys.readouterr().out
    assert "Score: 90/100" in out
    assert '[advice] vague time "soon"' in out and 'replace with "by ' in out


def test_clean_reply(capsys):
    assert main(["coach", "Thank you, I will update you by Friday."]) == 0
    assert "No findings" in capsys.readouterr().out


def test_stdin(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("That's not true."))
    assert main(["coach", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"][0]["kind"] == "contradiction"


def test_bad_input_exits_1(capsys, tmp_path):
    assert main(["coach", "   "]) == 1
    assert "empty" in capsys.readouterr().err
    bad = tmp_path / "policy.yaml"
    bad.write_text("version: 2\n", encoding="utf-8")
    assert main(["coach", "hello", "--policy", str(bad)]) == 1
    assert "version (line 1)" in capsys.readouterr().err


@pytest.mark.skipif(
    importlib.util.find_spec("calmdesk.services") is not None, reason="the desk is installed"
)
def test_conversation_without_the_desk_is_a_clear_error(capsys):
    assert main(["coach", "hello", "--conversation", "1"]) == 1
    assert "--conversation needs the desk" in capsys.readouterr().err
