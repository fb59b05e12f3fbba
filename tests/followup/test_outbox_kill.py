"""The outbox under a killed sender: real `calmdesk outbox send` processes on a shared
SQLite file, the first killed by its pid in the middle of a delivery."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tests.followup.fakes import FakeSmsProvider, SmtpSink

ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from calmdesk.cli import main; sys.exit(main(sys.argv[1:]))"  # the `calmdesk` command


def _env(tmp_path: Path, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.followup.worker_settings",
        "KILLTEST_DB": str(tmp_path / "desk.sqlite3"),
        "CALMDESK_DATA_DIR": str(tmp_path),
        "CALMDESK_OUTBOX_LEASE_SECONDS": "2",
        "CALMDESK_OUTBOX_BACKOFF_SECONDS": "1",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def _run(args: list[str], env: dict) -> str:
    r = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def _row(tmp_path: Path, pk: int) -> tuple:
    with sqlite3.connect(tmp_path / "desk.sqlite3", timeout=20) as db:
        return db.execute(
            "SELECT state, attempts, provider_id FROM calmdesk_outboxmessage WHERE id = ?", (pk,)
        ).fetchone()


def _sender(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "outbox", "send", "--loop", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _prepare(tmp_path: Path, env: dict, kind: str) -> int:
    _run(["-m", "django", "migrate", "--run-syncdb", "-v", "0"], env)
    return int(_run(["-m", "tests.followup.killworker", kind], env).strip())


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _kill(proc)


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals to kill the sender")
def test_sms_sender_killed_mid_delivery_sends_once(tmp_path):
    provider = FakeSmsProvider(hold_first=True)
    env = _env(tmp_path, CALMDESK_SMS_URL=provider.url)
    first = second = None
    try:
        pk = _prepare(tmp_path, env, "sms")
        first = _sender(env)
        assert provider.first_arrived.wait(60), "the first sender never reached the provider"
        _kill(first)  # the provider has the SMS; the sender died before hearing back
        assert _row(tmp_path, pk)[:2] == ("sending", 1)
        provider.release.set()
        second = _sender(env)  # takes over once the dead sender's lease (2 s) expires
        state = wait_until(
            lambda: _row(tmp_path, pk)[0] == "sent" and _row(tmp_path, pk), timeout=60
        )
    finally:
        for proc in (first, second):
            if proc is not None:
                _stop(proc)
        provider.close()
    assert state == ("sent", 2, "SM0001")
    assert len(provider.requests) == 2  # retried ...
    keys = {r["headers"]["Idempotency-Key"] for r in provider.requests}
    assert keys == {"followup:kill"}  # ... with the same key,
    assert len(provider.delivered) == 1  # so the customer got one SMS


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals to kill the sender")
def test_email_sender_killed_mid_delivery_delivers_once(tmp_path):
    sink = SmtpSink(hold_first=True)
    env = _env(tmp_path, KILLTEST_SMTP_PORT=str(sink.port))
    first = second = None
    try:
        pk = _prepare(tmp_path, env, "email")
        first = _sender(env)
        assert sink.first_arrived.wait(60), "the first sender never reached the SMTP server"
        _kill(first)  # killed in the middle of the SMTP conversation
        assert _row(tmp_path, pk)[:2] == ("sending", 1)
        sink.release.set()
        second = _sender(env)
        state = wait_until(
            lambda: _row(tmp_path, pk)[0] == "sent" and _row(tmp_path, pk), timeout=60
        )
    finally:
        for proc in (first, second):
            if proc is not None:
                _stop(proc)
        sink.close()
    assert state[:2] == ("sent", 2)
    assert len(sink.messages) == 1
    assert "Message-ID: <cd.kill.1@calmdesk.localhost>" in sink.messages[0]["data"]
