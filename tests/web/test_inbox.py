"""The inbox: priority order, filters with counts, search, paging, the htmx poll."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from calmdesk.web import queue
from tests.web.conftest import HOSTILE, HOSTILE_EVIDENCE, make_conversation


def _row_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'id="row-(\d+)"', response.content.decode())]


@pytest.fixture
def queue_of(org):
    """Orders: one of each level, waiting different times; Billing: one hostile."""
    made = {
        "calm_old": make_conversation(
            team="orders",
            name="Calm Old",
            email="c1@example.com",
            hours_ago=50,
            level="calm",
            difficulty=5,
        ),
        "tense": make_conversation(
            team="orders",
            name="Tess Tense",
            email="t@example.com",
            level="tense",
            difficulty=30,
            channel="chat",
        ),
        "difficult_new": make_conversation(
            team="orders",
            name="Dee New",
            email="d1@example.com",
            hours_ago=1,
            level="difficult",
            difficulty=60,
        ),
        "difficult_old": make_conversation(
            team="orders",
            name="Dee Old",
            email="d2@example.com",
            hours_ago=9,
            level="difficult",
            difficulty=60,
        ),
        "hostile": make_conversation(
            team="orders", body=HOSTILE, level="hostile", difficulty=80, evidence=HOSTILE_EVIDENCE
        ),
        "billing": make_conversation(
            team="billing",
            name="Bill Hostile",
            email="b@example.com",
            level="hostile",
            difficulty=99,
        ),
    }
    return made


def test_hardest_first_then_longest_waiting(client, org, queue_of):
    client.force_login(org.alex.user)
    ids = _row_ids(client.get(reverse("inbox")))
    q = queue_of
    assert ids == [
        q[k].pk for k in ("hostile", "difficult_old", "difficult_new", "tense", "calm_old")
    ]


def test_level_outranks_difficulty(client, org, queue_of):
    # A hostile conversation with a lower score still comes before a difficult one.
    low_hostile = make_conversation(
        team="orders", name="Low", email="low@example.com", level="hostile", difficulty=20
    )
    client.force_login(org.alex.user)
    ids = _row_ids(client.get(reverse("inbox")))
    assert ids.index(low_hostile.pk) < ids.index(queue_of["difficult_old"].pk)


def test_agents_see_their_teams_managers_all(client, org, queue_of):
    client.force_login(org.alex.user)
    assert queue_of["billing"].pk not in _row_ids(client.get(reverse("inbox")))
    client.force_login(org.morgan.user)
    ids = _row_ids(client.get(reverse("inbox")))
    assert ids[0] == queue_of["billing"].pk and len(ids) == 6


def test_filters_and_counts(client, org, queue_of):
    client.force_login(org.alex.user)
    page = client.get(reverse("inbox"), {"level": "difficult"})
    assert sorted(_row_ids(page)) == sorted(
        [queue_of["difficult_new"].pk, queue_of["difficult_old"].pk]
    )
    html = page.content.decode()
    # Counts per option keep the other filters: 2 difficult, 1 hostile, 5 in any level.
    assert re.search(
        r'id="f-level-difficult"[^>]*>\s*<span>Difficult</span><span class="count">2<', html
    )
    assert re.search(
        r'id="f-level-hostile"[^>]*>\s*<span>Hostile</span><span class="count">1<', html
    )
    assert re.search(r'id="f-level-any"[^>]*>\s*<span>Any</span><span class="count">5<', html)
    # Channel counts are narrowed by the level filter: no difficult chat.
    assert re.search(r'id="f-channel-chat"[^>]*>\s*<span>Chat</span><span class="count">0<', html)
    assert _row_ids(client.get(reverse("inbox"), {"channel": "chat"})) == [queue_of["tense"].pk]


def test_unanswered_filter_and_status(client, org, queue_of):
    from calmdesk.actions import do_reply, do_set_status

    do_reply(org.alex, queue_of["tense"], "Hi Tess, on it.", deliver=False)
    do_set_status(org.alex, queue_of["calm_old"], "resolved")
    client.force_login(org.alex.user)
    unanswered = _row_ids(client.get(reverse("inbox"), {"unanswered": "1"}))
    assert queue_of["tense"].pk not in unanswered and queue_of["hostile"].pk in unanswered
    assert queue_of["calm_old"].pk not in _row_ids(client.get(reverse("inbox")))
    assert _row_ids(client.get(reverse("inbox"), {"status": "resolved"})) == [
        queue_of["calm_old"].pk
    ]
    assert len(_row_ids(client.get(reverse("inbox"), {"status": "all"}))) == 5


def test_assignee_filter(client, org, queue_of):
    from calmdesk.actions import do_assign

    do_assign(org.lee, queue_of["tense"], org.alex)
    client.force_login(org.alex.user)
    assert _row_ids(client.get(reverse("inbox"), {"assignee": "me"})) == [queue_of["tense"].pk]
    assert queue_of["tense"].pk not in _row_ids(client.get(reverse("inbox"), {"assignee": "none"}))


def test_search_by_name_identity_and_text(client, org, queue_of):
    client.force_login(org.alex.user)
    assert _row_ids(client.get(reverse("inbox"), {"q": "tess"})) == [queue_of["tense"].pk]
    assert _row_ids(client.get(reverse("inbox"), {"q": "d2@example"})) == [
        queue_of["difficult_old"].pk
    ]
    assert _row_ids(client.get(reverse("inbox"), {"q": "incompetent"})) == [queue_of["hostile"].pk]
    # Search never reaches another team's conversations.
    assert _row_ids(client.get(reverse("inbox"), {"q": "Bill Hostile"})) == []


def test_bad_filter_values_are_ignored(client, org, queue_of):
    client.force_login(org.alex.user)
    response = client.get(
        reverse("inbox"),
        {
            "level": "<script>",
            "page": "-3",
            "assignee": "x",
            "location": "1 OR 1=1",
            "status": "nope",
        },
    )
    assert response.status_code == 200
    assert len(_row_ids(response)) == 5


def test_pagination(client, org, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    made = [
        make_conversation(
            team="orders",
            name=f"P{i}",
            email=f"p{i}@example.com",
            difficulty=50 - i,
            level="difficult",
        )
        for i in range(5)
    ]
    client.force_login(org.alex.user)
    first = client.get(reverse("inbox"))
    assert _row_ids(first) == [made[0].pk, made[1].pk]
    assert "Page 1 of 3" in first.content.decode()
    assert _row_ids(client.get(reverse("inbox"), {"page": "3"})) == [made[4].pk]


@pytest.mark.parametrize(
    ("page", "shown", "rows"),
    [
        ("999", "Page 3 of 3", [4]),  # past the last page: the last
        ("9" * 5000, "Page 3 of 3", [4]),
        ("abc", "Page 1 of 3", [0, 1]),  # not a number: the first
        ("²", "Page 1 of 3", [0, 1]),
        ("0", "Page 1 of 3", [0, 1]),
    ],
)
def test_page_out_of_range_is_clamped(client, org, monkeypatch, page, shown, rows):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    made = [
        make_conversation(
            team="orders",
            name=f"P{i}",
            email=f"p{i}@example.com",
            difficulty=50 - i,
            level="difficult",
        )
        for i in range(5)
    ]
    client.force_login(org.alex.user)
    response = client.get(reverse("inbox"), {"status": "all", "page": page})
    html = response.content.decode()
    assert response.status_code == 200
    assert _row_ids(response) == [made[i].pk for i in rows]
    assert shown in html and "Nothing here" not in html
    if page == "999":  # the poll asks for the page shown, not the one typed
        assert 'hx-get="/?status=all&amp;page=3"' in html
        assert 'rel="prev"' in html and 'rel="next"' not in html


def test_page_of_an_empty_queue(client, org):
    client.force_login(org.alex.user)
    response = client.get(reverse("inbox"), {"page": "7"})
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing here" in html and "Page " not in html


def test_inbox_answers_head_but_not_post(client, org, queue_of):
    client.force_login(org.alex.user)
    head = client.head(reverse("inbox"))
    assert head.status_code == 200 and head.content == b""
    assert client.head(reverse("inbox"), HTTP_HX_REQUEST="true").status_code == 200
    assert client.post(reverse("inbox")).status_code == 405


def test_rows_show_what_matters(client, org, queue_of):
    client.force_login(org.alex.user)
    html = client.get(reverse("inbox")).content.decode()
    row = html[html.index(f'id="row-{queue_of["hostile"].pk}"') :]
    row = row[: row.index("</li>")]
    assert "Dana Whitfield" in row and "Email" in row and "Hostile" in row
    assert "Order 4411" in row  # the subject
    assert "review threat" in row  # the top reason
    assert "waiting 2 h" in row
    assert "Unassigned" in row


def test_first_line_when_there_is_no_subject(client, org):
    made = make_conversation(team="orders", subject="", body="\n\nMy kettle leaks.\nSecond line")
    client.force_login(org.alex.user)
    html = client.get(reverse("inbox")).content.decode()
    assert (
        f'id="row-{made.pk}"' in html and "My kettle leaks." in html and "Second line" not in html
    )


def test_htmx_poll_returns_only_the_results(client, org, queue_of):
    client.force_login(org.alex.user)
    response = client.get(reverse("inbox"), {"unanswered": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="inbox-results"')
    assert 'hx-trigger="every 10s"' in html and 'hx-get="/?unanswered=1"' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    # A message that arrives meanwhile shows up in the next poll.
    late = make_conversation(
        team="orders", name="Late Comer", email="late@example.com", level="hostile", difficulty=95
    )
    again = client.get(reverse("inbox"), {"unanswered": "1"}, headers={"HX-Request": "true"})
    assert _row_ids(again)[0] == late.pk


@pytest.mark.django_db
def test_facet_counts_equal_one_count_per_facet_for_every_filter_mix(org, queue_of):
    """The shared GROUP BY gives what a COUNT per facet (the plain way) gives."""
    import itertools

    from django.db.models import Count

    from calmdesk.access import visible_conversations
    from calmdesk.actions import do_assign, do_reply

    do_assign(org.lee, queue_of["tense"], org.alex)
    do_reply(org.alex, queue_of["tense"], "Hi Tess, on it.", deliver=False)

    def plain(agent, f, facet):
        qs = queue._apply(visible_conversations(agent), f, agent, skip=facet)
        column = queue.FACET_COLUMNS[facet]
        grouped = qs.order_by().values(column).annotate(n=Count("id")).values_list(column, "n")
        return {queue._key(k): n for k, n in grouped}

    mixes = list(
        itertools.product(
            ["open", queue.ALL], ["", "chat"], ["", "difficult"], ["", "me", "none"], [False, True]
        )
    )
    for agent in (org.alex, org.lee):
        for status, channel, level, assignee, unanswered in mixes:
            f = queue.Filters(status, channel, level, "", assignee, "", unanswered)
            counter = queue._Counter(agent, f)
            for facet in queue.FACET_COLUMNS:
                assert counter.counts(facet) == plain(agent, f, facet), (facet, f)
            expected = (
                queue._apply(visible_conversations(agent), f, agent, skip="unanswered")
                .filter(awaiting_reply=True)
                .count()
            )
            assert counter.unanswered() == expected, f
            total = queue._apply(visible_conversations(agent), f, agent).count()
            assert counter.total() == total, f
