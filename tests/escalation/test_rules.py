"""Each escalation rule of the default policy, the ladder, alerts and de-escalation."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from calmdesk.models import Escalation, Event, Notification
from tests.escalation.conftest import conversation, customer_writes, settle


def test_difficulty_over_the_threshold_goes_to_a_lead(org):
    c = conversation(level="hostile", difficulty=90)
    assert c.escalation_level == "lead"
    assert c.escalation_reason == "difficulty over 85"
    assert Notification.objects.filter(
        recipient=org.lee, kind="escalation", conversation=c
    ).exists()
    assert not Notification.objects.filter(recipient=org.morgan, kind="escalation").exists()


def test_difficulty_just_under_the_threshold_does_not(org):
    assert conversation(level="hostile", difficulty=84).escalation_level == "none"


@pytest.mark.parametrize(
    ("kind", "phrase"), [("legal_threat", "my lawyer"), ("chargeback_threat", "a chargeback")]
)
def test_legal_or_chargeback_threat_goes_to_a_manager(org, kind, phrase):
    body = (
        f"I'm calling {phrase} if this is not fixed."
        if kind == "legal_threat"
        else (f"I will file {phrase} with my bank.")
    )
    c = conversation(body=body, level="difficult", difficulty=60, evidence={kind: [phrase]})
    assert c.escalation_level == "manager"
    assert "legal or chargeback threat" in c.escalation_reason
    assert Notification.objects.filter(recipient=org.morgan, kind="escalation").exists()
    event = Event.objects.get(conversation=c, kind="conversation.escalated")
    assert event.after == {"escalation_level": "manager"}


def test_asking_for_someone_senior_when_upset_goes_to_a_lead(org):
    body = "I want to speak to a manager right now."
    c = conversation(
        body=body,
        level="difficult",
        difficulty=60,
        evidence={"escalation_request": ["speak to a manager"]},
    )
    assert c.escalation_level == "lead" and c.escalation_reason == "asked for someone senior"


def test_asking_for_someone_senior_calmly_gets_guidance_not_escalation(client, org):
    body = "Could I speak to a manager please?"
    c = conversation(
        body=body,
        level="tense",
        difficulty=30,
        evidence={"escalation_request": ["speak to a manager"]},
    )
    assert c.escalation_level == "none"
    client.force_login(org.alex.user)
    panel = client.get(f"/escalation/c/{c.pk}/panel/").content.decode()
    assert "They asked for someone senior" in panel
    assert (
        "I am able to resolve this for you myself" in panel
    )  # the policy's drafts.escalation_request


def test_the_third_contact_about_the_same_issue_goes_to_a_lead(org):
    c = conversation(body="Where is my order 4411?", level="tense", difficulty=30)
    assert c.escalation_level == "none"
    c = customer_writes(c, "Still nothing. Where is order 4411?", level="tense", difficulty=35)
    assert c.escalation_level == "none"
    c = customer_writes(c, "Third message about order 4411.", level="tense", difficulty=40)
    assert c.escalation_level == "lead" and "third contact" in c.escalation_reason


def test_the_customers_own_count_makes_it_a_third_contact(org):
    body = "This is the THIRD time I'm writing about this."
    c = conversation(
        body=body, level="tense", difficulty=40, evidence={"repeat_contact": ["THIRD time"]}
    )
    assert c.escalation_level == "lead" and "third contact" in c.escalation_reason


def test_an_upset_vip_goes_to_a_lead(org):
    from calmdesk.models import Customer

    c = conversation(level="calm", difficulty=10)
    Customer.objects.filter(pk=c.customer_id).update(vip=True)
    assert settle(c).escalation_level == "none"  # calm: nothing to do
    c = customer_writes(c, "Not happy about this at all.", level="tense", difficulty=30)
    assert c.escalation_level == "lead" and c.escalation_reason == "VIP customer"


def test_the_ladder_only_goes_up_and_each_rung_is_recorded(org):
    c = conversation(level="hostile", difficulty=90)
    assert c.escalation_level == "lead"
    c = customer_writes(
        c,
        "My lawyer will hear about this.",
        level="hostile",
        difficulty=90,
        evidence={"legal_threat": ["My lawyer"]},
    )
    assert c.escalation_level == "manager"
    c = customer_writes(c, "Hello?", level="hostile", difficulty=95)
    assert c.escalation_level == "manager"
    assert list(
        Escalation.objects.filter(conversation=c).order_by("id").values_list("level", flat=True)
    ) == [
        "lead",
        "manager",
    ]
    settle(c)  # running the hook again changes nothing
    assert Escalation.objects.filter(conversation=c).count() == 2


def test_resolving_de_escalates(org):
    from calmdesk.actions import do_set_status

    c = conversation(level="hostile", difficulty=90)
    do_set_status(org.alex, c, "resolved")
    c.refresh_from_db()
    assert c.escalation_level == "none"
    assert not Escalation.objects.filter(conversation=c, resolved_at__isnull=True).exists()
    assert Event.objects.filter(conversation=c, kind="conversation.deescalated").exists()


def test_escalation_alerts_by_email_and_slack_compatible_webhook(
    org, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CALMDESK_SLACK_WEBHOOK_URL = "https://hooks.example.com/T000/B000"
    sent = []

    class Reply:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(request, timeout):
        sent.append(json.loads(request.data))
        return Reply()

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    org.lee.user.email = "lee@example.com"
    org.lee.user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        c = conversation(level="hostile", difficulty=92)
    assert c.escalation_level == "lead"
    assert any("Escalated to a team lead" in m.subject for m in mail.outbox)
    assert any(p["kind"] == "escalation" and "Dana Whitfield" in p["text"] for p in sent)


def test_an_agent_escalates_by_hand_to_a_lead_but_not_a_manager(client, org):
    c = conversation(level="tense", difficulty=30)
    client.force_login(org.alex.user)
    assert client.post(f"/escalation/c/{c.pk}/escalate/", {"level": "manager"}).status_code == 403
    client.post(f"/escalation/c/{c.pk}/escalate/", {"level": "lead", "reason": "needs sign-off"})
    c.refresh_from_db()
    assert c.escalation_level == "lead" and c.escalation_reason == "needs sign-off"


def test_the_rules_view_loads_only_what_the_rules_can_read(org):
    """after_assessment builds the view for the rules without the parts no rule
    could match on (playbook.rules.parts_needed): the same answer, fewer queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calmdesk.playbook import evaluate_rules, load_policy
    from calmdesk.services.playbook_views import conversation_view

    policy = load_policy()
    calm = conversation(level="calm", difficulty=10)
    third = conversation(
        body="This is the THIRD time I'm writing about this.",
        level="tense",
        difficulty=40,
        evidence={"repeat_contact": ["THIRD time"]},
        email="third@example.com",
        name="Ola Third",
    )
    fewer = {}
    for c in (calm, third):
        with CaptureQueriesContext(connection) as whole_queries:
            whole = conversation_view(c)
        with CaptureQueriesContext(connection) as rules_queries:
            light = conversation_view(c, rules=policy)
        names = [m.name for m in evaluate_rules(whole, policy)]
        assert [m.name for m in evaluate_rules(light, policy)] == names
        fewer[c.pk] = len(whole_queries) - len(rules_queries)
    assert names == ["Third contact about the same issue"]
    # calm: no identities, no history (three counts), no abuse warnings
    assert fewer[calm.pk] == 5
    # tense: the habitual-claimant rule may match, so the history is read
    assert fewer[third.pk] == 2
