"""CSV exports: every table downloads, and no cell can run as a spreadsheet formula."""

import csv
import io

import pytest
from django.urls import reverse

from calmdesk.insights.export import safe_cell, to_csv
from tests.insights.helpers import talk


@pytest.mark.parametrize(
    "bad", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://evil.example")']
)
def test_formula_cells_are_neutralized(bad):
    assert safe_cell(bad) == "'" + bad


def test_plain_values_pass_through():
    assert safe_cell("Delivery") == "Delivery"
    assert safe_cell(-3) == -3 and safe_cell(0.25) == 0.25
    assert safe_cell(None) == "" and safe_cell(True) == "yes"


def test_csv_round_trip_keeps_commas_quotes_and_newlines():
    text = to_csv(["a", "b"], [['x, "y"\nz', "=2"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ['x, "y"\nz', "'=2"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "weekly",
        "causes",
        "customers",
        "by-cause",
        "by-channel",
        "by-team",
        "by-location",
        "service",
        "qa",
        "findings",
    ],
)
def test_every_table_exports(client, org, name):
    client.force_login(org.morgan.user)
    r = client.get(reverse("insights:export", args=[name]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert f"calmdesk-{name}-" in r["Content-Disposition"]
    assert list(csv.reader(io.StringIO(r.content.decode())))[0]


@pytest.mark.django_db
def test_a_hostile_location_name_is_exported_as_text(client, org):
    from calmdesk.models import Location

    Location.objects.create(
        name='=HYPERLINK("http://evil.example","x")', slug="evil", team=org.orders
    )
    talk(location="evil", days_ago=2)
    client.force_login(org.morgan.user)
    body = client.get(reverse("insights:export", args=["by-location"])).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    assert client.get(reverse("insights:export", args=["secrets"])).status_code == 404


@pytest.mark.django_db
def test_agents_cannot_export(client, org):
    client.force_login(org.alex.user)
    assert client.get(reverse("insights:export", args=["weekly"])).status_code == 403


@pytest.mark.django_db
def test_the_cause_pages_download_link_gives_its_weekly_table(client, org):
    import html
    import re

    from calmdesk import actions
    from calmdesk.actions import do_create_user
    from calmdesk.models import RootCause, Team

    talk(body="My parcel never arrived!", days_ago=2)
    talk(body="My parcel never arrived!", days_ago=9)
    actions.do_categorize()
    cause = RootCause.objects.get(key="delivery")
    client.force_login(org.lee.user)
    page = client.get(reverse("insights:cause", args=[cause.pk])).content.decode()
    links = re.findall(r'<a class="export" href="([^"]+)" download>Download CSV</a>', page)
    assert len(links) == 1
    link = html.unescape(links[0])
    r = client.get(link)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert f"calmdesk-cause-{cause.pk}-weekly-" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == ["Week starting", "Complaints", "Period"] and len(rows) == 1 + 12
    assert sum(int(row[1]) for row in rows[1:]) == 2

    # the same access checks as the page: a lead of another team counts none of them
    stores = Team.objects.create(name="Stores", slug="stores")
    kim = do_create_user("kim", "lead", teams=[stores], password="pw-kim-123")
    client.force_login(kim.user)
    rows = list(csv.reader(io.StringIO(client.get(link).content.decode())))
    assert sum(int(row[1]) for row in rows[1:]) == 0
    client.force_login(org.alex.user)
    assert client.get(link).status_code == 403
    client.force_login(org.morgan.user)
    missing = reverse("insights:export", args=[f"cause-{cause.pk + 1000}-weekly"])
    assert client.get(missing).status_code == 404
    assert client.get(reverse("insights:export", args=["cause-0-weekly"])).status_code == 404
