"""The insights pages: who may open them, a fixed number of queries, drill-downs, forms, assets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calmdesk import actions
from tests.insights.helpers import talk

PAGES = ["insights:patterns", "insights:causes", "insights:team"]


def _client(client, agent):
    client.force_login(agent.user)
    return client


def _seed(n: int, offset: int = 0):
    now = timezone.now()
    bodies = ["My parcel never arrived!", "Charged twice on my card!", "Locked out, cannot log in!"]
    for i in range(n):
        c = talk(
            at=now - timedelta(days=(i * 17) % 100 + 1),
            body=bodies[i % 3],
            channel=("email", "chat")[i % 2],
            team=("orders", "billing")[i % 2],
            difficult=i % 4 != 0,
            email=f"p{offset + i}@example.com",
        )
        if i % 3 == 0:
            from calmdesk.models import Agent

            actions.do_reply(
                Agent.objects.get(user__username="alex"),
                c,
                f"Hi, I am sorry. I will update you by Friday. {i}",
                deliver=False,
            )
    actions.do_categorize()
    actions.do_review_replies()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_agents_cannot_open_insights_but_leads_and_managers_can(client, org, name):
    assert _client(client, org.alex).get(reverse(name)).status_code == 403
    assert _client(client, org.lee).get(reverse(name)).status_code == 200
    assert _client(client, org.morgan).get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_anonymous_visitors_go_to_login(client):
    r = client.get(reverse("insights:patterns"))
    assert r.status_code == 302 and "/login/" in r["Location"]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client, org):
    from calmdesk.models import RootCause

    _seed(6)
    c = _client(client, org.morgan)
    cause = RootCause.objects.get(key="delivery")
    actions.do_set_cause_owner(
        org.morgan, cause, owner=org.lee, fix_date=timezone.localdate() - timedelta(days=20)
    )
    urls = [reverse(n) for n in PAGES] + [
        reverse("insights:cause", args=[cause.pk]),
        reverse("insights:conversations") + "?figure=cell&difficult=1",
        reverse("insights:export", args=["by-channel"]),
    ]
    for u in urls:
        c.get(u)  # warm caches (policy, content types)
    small = {u: _count(c, u) for u in urls}
    _seed(30, offset=100)
    large = {u: _count(c, u) for u in urls}
    assert small == large
    assert max(large.values()) <= 20, large


@pytest.mark.django_db
def test_team_page_shows_qa_and_untracked_figures(client, org):
    _seed(6)
    html = _client(client, org.morgan).get(reverse("insights:team")).content.decode()
    assert "Every reply, checked by the coach" in html and "alex" in html
    for label in (
        "SLA compliance",
        "Escalation rate",
        "Promises kept",
        "Recovery rate",
        "CSAT after recovery",
        "Wellbeing exposure",
    ):
        assert label in html
    from calmdesk.insights import team

    for func in team.SERVICE_FIGURES:
        fig = func(
            __import__("calmdesk.models", fromlist=["Conversation"]).Conversation.objects.all(),
            timezone.now() - timedelta(days=28),
            timezone.now(),
        )
        assert fig.tracked or fig.display == "not tracked yet"


@pytest.mark.django_db
def test_every_reply_is_reviewed_once(org):
    from calmdesk.models import Message, ReplyReview

    _seed(6)
    replies = Message.objects.filter(direction="out").count()
    assert replies == 2 and ReplyReview.objects.count() == 2
    assert actions.do_review_replies() == 0
    review = ReplyReview.objects.first()
    assert 0 <= review.score <= 100 and review.author_id == org.alex.pk


@pytest.mark.django_db
def test_drill_down_lists_exactly_the_conversations_behind_a_number(client, org):
    email = talk(channel="email", team="orders", days_ago=2)
    talk(channel="email", team="orders", days_ago=2, difficult=False)
    hidden = talk(channel="email", team="billing", days_ago=2)
    url = reverse("insights:conversations") + "?figure=cell&dim=channel&value=email&difficult=1"
    html = _client(client, org.morgan).get(url).content.decode()
    assert f"#{email.pk} " in html and f"#{hidden.pk} " in html
    client.logout()
    lead_view = _client(client, org.lee).get(url).content.decode()
    assert f"#{email.pk} " in lead_view
    assert client.get(reverse("insights:conversations") + "?figure=nope").status_code == 404
    assert (
        client.get(reverse("insights:conversations") + "?figure=cell&dim=secret").status_code == 404
    )


@pytest.mark.django_db
def test_a_lead_sees_only_their_teams(client, org):
    from calmdesk.actions import do_create_user
    from calmdesk.models import Team

    Team.objects.create(name="Stores", slug="stores")
    lead = do_create_user(
        "kim", "lead", teams=[Team.objects.get(slug="stores")], password="pw-kim-123"
    )
    talk(team="orders", days_ago=2)
    html = (
        _client(client, lead)
        .get(reverse("insights:conversations") + "?figure=cell&difficult=1")
        .content.decode()
    )
    assert "No conversations behind this figure" in html


@pytest.mark.django_db
def test_manager_sets_owner_and_fix_lead_cannot(client, org):
    from calmdesk.models import RootCause

    talk(body="My parcel never arrived!")
    actions.do_categorize()
    cause = RootCause.objects.get(key="delivery")
    url = reverse("insights:cause", args=[cause.pk])
    assert _client(client, org.lee).post(url, {"owner": org.lee.pk}).status_code == 403
    client.logout()
    r = _client(client, org.morgan).post(
        url, {"owner": org.lee.pk, "fix_description": "Switch courier", "fix_date": "2025-01-15"}
    )
    assert r.status_code == 302
    cause.refresh_from_db()
    assert cause.owner == org.lee and cause.fix_description == "Switch courier"
    assert str(cause.fix_date) == "2025-01-15"
    html = client.get(url).content.decode()
    assert "Switch courier" in html and "lee" in html


@pytest.mark.django_db
def test_agent_corrects_a_cause_from_the_form(client, org):
    from calmdesk.models import ConversationCause

    c = talk(body="My parcel never arrived!")
    actions.do_categorize()
    url = reverse("insights:correct_cause", args=[c.pk])
    cl = _client(client, org.alex)
    assert "What was really behind it?" in cl.get(url).content.decode()
    assert cl.post(url, {"cause": "policy"}).status_code == 302
    cc = ConversationCause.objects.get(conversation=c)
    assert cc.cause.key == "policy" and cc.source == "agent" and cc.assigned_by == org.alex
    assert cl.post(url, {"cause": "no-such"}).status_code == 200  # shown again with the error


@pytest.mark.django_db
def test_plotly_and_chart_script_are_served_locally(client, org):
    from calmdesk.web.insights.assets import asset_url

    r = client.get(asset_url("plotly.min.js"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/javascript")
    assert b"plotly" in b"".join(r.streaming_content)[:2000].lower()
    assert "immutable" in r["Cache-Control"]
    assert client.get(reverse("insights:asset", args=["x", "secret.py"])).status_code == 404
    html = _client(client, org.morgan).get(reverse("insights:patterns")).content.decode()
    assert asset_url("plotly.min.js") in html and 'type="application/json"' in html
    assert "<script>" not in html and " style=" not in html  # strict CSP: nothing inline
