"""The API endpoints and the `calmdesk sla` / `escalations` / `promises` commands."""

from __future__ import annotations

import json
from datetime import datetime

from calmdesk.actions import do_create_token
from calmdesk.cli import main
from tests.escalation.conftest import conversation


def _auth(org, agent=None):
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_token(agent or org.alex, 'test')}"}


def test_sla_escalate_brief_commitment_and_compensation_over_the_api(client, org):
    c = conversation(level="tense", difficulty=40)
    h = _auth(org)
    sla = client.get(f"/api/v1/conversations/{c.pk}/sla", **h).json()
    assert sla["sla_state"] == "ok" and sla["response_due_at"] and sla["time_left"]
    r = client.post(
        f"/api/v1/conversations/{c.pk}/escalate",
        json.dumps({"level": "manager", "reason": "x"}),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/conversations/{c.pk}/escalate",
        json.dumps({"level": "lead", "reason": "needs sign-off"}),
        content_type="application/json",
        **h,
    )
    assert r.json()["escalation_level"] == "lead"
    assert [e["conversation_id"] for e in client.get("/api/v1/escalations", **h).json()] == [c.pk]
    assert set(client.get(f"/api/v1/conversations/{c.pk}/brief", **h).json()) >= {
        "issue",
        "wants",
        "tried",
        "promises",
        "compensation",
        "trajectory",
        "avoid",
        "next_step",
    }
    r = client.post(
        f"/api/v1/conversations/{c.pk}/commitments",
        json.dumps({"text": "Call back", "due_at": "2031-01-02T10:00:00+00:00"}),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["source"] == "manual"
    r = client.post(
        f"/api/v1/conversations/{c.pk}/compensations",
        json.dumps({"kind": "refund", "amount": "120"}),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json()["state"] == "pending"
    comp = r.json()["id"]
    r = client.post(
        f"/api/v1/compensations/{comp}/decision",
        json.dumps({"approve": True}),
        content_type="application/json",
        **h,
    )
    assert r.status_code == 403  # an agent cannot approve
    r = client.post(
        f"/api/v1/compensations/{comp}/decision",
        json.dumps({"approve": True}),
        content_type="application/json",
        **_auth(org, org.lee),
    )
    assert r.json()["state"] == "approved"


def test_handoff_over_the_api_and_foreign_ids_are_404(client, org):
    c = conversation(level="tense", difficulty=40)
    r = client.post(
        f"/api/v1/conversations/{c.pk}/handoffs",
        json.dumps({"to_agent_id": org.lee.pk}),
        content_type="application/json",
        **_auth(org),
    )
    assert r.status_code == 201
    hid = r.json()["id"]
    assert (
        client.post(f"/api/v1/handoffs/{hid}/acknowledge", **_auth(org, org.sam)).status_code == 404
    )
    r = client.post(f"/api/v1/handoffs/{hid}/acknowledge", **_auth(org, org.lee))
    assert r.json()["state"] == "accepted"
    assert client.get(f"/api/v1/conversations/{c.pk}/sla", **_auth(org, org.sam)).status_code == 404


def test_cli(org, capsys):
    c = conversation(level="hostile", difficulty=90)
    assert main(["sla", "sweep", "--json"]) == 0
    assert "checked" in json.loads(capsys.readouterr().out)
    assert main(["sla", "status", str(c.pk)]) == 0
    assert "escalation_level: lead" in capsys.readouterr().out
    assert main(["escalations"]) == 0
    assert "difficulty over 85" in capsys.readouterr().out
    assert main(["escalations", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert datetime.fromisoformat(row["since"]).tzinfo is not None  # ISO 8601, with its zone
    assert "T" in row["since"]
    assert main(["promises", "--state", "broken"]) == 0
    assert "No broken promises." in capsys.readouterr().out
    assert main(["sla", "status", "999999"]) == 1
