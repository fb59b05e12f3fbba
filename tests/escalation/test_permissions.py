"""Every escalation page × every kind of user (mirrors tests/web/test_permissions.py).

The URL list comes from calmdesk.web.escalation.urls itself: a new page
without a rule here fails `test_every_url_has_a_rule`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calmdesk.web.escalation import urls as escalation_urls
from tests.escalation.conftest import ABUSE, ABUSIVE_BODY, conversation
from tests.web.test_permissions import (
    FORBIDDEN,
    LOGIN,
    MISSING,
    MOVED,
    OK,
    PERSONAS,
    _outcome,
    _user,
    row,
)

URL_NAMES = [p.name for p in escalation_urls.urlpatterns]
TEAM_PAGE = row(LOGIN, OK, MISSING, OK, OK, OK)
TEAM_FORM = row(LOGIN, MOVED, MISSING, MOVED, MOVED, MOVED)
SUPERVISOR_PAGE = row(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK)
SUPERVISOR_FORM = row(LOGIN, FORBIDDEN, FORBIDDEN, MOVED, MOVED, MOVED)
RULES = {
    "queue": ("get", None, None, SUPERVISOR_PAGE),
    "approvals": ("get", None, None, SUPERVISOR_PAGE),
    "boundaries": ("get", None, None, SUPERVISOR_PAGE),
    "exposure": ("get", None, None, SUPERVISOR_PAGE),
    "break": ("post", None, None, row(LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED)),
    "panel": ("get", "conversation", None, TEAM_PAGE),
    "escalate": ("post", "conversation", {"level": "lead", "reason": "help"}, TEAM_FORM),
    "deescalate": ("post", "conversation", {"reason": "done"}, SUPERVISOR_FORM),
    "add_promise": (
        "post",
        "conversation",
        {"text": "Call back", "due": "2030-01-01T10:00"},
        TEAM_FORM,
    ),
    "propose": ("post", "conversation", {"kind": "voucher", "amount": "10"}, TEAM_FORM),
    "block": (
        "post",
        "conversation",
        {"kind": "pause", "hours": "24", "reason": "abuse"},
        SUPERVISOR_FORM,
    ),
    "handoff": ("get", "conversation", None, TEAM_PAGE),
    "close_promise": ("post", "commitment", {"state": "kept"}, TEAM_FORM),
    "decide": ("post", "compensation", {"decision": "reject", "reason": "no"}, SUPERVISOR_FORM),
    "outcome": ("post", "compensation", {"outcome": "accepted"}, TEAM_FORM),
    "dismiss_warning": ("post", "warning", {"reason": "not at us"}, TEAM_FORM),
    "lift": ("post", "block", {"reason": "ok"}, SUPERVISOR_FORM),
    "handoff_page": ("get", "handoff", None, TEAM_PAGE),
    "acknowledge": ("post", "handoff", None, TEAM_FORM),
    "decline": ("post", "handoff", {"reason": "busy"}, TEAM_FORM),
    "cancel": ("post", "handoff", None, TEAM_FORM),
}


def test_every_url_has_a_rule():
    assert all(URL_NAMES)
    assert not sorted(set(URL_NAMES) - set(RULES)), "escalation URLs without a permission rule"
    assert not sorted(set(RULES) - set(URL_NAMES)), "rules for URLs that no longer exist"


def _objects(org):
    from calmdesk.actions import (
        do_add_commitment,
        do_block,
        do_propose_compensation,
        do_request_handoff,
    )
    from calmdesk.models import AbuseWarning

    c = conversation(body=ABUSIVE_BODY, level="hostile", difficulty=80, evidence=ABUSE)
    return {
        "conversation": c.pk,
        "commitment": do_add_commitment(
            org.alex, c, "Call back", timezone.now() + timedelta(days=1)
        ).pk,
        "compensation": do_propose_compensation(org.alex, c, "refund", 120).pk,
        "warning": AbuseWarning.objects.get(conversation=c).pk,
        "block": do_block(org.lee, c, "pause", 24, "Insults to staff").pk,
        "handoff": do_request_handoff(org.alex, c, to_agent=org.lee).pk,
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", URL_NAMES)
def test_permission_matrix(client, org, name, persona):
    method, target, data, expected = RULES[name]
    ids = _objects(org)
    url = reverse(f"escalation:{name}", args=[ids[target]] if target else [])
    agent = _user(org, persona)
    if agent is not None:
        client.force_login(agent.user)
    response = getattr(client, method)(url, data or {})
    assert _outcome(response) == expected[persona], (
        f"{method.upper()} {url} as {persona}: got {response.status_code} "
        f"{response.get('Location', '')}, expected {expected[persona]}"
    )
