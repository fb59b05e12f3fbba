"""The layering rules from docs/architecture.md, checked on the source."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

ROOT = Path(__file__).resolve().parents[2] / "calmdesk"
WRITES = re.compile(
    r"\.(save|delete|bulk_create|bulk_update|get_or_create|update_or_create)\(|objects\.create\(|\.update\(\w+="
)


def test_only_actions_write():
    offenders = []
    # analysis/ and playbook/ import no Django at all (checked below), so they cannot write.
    for area in ("web", "api", "cli", "intake", "insights", "services"):
        for path in (ROOT / area).rglob("*.py"):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if WRITES.search(line) and "# not a db write" not in line:
                    offenders.append(f"{path.relative_to(ROOT.parent)}:{n}: {line.strip()}")
    for path in [*(ROOT / "jobs").rglob("*.py"), ROOT / "scheduler.py", ROOT / "access.py"]:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if WRITES.search(line):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{n}: {line.strip()}")
    assert not offenders, "writes outside calmdesk/actions:\n" + "\n".join(offenders)


def test_analysis_and_playbook_import_no_django():
    code = (
        "import sys, calmdesk.analysis, calmdesk.playbook; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_models_are_one_module_per_concept_and_small():
    for path in (ROOT / "models").glob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path


@pytest.mark.django_db
def test_embedded_scheduler_runs_due_jobs_on_their_interval():
    from calmdesk.scheduler import InProcessScheduler

    calls = []

    def job():
        calls.append("fast")

    def failing():
        raise RuntimeError("boom")

    scheduler = InProcessScheduler(
        {"fast": (job, timedelta(seconds=60)), "broken": (failing, timedelta(seconds=60))}
    )
    with time_machine.travel("2026-11-23 09:00:00+00:00", tick=False) as traveller:
        assert scheduler.run_due() == ["fast"]  # a failing job is logged, not fatal
        assert scheduler.run_due() == []
        traveller.shift(timedelta(seconds=61))
        assert scheduler.run_due() == ["fast"]
    assert calls == ["fast", "fast"]
