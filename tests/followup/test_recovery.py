"""Recovery figures on generated histories whose answers are known."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from calmdesk.actions import receive
from calmdesk.actions.followup import do_record_customer_event
from calmdesk.actions.surveys import do_answer_survey, do_send_survey
from calmdesk.insights import recovery as rec
from tests.conftest import inbound
from tests.followup.conftest import resolved_case

pytestmark = pytest.mark.django_db
T0 = "2026-03-02 09:00:00+00:00"


def _answer(customer, score, conversation=None):
    survey = do_send_survey(customer, "csat", conversation=conversation)
    do_answer_survey(survey, score)


def _later_conversation(email, n):
    receive(
        inbound(
            body="Hi, quick question about sizes please.",
            external_id=f"later-{email}-{n}",
            subject=f"Sizes {n}",
            customer={"name": "X", "email": email},
        ),
        assess=False,
    )


@pytest.fixture
def history(org):
    """20 difficult cases with known outcomes, and 12 customers who never had one."""
    with time_machine.travel(T0, tick=False) as t:
        cases = {}
        plan = (
            [("csat5", i) for i in range(6)]
            + [("csat1", i) for i in range(2)]
            + [("purchase", i) for i in range(3)]
            + [("cancel", 0)]
            + [("came_back", i) for i in range(2)]
            + [("csat5_then_cancel", 0), ("came_back_then_csat1", 0)]
            + [("silent", i) for i in range(4)]
        )
        for kind, i in plan:
            reply = (
                "I have issued a full refund."
                if kind in ("csat5", "csat1")
                else "I have looked into it."
            )
            cases[(kind, i)] = resolved_case(
                org,
                email=f"{kind}{i}@example.com",
                name=f"{kind} {i}",
                reply=reply,
                external_id=f"case-{kind}-{i}",
            )
        calm = [
            resolved_case(
                org,
                level="calm",
                difficulty=5,
                email=f"calm{i}@example.com",
                external_id=f"calm-{i}",
            )
            for i in range(12)
        ]
        t.shift(timedelta(days=5))
        for (kind, _), case in cases.items():
            c = case.customer
            if kind == "csat5":
                _answer(c, 5, case)
            elif kind == "csat1":
                _answer(c, 1, case)
            elif kind == "purchase":
                do_record_customer_event(c, "purchase", timezone.now(), external_id=f"p-{case.pk}")
            elif kind == "cancel":
                do_record_customer_event(c, "cancellation", timezone.now())
            elif kind == "came_back":
                _later_conversation(f"{kind}{_}@example.com", 1)
            elif kind == "csat5_then_cancel":
                _answer(c, 5, case)
            elif kind == "came_back_then_csat1":
                _later_conversation("came_back_then_csat10@example.com", 1)
        for conv in calm:
            _answer(conv.customer, 4, conv)
        t.shift(timedelta(days=5))
        do_record_customer_event(
            cases[("csat5_then_cancel", 0)].customer, "cancellation", timezone.now()
        )
        _answer(cases[("came_back_then_csat1", 0)].customer, 1, cases[("came_back_then_csat1", 0)])
        yield cases


def test_outcomes_rate_and_remedies_match_the_known_answers(history, settings):
    settings.CALMDESK_RECOVERY_MIN_SAMPLE = 10
    with time_machine.travel("2026-03-20 09:00:00+00:00", tick=False):
        s = rec.summary(timezone.now() - timedelta(days=90))
    by_case = {c.conversation_id: c for c in s.cases}
    expect = {
        "csat5": "recovered",
        "csat1": "not_recovered",
        "purchase": "recovered",
        "cancel": "not_recovered",
        "came_back": "recovered",
        "csat5_then_cancel": "not_recovered",
        "came_back_then_csat1": "not_recovered",
        "silent": "unknown",
    }
    for (kind, _), case in history.items():
        assert by_case[case.pk].outcome == expect[kind], kind
    assert (s.recovered, s.not_recovered, s.unknown) == (11, 5, 4)
    assert (s.rate.hits, s.rate.n) == (11, 16) and s.rate.enough
    assert s.rate.text().startswith("69% (11 of 16; 95% range")
    remedy = {r[0]: r for r in s.by_remedy}["refund"]
    assert remedy[1:4] == (6, 2, 0)
    assert remedy[4].text() == "too few to tell (6 of 8)"
    # CSAT after a difficult case: 6x5, 2x1, 1x5, 1x1 -> 10 answers, mean 3.8; baseline 12x4
    c = s.csat
    assert (c.after_n, c.base_n) == (10, 12)
    assert c.after_mean == pytest.approx(3.8) and c.base_mean == pytest.approx(4.0)
    assert (c.after_satisfied.hits, c.base_satisfied.hits) == (7, 12)
    assert c.verdict.startswith("No clear difference")


def test_no_known_outcome_is_not_shown_as_a_fraction():
    assert rec.Rate(0, 0, 5).text() == "no known outcomes yet"
    assert rec.Rate(1, 2, 5).text() == "too few to tell (1 of 2)"


def test_small_samples_are_never_read_as_a_rate(history, settings):
    with time_machine.travel("2026-03-20 09:00:00+00:00", tick=False):
        s = rec.summary(timezone.now() - timedelta(days=90), min_sample=20)
    assert not s.rate.enough and s.rate.text() == "too few to tell (11 of 16)"
    assert s.csat.verdict.startswith("Too few to tell: 10 answers after a difficult case and 12")


def test_paradox_shows_when_recovered_customers_rate_higher(org, settings):
    with time_machine.travel(T0, tick=False) as t:
        hard = [
            resolved_case(org, email=f"h{i}@example.com", external_id=f"h{i}") for i in range(12)
        ]
        calm = [
            resolved_case(
                org, level="calm", difficulty=5, email=f"c{i}@example.com", external_id=f"c{i}"
            )
            for i in range(12)
        ]
        t.shift(timedelta(days=3))
        for i, conv in enumerate(hard):
            _answer(conv.customer, 5 if i % 4 else 4, conv)
        for i, conv in enumerate(calm):
            _answer(conv.customer, 4 if i % 2 else 3, conv)
        s = rec.csat_comparison(timezone.now() - timedelta(days=30), min_sample=10)
    assert s.verdict.startswith("Higher after recovery: 4.75 vs 3.50")
    low, high = s.difference[1:]
    assert 0 < low < 1.25 < high


def test_customer_recovery_api_and_events_endpoint(client, org):
    from calmdesk.actions import do_create_token

    token = do_create_token(org.morgan, "shop")
    case = resolved_case(org)
    url = f"/api/v1/customers/{case.customer_id}/events"
    payload = {
        "kind": "purchase",
        "occurred_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "external_id": "order-9001",
        "value": "49.90",
        "currency": "eur",
    }
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = client.post(url, payload, content_type="application/json", **auth)
    assert r.status_code == 201 and r.json()["created"] is True
    r = client.post(url, payload, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["created"] is False  # idempotent
    bad = client.post(
        url, {**payload, "kind": "hug", "external_id": "x"}, content_type="application/json", **auth
    )
    assert bad.status_code == 422
    assert (
        client.post(
            "/api/v1/customers/999999/events", payload, content_type="application/json", **auth
        ).status_code
        == 404
    )
    assert client.post(url, payload, content_type="application/json").status_code == 401
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        cases = client.get(f"/api/v1/customers/{case.customer_id}/recovery", **auth).json()
    assert cases == [
        {
            "conversation_id": case.pk,
            "resolved_at": cases[0]["resolved_at"],
            "outcome": "recovered",
            "decided_by": "event: purchase",
            "remedies": ["replacement"],
        }
    ]


def test_recovery_pages(client, org, history):
    client.force_login(org.morgan.user)
    with time_machine.travel("2026-03-20 09:00:00+00:00", tick=False):
        page = client.get("/follow-up/recovery/?days=90")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Recovery rate" in text and "11 of 16" in text and "No clear difference" in text
    # remedies by the policy's labels, not their keys
    assert '<th scope="row">A refund</th>' in text and ">refund<" not in text
    client.force_login(org.alex.user)
    assert client.get("/follow-up/recovery/").status_code == 403  # agents: their own cases only
    card = client.get(f"/follow-up/customers/{history[('csat5', 0)].customer_id}/")
    assert card.status_code == 200 and "Recovered" in card.content.decode()
