from __future__ import annotations

import io

import pytest

from calmdesk.cli import main
from calmdesk.models import Agent, ApiToken, Team


@pytest.fixture
def team(db):
    return Team.objects.create(name="Orders", slug="orders")


def test_createuser_with_password_from_stdin_and_token(team, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-password\n"))
    assert (
        main(["createuser", "alex", "--role", "agent", "--team", "orders", "--password-stdin"]) == 0
    )
    agent = Agent.objects.get(user__username="alex")
    assert agent.role == "agent" and list(agent.teams.all()) == [team]
    assert agent.user.check_password("s3cret-password")
    capsys.readouterr()
    assert main(["token", "alex", "--label", "zapier"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("cdk_")
    token = ApiToken.objects.get()
    assert token.digest != out[-1] and out[-1] not in token.digest  # stored hashed


@pytest.mark.parametrize(
    "argv, message",
    [
        (["createuser", "x", "--role", "agent", "--team", "nope"], "no team 'nope'"),
        (["token", "ghost"], "no user named 'ghost'"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(db, capsys, argv, message):
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_duplicate_user_is_an_error(team, capsys):
    assert main(["createuser", "alex", "--role", "lead"]) == 0
    assert main(["createuser", "alex", "--role", "lead"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_worker_without_broker_says_why(db, capsys, settings):
    settings.CELERY_BROKER_URL = ""
    assert main(["worker"]) == 1
    assert "CELERY_BROKER_URL" in capsys.readouterr().err


def test_demo_loads_idempotently(db, capsys, django_capture_on_commit_callbacks):
    from calmdesk.models import Conversation, Message

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "alex" in out and "calmdesk-demo" in out
    counts = (Conversation.objects.count(), Message.objects.count())
    assert (
        Message.objects.filter(external_id__regex=r"^demo-[0-9]+-[0-9]+$")
        .values("conversation")
        .distinct()
        .count()
        == 60
    )
    assert main(["demo"]) == 0
    assert (Conversation.objects.count(), Message.objects.count()) == counts
    assert "Demo data: 0 new conversations" in capsys.readouterr().out
    hostile = Conversation.objects.filter(level="hostile")
    assert hostile.exists() and Conversation.objects.filter(level="calm").count() > 20
    assert not Message.objects.filter(direction="in", assessed_at__isnull=True).exists()
