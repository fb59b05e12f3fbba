"""The admin's policy page (issue 5): the active playbook policy, and a check of an upload.

Read-only: the active policy is the file named by CALMDESK_POLICY_PATH (or
the default shipped with Calmdesk); this page never writes it. An uploaded
YAML file is validated and its problems shown with field path and line.
"""

from __future__ import annotations

from pathlib import Path

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from calmdesk.models import Role
from calmdesk.playbook import DEFAULT_POLICY_PATH, PolicyError, validate_policy_text
from calmdesk.web.auth import agent_required
from calmdesk.web.playbook import policy_path

MAX_UPLOAD_BYTES = 1_000_000


def _active() -> dict:
    path = Path(policy_path() or DEFAULT_POLICY_PATH)
    out = {"path": str(path), "default": policy_path() is None, "text": "", "problems": []}
    try:
        out["text"] = path.read_text(encoding="utf-8")
    except OSError as exc:
        out["problems"] = [("", None, f"cannot read {path}: {exc.strerror}")]
        return out
    try:
        validate_policy_text(out["text"], source=str(path))
    except PolicyError as exc:
        out["problems"] = exc.problems
    return out


def _check_upload(upload) -> dict:
    name = getattr(upload, "name", "") or "upload"
    if upload is None:
        return {"name": "", "problems": [("", None, "Choose a YAML file to check.")]}
    if upload.size > MAX_UPLOAD_BYTES:
        return {"name": name, "problems": [("", None, "The file is over 1 MB.")]}
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        return {"name": name, "problems": [("", None, "The file is not UTF-8 text.")]}
    try:
        validate_policy_text(text, source=name)
    except PolicyError as exc:
        return {"name": name, "problems": exc.problems}
    return {"name": name, "problems": [], "valid": True}


@require_http_methods(["GET", "POST"])
@agent_required(roles=[Role.ADMIN])
def policy_page(request):
    context = {"agent": request.agent, "nav": "policy", "active": _active()}
    if request.method == "POST":
        context["checked"] = _check_upload(request.FILES.get("policy"))
    return render(request, "calmdesk/policy.html", context)
