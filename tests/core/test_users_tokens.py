"""Revoking and listing API tokens (CLI, action, admin) and validating new users."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from calmdesk.actions import EventKind, do_create_token, do_create_user, do_revoke_token
from calmdesk.api.auth import BAD_TOKEN
from calmdesk.cli import main
from calmdesk.models import Agent, ApiToken, Event


def _get(client, raw):
    return client.get("/api/v1/conversations", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_revoke_by_prefix_then_the_api_answers_401_and_the_list_shows_it(client, org, capsys):
    raw = do_create_token(org.alex, "zapier")
    keep = do_create_token(org.alex, "n8n")
    assert _get(client, raw).status_code == 200

    assert main(["token", "--revoke", raw[:12]]) == 0
    assert f"Revoked API token {raw[:12]} of alex" in capsys.readouterr().out

    r = _get(client, raw)
    assert r.status_code == 401 and r.json() == {"detail": BAD_TOKEN}
    assert _get(client, keep).status_code == 200  # only that token
    event = Event.objects.get(kind=EventKind.TOKEN_REVOKED)
    assert event.after["prefix"] == raw[:12] and event.actor is None

    assert main(["token", "alex", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["user", "prefix", "name", "created", "last", "used", "revoked"]
    rows = {line.split()[1]: line for line in lines[1:]}
    assert set(rows) == {raw[:12], keep[:12]}
    assert "zapier" in rows[raw[:12]] and not rows[raw[:12]].endswith("active")
    assert "n8n" in rows[keep[:12]] and rows[keep[:12]].endswith("active")
    assert raw not in "\n".join(lines)  # the list never shows a whole token


def test_revoking_twice_is_fine_and_keeps_the_first_time(org, capsys):
    raw = do_create_token(org.alex)
    token = ApiToken.objects.get()
    assert do_revoke_token(org.root, token) is True
    first = ApiToken.objects.get().revoked_at
    assert first is not None
    assert do_revoke_token(org.root, token) is False
    assert main(["token", "--revoke", raw[:12]]) == 0
    assert "already revoked" in capsys.readouterr().out
    assert ApiToken.objects.get().revoked_at == first
    assert Event.objects.filter(kind=EventKind.TOKEN_REVOKED).count() == 1


@pytest.mark.parametrize("prefix", ["cdk_nope1234", "cdk_", ""])
def test_unknown_prefix_is_one_line_and_exit_1(org, capsys, prefix):
    do_create_token(org.alex)
    assert main(["token", "--revoke", prefix]) == 1
    err = capsys.readouterr().err
    assert "no API token with prefix" in err and len(err.strip().splitlines()) == 1
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_token_name_still_creates_a_token_and_needs_a_name(org, capsys):
    assert main(["token", "sam", "--label", "shop"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("cdk_")
    assert ApiToken.objects.get().name == "shop"
    assert main(["token"]) == 1
    assert "give a user name" in capsys.readouterr().err


def test_admin_revokes_selected_tokens_through_the_action(client, org):
    raw = do_create_token(org.alex, "zapier")
    other = do_create_token(org.sam, "shop")
    token = ApiToken.objects.get(prefix=raw[:12])
    client.force_login(org.root.user)
    page = client.get("/admin/calmdesk/apitoken/")
    assert page.status_code == 200 and "Revoke selected tokens" in page.content.decode()

    r = client.post(
        "/admin/calmdesk/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
        follow=True,
    )
    assert r.status_code == 200 and "Revoked 1 token(s)." in r.content.decode()
    assert _get(client, raw).status_code == 401
    assert _get(client, other).status_code == 200
    event = Event.objects.get(kind=EventKind.TOKEN_REVOKED)
    assert event.actor == org.root
    # Still read-only otherwise: no change form, no delete.
    assert client.post(f"/admin/calmdesk/apitoken/{token.pk}/delete/").status_code == 403
    assert ApiToken.objects.count() == 2


def test_admin_page_is_not_for_other_roles(client, org):
    client.force_login(org.morgan.user)
    assert client.get("/admin/calmdesk/apitoken/").status_code == 302


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (["createuser", "qa5", "--role", "agent", "--password-stdin"], "a\n", "too short"),
        (["createuser", "qa6", "--role", "agent", "--password-stdin"], "password\n", "too common"),
        (["createuser", "bad name with spaces/<>", "--role", "agent"], "", "Invalid user name"),
        (["createuser", "qa7", "--role", "agent", "--email", "notanemail"], "", "Invalid email"),
        (["createuser", "", "--role", "agent"], "", "A user name is required."),
    ],
)
def test_createuser_validates_and_reports_one_line(db, capsys, monkeypatch, argv, stdin, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not Agent.objects.exists()


def test_do_create_user_reports_every_problem_and_creates_nothing(db):
    with pytest.raises(ValidationError) as exc:
        do_create_user("no spaces please", "agent", password="abc", email="x@")
    text = " ".join(exc.value.messages)
    assert "Invalid user name" in text and "Invalid email" in text and "too short" in text
    assert not Agent.objects.exists()
    agent = do_create_user("kim.o", "agent", password="pw-kim-123", email="kim@example.com")
    assert agent.user.check_password("pw-kim-123")
    assert do_create_user("nopass", "agent").user.has_usable_password() is False
