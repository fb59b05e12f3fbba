"""The suite runs with --nomigrations (tables straight from the models, fast);
this checks, in a separate process, that the migrations are complete and apply."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def django(args, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "calmdesk.settings",
        "CALMDESK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_migrations_match_the_models_and_apply(tmp_path):
    check = django(["makemigrations", "calmdesk", "--check", "--dry-run"], tmp_path)
    assert check.returncode == 0, (
        f"models changed without a migration:\n{check.stdout}{check.stderr}"
    )
    migrate = django(["migrate", "--noinput"], tmp_path)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    back = django(["migrate", "calmdesk", "zero", "--noinput"], tmp_path)
    assert back.returncode == 0, back.stdout + back.stderr
