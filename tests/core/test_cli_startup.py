"""Bad settings, an unmigrated or unreachable database and bad serve/feeds arguments:
one line on stderr and exit 1 (argparse: 2), never a traceback (docs/configuration.md)."""

from __future__ import annotations

import os
import runpy
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from calmdesk.cli import main
from calmdesk.conf import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "calmdesk" / "settings.py"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("CALMDESK_SMTP_PORT", "abc", "CALMDESK_SMTP_PORT='abc' is not an integer"),
        ("CALMDESK_SMTP_PORT", "70000", "at most 65535"),
        ("CALMDESK_DEBUG", "maybe", "not a boolean"),
        ("CALMDESK_CACHE_URL", "memcached://x", "use redis://"),
        ("CALMDESK_CAUSE_MIN_CONFIDENCE", "high", "CALMDESK_CAUSE_MIN_CONFIDENCE='high' is not a"),
        ("CALMDESK_CAUSE_MIN_CONFIDENCE", "1.5", "at most 1.0"),
        ("CALMDESK_CAUSE_FEATURES", "bert", "auto, embeddings, tfidf"),
        ("CALMDESK_TIME_ZONE", "Mars/Base", "CALMDESK_TIME_ZONE='Mars/Base': not a time zone"),
        ("CALMDESK_LOG_LEVEL", "LOUD", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL is not a database URL"),
        ("DATABASE_URL", "mysql://u:hunter2@h/db", "'mysql://', which Calmdesk does not support"),
        ("CALMDESK_ANALYSIS_BACKEND", "magic", "use one of rules, learned"),
        ("CALMDESK_REPUTATION_SPIKE_ALPHA", "abc", "CALMDESK_REPUTATION_SPIKE_ALPHA='abc'"),
        ("CALMDESK_REPUTATION_SPIKE_ALPHA", "0.9", "CALMDESK_REPUTATION_SPIKE_ALPHA: "),
        ("CALMDESK_REPUTATION_SLA_HOURS", "garbage", "is not 'stars:hours'"),
        ("CALMDESK_REPUTATION_SLA_HOURS", "9:12", "rating 9 is not between 1 and 5"),
        ("CALMDESK_PHONE_REGION", "XX", "CALMDESK_PHONE_REGION='XX': not a phone region"),
        ("CALMDESK_EMAIL_BACKEND", "bogus", "use one of smtp, console, locmem, file"),
        ("CALMDESK_FEED_POLL_MINUTES", "0", "at least 5"),
    ],
)
def test_a_bad_setting_stops_the_settings_load_naming_it(
    tmp_path, monkeypatch, name, value, message
):
    monkeypatch.setenv("CALMDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as exc:
        runpy.run_path(str(SETTINGS))
    assert message in str(exc.value)
    assert "hunter2" not in str(exc.value)  # a database password is never echoed


def test_an_unwritable_data_dir_is_a_config_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("CALMDESK_DATA_DIR", str(blocker / "data"))
    with pytest.raises(ConfigError, match="CALMDESK_DATA_DIR=.* cannot be created"):
        runpy.run_path(str(SETTINGS))


def _calmdesk(tmp_path, *argv, **env):
    """The real command in a fresh process, on an empty SQLite data dir."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CALMDESK_", "DJANGO_"))}
    environ.pop("DATABASE_URL", None)
    environ.update({"CALMDESK_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 50, **env})
    return subprocess.run(
        [sys.executable, "-m", "calmdesk", *argv],
        env=environ,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_a_bad_setting_is_one_line_for_the_real_command(tmp_path):
    r = _calmdesk(tmp_path, "serve", CALMDESK_SMTP_PORT="abc")
    assert r.returncode == 1
    assert r.stderr.strip() == "calmdesk serve: error: CALMDESK_SMTP_PORT='abc' is not an integer"


def test_a_database_without_tables_says_run_migrate(tmp_path):
    r = _calmdesk(tmp_path, "token", "alex")
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "calmdesk token: error: the database has no tables yet: run `calmdesk migrate`"
    )


@pytest.fixture
def taken_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_serve_refuses_an_unmigrated_database_before_binding(tmp_path, taken_port):
    # Without the check it would reach the bind and fail on the taken port instead.
    r = _calmdesk(tmp_path, "serve", "--port", str(taken_port))
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "calmdesk serve: error: the database has no tables yet: run `calmdesk migrate`"
    )


def test_an_unreachable_database_is_one_line(tmp_path):
    pytest.importorskip("psycopg")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = _calmdesk(
        tmp_path, "token", "alex", DATABASE_URL=f"postgres://u:hunter2@127.0.0.1:{port}/x"
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    err = r.stderr.strip()
    assert err.startswith("calmdesk token: error: cannot use the postgresql database 'x'")
    assert "hunter2" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("port", ["99999", "0", "http"])
def test_serve_port_must_be_1_to_65535(port, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--port", port])
    assert exc.value.code == 2
    assert "argument --port" in capsys.readouterr().err


def test_serve_on_a_taken_port_is_one_line(db, capsys, taken_port):
    assert main(["serve", "--port", str(taken_port)]) == 1
    err = capsys.readouterr().err.strip()
    assert (
        err
        == f"calmdesk serve: error: cannot listen on 127.0.0.1:{taken_port}: Address already in use"
    )


def test_serve_on_an_unknown_host_is_one_line(db, capsys):
    assert main(["serve", "--host", "no-such-host.invalid", "--port", "8000"]) == 1
    assert "cannot listen on no-such-host.invalid:8000: unknown host" in capsys.readouterr().err


def test_an_unknown_default_team_stops_serve_and_import(db, capsys, settings, tmp_path):
    from calmdesk.models import Team

    Team.objects.create(name="Orders", slug="orders")
    settings.CALMDESK_DEFAULT_TEAM = "nope"
    path = tmp_path / "m.csv"
    path.write_text("body\nhello\n")
    assert main(["serve", "--port", "8000"]) == 1
    assert main(["import", str(path), "--channel", "chat", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.count("CALMDESK_DEFAULT_TEAM='nope' is not a team: use one of orders") == 2
    from calmdesk.models import Message

    assert not Message.objects.exists()


@pytest.mark.parametrize("every", ["-5", "0", "4", "ten"])
def test_feeds_add_every_is_checked(every, capsys):
    argv = ["feeds", "add", "X", "https://example.com/f", "--location", "harbour-street"]
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--every", every])
    assert exc.value.code == 2
    assert "argument --every" in capsys.readouterr().err
