"""The team page's service figures on data made through the real actions: SLA compliance,
CSAT after recovery and wellbeing exposure, with honest "n of m" and the viewer's teams only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from calmdesk import actions
from calmdesk.access import visible_conversations
from calmdesk.actions.sla import do_sweep_sla
from calmdesk.insights import team
from calmdesk.models import Conversation
from calmdesk.playbook import load_policy
from tests.insights.helpers import talk

pytestmark = pytest.mark.django_db
PERIOD = timedelta(weeks=4)


def _figure(func, agent):
    now = timezone.now()
    return func(visible_conversations(agent), now - PERIOD, now)


def _page(client, agent) -> str:
    client.force_login(agent.user)
    return client.get(reverse("insights:team")).content.decode()


def test_sla_compliance_counts_the_conversations_that_met_their_sla(client, org):
    now = timezone.now()
    met = []
    for i in range(2):  # answered at once and resolved: refresh_sla clears their sla_due_at
        c = talk(at=now - timedelta(minutes=10), email=f"met{i}@example.com")
        actions.do_reply(org.alex, c, "Hi, I am sorry. It ships today.", deliver=False)
        actions.do_set_status(org.alex, c, "resolved")
        met.append(c)
    late = talk(at=now - timedelta(days=10), email="late@example.com")
    running = talk(at=now - timedelta(minutes=5), email="open@example.com")
    old = talk(at=now - timedelta(days=40), email="old@example.com")  # before the period
    do_sweep_sla(now)
    breached = set(
        Conversation.objects.filter(sla_breached_at__isnull=False).values_list("pk", flat=True)
    )
    assert breached == {late.pk, old.pk}
    assert Conversation.objects.get(pk=met[0].pk).sla_due_at is None

    fig = _figure(team.sla_compliance, org.morgan)
    assert (fig.numerator, fig.denominator) == (2, 3)
    assert fig.display == "67%" and fig.cases == "2 of 3 within target"
    assert fig.ids == [late.pk]  # the link lists the breaches
    assert "1 still open and not breached" in fig.note and running.pk not in fig.ids

    html = _page(client, org.morgan)
    assert "2 of 3 within target" in html
    drill = client.get(reverse("insights:conversations") + "?figure=service&key=sla&weeks=4")
    assert f"#{late.pk} " in drill.content.decode()


def test_sla_compliance_of_a_lead_counts_only_their_teams(org):
    from calmdesk.models import Team

    stores = Team.objects.create(name="Stores", slug="stores")
    kim = actions.do_create_user("kim", "lead", teams=[stores], password="pw-kim-123")
    talk(at=timezone.now() - timedelta(days=10), team="orders")
    talk(at=timezone.now() - timedelta(days=10), team="stores", email="s@example.com")
    do_sweep_sla(timezone.now())
    assert _figure(team.sla_compliance, kim).cases == "0 of 1 within target"
    assert _figure(team.sla_compliance, org.morgan).cases == "0 of 2 within target"


def test_csat_after_recovery_shows_how_many_answers_were_satisfied(client, org):
    from calmdesk.actions.surveys import do_answer_survey, do_send_survey
    from tests.followup.conftest import resolved_case

    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as t:
        cases = [
            resolved_case(org, email=f"h{i}@example.com", external_id=f"h{i}") for i in range(3)
        ]
        t.shift(timedelta(days=3))
        for conv, score in zip(cases, (5, 4, 2), strict=True):
            do_answer_survey(do_send_survey(conv.customer, "csat", conversation=conv), score)
        fig = _figure(team.csat_after_recovery, org.morgan)
        html = _page(client, org.morgan)
    assert (fig.numerator, fig.denominator) == (2, 3)
    assert fig.cases == "2 of 3 answers rated 4 or 5"
    assert "2 of 3 answers rated 4 or 5" in html and "None of" not in html


def _hostile(agent, team_slug: str, n: int, tag: str) -> None:
    from tests.escalation.conftest import conversation

    for i in range(n):
        c = conversation(
            team=team_slug,
            level="hostile",
            difficulty=70,
            name=f"Customer {tag}{i}",
            email=f"{tag}{i}@example.com",
            subject=f"Case {tag}{i}",
        )
        actions.do_reply(agent, c, "Hi, I apologize for this. I am on it now.")


def test_wellbeing_exposure_is_the_worst_shift_of_the_viewers_teams(client, org):
    from calmdesk.models import ShiftExposure, Team

    limit = load_policy().wellbeing.hostile_per_shift
    stores = Team.objects.create(name="Stores", slug="stores")
    jo = actions.do_create_user("jo", "agent", teams=[stores], password="pw-jo-12345")
    _hostile(jo, "stores", limit, "s")  # a team lee does not lead
    _hostile(org.alex, "orders", 2, "o")
    assert sorted(ShiftExposure.objects.values_list("hostile", flat=True)) == [2, limit]

    manager = _figure(team.wellbeing_exposure, org.morgan)
    assert manager.display == str(limit)
    assert manager.cases == f"1 of 2 shifts reached {limit} hostile"
    assert len(manager.ids) == limit

    lead = _figure(team.wellbeing_exposure, org.lee)  # orders and billing only
    assert (lead.value, lead.numerator, lead.denominator) == (2.0, 0, 1)
    assert lead.display == "2" and lead.ids == []
    html = _page(client, org.lee)
    assert f"0 of 1 shifts reached {limit} hostile" in html
