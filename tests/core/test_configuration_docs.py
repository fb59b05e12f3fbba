"""Every setting is documented: a new setting without a line in docs/configuration.md fails here."""

from __future__ import annotations

import re
from pathlib import Path

import calmdesk.settings  # noqa: F401  (fills the registry)
from calmdesk.conf import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "configuration.md").read_text()


def documented(name: str) -> bool:
    return re.search(rf"`{re.escape(name)}`", DOC) is not None


def test_every_registered_setting_is_documented():
    missing = sorted(name for name in REGISTRY if not documented(name))
    assert not missing, f"undocumented settings in docs/configuration.md: {missing}"


def test_every_calmdesk_environment_name_in_the_code_is_documented():
    names = set()
    for path in (ROOT / "calmdesk").rglob("*.py"):
        names |= set(re.findall(r"\b(CALMDESK_[A-Z0-9_]+)\b", path.read_text()))
    # Names that are Django settings attributes, not environment variables.
    internal = {"CALMDESK_TEST_DATABASE_URL", "CALMDESK_TEST_REDIS_URL"}
    missing = sorted(n for n in names - internal if not documented(n))
    assert not missing, f"undocumented CALMDESK_* names in docs/configuration.md: {missing}"


def test_production_settings_pass_check_deploy(tmp_path):
    import os
    import secrets
    import subprocess
    import sys

    env = {
        **os.environ,
        "CALMDESK_DATA_DIR": str(tmp_path),
        "CALMDESK_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "desk.example.com",
        "DJANGO_SETTINGS_MODULE": "calmdesk.settings",
    }
    r = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
