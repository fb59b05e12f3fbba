"""Compensation governance: per-role limits, approvals, outcomes and the habitual claimant."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from calmdesk.actions import (
    do_compensation_outcome,
    do_decide_compensation,
    do_propose_compensation,
)
from calmdesk.actions.compensation import judge
from calmdesk.models import Event, Notification
from tests.escalation.conftest import conversation


@pytest.fixture
def case(org):
    return conversation(level="tense", difficulty=40)


def test_within_the_agents_limit_it_is_offered_at_once(org, case):
    comp = do_propose_compensation(org.alex, case, "refund", 50)
    assert comp.state == "offered" and comp.required_role == "" and comp.limit == Decimal("50.00")


def test_above_the_limit_a_lead_approves(org, case):
    comp = do_propose_compensation(org.alex, case, "refund", 120, "late twice")
    assert comp.state == "pending" and comp.required_role == "lead"
    assert "above the agent limit" in comp.approval_reason
    assert Notification.objects.filter(recipient=org.lee, kind="compensation.approval").exists()
    with pytest.raises(PermissionDenied):
        do_decide_compensation(org.sam, comp, True)  # an agent cannot approve
    do_decide_compensation(org.lee, comp, True, "fair given the delay")
    comp.refresh_from_db()
    assert comp.state == "approved" and comp.decided_by == org.lee
    do_compensation_outcome(org.alex, comp, "accepted")
    comp.refresh_from_db()
    assert comp.state == "accepted" and comp.outcome_at is not None
    kinds = list(Event.objects.filter(conversation=case).values_list("kind", flat=True))
    assert {"compensation.proposed", "compensation.approved", "compensation.outcome"} <= set(kinds)


def test_a_lead_cannot_approve_above_their_own_limit(org, case):
    comp = do_propose_compensation(org.alex, case, "refund", 500)
    assert comp.required_role == "manager"
    with pytest.raises(PermissionDenied):
        do_decide_compensation(org.lee, comp, True)
    do_decide_compensation(org.morgan, comp, True)


def test_rejection_needs_a_reason_and_blocks_the_offer(org, case):
    comp = do_propose_compensation(org.alex, case, "voucher", 40)
    with pytest.raises(ValidationError):
        do_decide_compensation(org.lee, comp, False, "")
    do_decide_compensation(org.lee, comp, False, "a voucher of 15 is the goodwill tier")
    comp.refresh_from_db()
    assert comp.state == "rejected"
    assert Notification.objects.filter(recipient=org.alex, kind="compensation.rejected").exists()
    with pytest.raises(ValidationError):
        do_compensation_outcome(org.alex, comp, "offered")


def test_nobody_approves_their_own_offer(org, case):
    comp = do_propose_compensation(org.lee, case, "refund", 500)
    with pytest.raises(PermissionDenied):
        do_decide_compensation(org.lee, comp, True)


def test_a_habitual_claimant_gets_lower_limits_and_a_rule_requires_approval(org, case):
    for amount in (10, 12, 14):
        do_compensation_outcome(
            org.alex, do_propose_compensation(org.alex, case, "voucher", amount), "accepted"
        )
    verdict = judge(case.customer)
    assert verdict.habitual and "3 compensations" in verdict.reasons[0]
    comp = do_propose_compensation(org.alex, case, "voucher", 10)
    assert comp.state == "pending"
    assert comp.limit == Decimal("7.50")  # half the agent's 15 (habitual_factor 0.5)
    assert "Habitual claimant asks for compensation" in comp.approval_reason


def test_a_first_contact_is_a_genuine_grievance_with_reasons(org, case):
    verdict = judge(case.customer)
    assert verdict.kind == "new" and verdict.reasons


def test_past_compensation_shows_on_the_customer_card_panel(client, org, case):
    do_compensation_outcome(
        org.alex, do_propose_compensation(org.alex, case, "voucher", 10), "accepted"
    )
    later = conversation(level="tense", difficulty=40, subject="Another order")
    client.force_login(org.alex.user)
    panel = client.get(f"/escalation/c/{later.pk}/panel/").content.decode()
    assert "Given before" in panel and "Voucher 10.00 EUR" in panel


def test_the_approval_page_decides(client, org, case):
    comp = do_propose_compensation(org.alex, case, "refund", 120)
    client.force_login(org.lee.user)
    assert "Needs a lead" in client.get("/escalation/approvals/").content.decode()
    r = client.post(
        f"/escalation/compensation/{comp.pk}/decide/",
        {"decision": "approve", "reason": "ok", "next": "/escalation/approvals/"},
    )
    assert r.status_code == 302 and r["Location"] == "/escalation/approvals/"
    comp.refresh_from_db()
    assert comp.state == "approved"


@pytest.mark.parametrize("amount", [0, "0.00", "0.001", -5, "nan"])
def test_an_offer_of_nothing_or_less_is_refused(org, case, amount):
    from calmdesk.models import Compensation

    with pytest.raises(ValidationError, match="more than 0|as a number"):
        do_propose_compensation(org.alex, case, "refund", amount)
    assert not Compensation.objects.exists()


def test_the_offer_form_refuses_zero_and_keeps_the_input(client, org, case):
    from calmdesk.models import Compensation

    client.force_login(org.alex.user)
    r = client.post(
        f"/escalation/c/{case.pk}/compensation/",
        {"kind": "voucher", "amount": "0", "note": "sorry"},
        follow=True,
    )
    page = r.content.decode()
    assert "The amount must be more than 0" in page and "Offer recorded" not in page
    panel = client.get(f"/escalation/c/{case.pk}/panel/").content.decode()
    assert "The amount must be more than 0" in panel
    assert 'value="voucher" selected' in panel
    assert 'name="amount" inputmode="decimal" required value="0"' in panel
    assert 'value="sorry"' in panel
    assert not Compensation.objects.exists()


def test_a_zero_offer_is_a_422_over_the_api(client, org, case):
    import json

    from calmdesk.actions import do_create_token

    r = client.post(
        f"/api/v1/conversations/{case.pk}/compensations",
        json.dumps({"kind": "refund", "amount": "0"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {do_create_token(org.alex, 'test')}",
    )
    assert r.status_code == 422 and "more than 0" in r.json()["detail"]
