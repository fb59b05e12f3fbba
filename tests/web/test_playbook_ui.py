"""The playbook in the conversation page (issue 5): tracker, draft, coach, override, policy."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calmdesk.actions.events import EventKind
from calmdesk.models import Event, Message
from tests.web.conftest import make_conversation

BLAMING = "As I already told you, it's not our fault."
pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_page_has_the_composer_hooks_and_the_panel_slot(client, org, desk):
    client.force_login(org.alex.user)
    c = desk["hostile"]
    page = client.get(reverse("conversation", args=[c.pk])).content.decode()
    assert f'hx-post="{reverse("conversation_coach", args=[c.pk])}"' in page
    assert 'hx-trigger="input changed delay:500ms"' in page
    assert f'hx-get="{reverse("conversation_draft", args=[c.pk])}"' in page
    assert f'hx-get="{reverse("conversation_playbook", args=[c.pk])}"' in page
    assert "Send anyway" not in page


def test_panel_shows_the_six_steps_the_next_one_and_recommendations(client, org, desk):
    client.force_login(org.alex.user)
    panel = _text(client.get(reverse("conversation_playbook", args=[desk["hostile"].pk])))
    assert panel.count('class="step') >= 6
    assert 'data-step="listen_acknowledge"' in panel and 'data-step="document_learn"' in panel
    assert "step-current" in panel and "Next: " in panel
    assert 'class="sample"' in panel  # the next step's sample language
    assert "Set a boundary first" in panel  # the customer insulted us: recommend()


ISSUE = "My order #4411 was promised for Monday and it has not arrived. You people are useless!!!"


def test_draft_names_the_customer_and_restates_the_issue(client, org):
    c = make_conversation(
        team="orders",
        body=ISSUE,
        level="hostile",
        difficulty=85,
        evidence={"insult": ["useless"], "shouting": ["!!!"]},
    )
    client.force_login(org.alex.user)
    response = client.get(reverse("conversation_draft", args=[c.pk]))
    assert response.status_code == 200
    text = _text(response)
    box = text[text.index("<textarea") : text.index("</textarea>")]
    assert 'id="reply-body"' in box and 'hx-trigger="input changed delay:500ms"' in box
    assert "Dana" in box
    assert "I understand that your order has not arrived" in box  # their issue, restated
    # The coach's verdict on the draft comes along (out of band) and has nothing blocking.
    assert 'hx-swap-oob="outerHTML"' in text and 'id="coach"' in text
    assert "sev-blocking" not in text


def test_coach_partial_shows_blocking_findings_with_rewrites(client, org, desk):
    client.force_login(org.alex.user)
    response = client.post(
        reverse("conversation_coach", args=[desk["hostile"].pk]), {"body": BLAMING}
    )
    assert response.status_code == 200
    text = _text(response)
    assert "blocking" in text
    assert "As I already told you" in text and "it's not our fault" in text
    assert "coaching.avoid.blame" in text  # the rule
    assert "data-apply" in text and 'data-suggestion="To recap"' in response.content.decode()


def test_coach_partial_is_empty_for_an_empty_reply(client, org, desk):
    client.force_login(org.alex.user)
    response = client.post(reverse("conversation_coach", args=[desk["hostile"].pk]), {"body": " "})
    assert response.status_code == 200 and "finding" not in response.content.decode()


def test_blocking_reply_asks_for_confirmation_then_override_is_recorded(client, org, desk):
    c = desk["hostile"]
    client.force_login(org.alex.user)
    url = reverse("conversation_reply", args=[c.pk])
    first = client.post(url, {"body": BLAMING})
    assert first.status_code == 200  # not sent: the page again, with the findings
    text = _text(first)
    assert "Send anyway" in text and 'name="override"' in text
    assert BLAMING in text  # the reply box keeps what was typed
    assert not Message.objects.filter(conversation=c, direction="out").exists()
    assert not Event.objects.filter(kind=EventKind.COACH_OVERRIDE).exists()

    second = client.post(url, {"body": BLAMING, "override": "1"})
    assert second.status_code == 302
    sent = Message.objects.get(conversation=c, direction="out")
    assert sent.body == BLAMING
    event = Event.objects.get(kind=EventKind.COACH_OVERRIDE)
    assert event.actor_id == org.alex.pk and event.conversation_id == c.pk
    assert event.data["message"] == sent.pk
    assert {f["kind"] for f in event.data["findings"]} >= {"blame"}
    assert all(f["rule"] for f in event.data["findings"])


def test_reply_without_blocking_findings_records_no_override(client, org, desk):
    c = desk["calm"]
    client.force_login(org.alex.user)
    body = "Hi Tom, I'm sorry for the wait. I'll update you by tomorrow."
    response = client.post(
        reverse("conversation_reply", args=[c.pk]), {"body": body, "override": "1"}
    )
    assert response.status_code == 302
    assert Message.objects.filter(conversation=c, direction="out").count() == 1
    assert not Event.objects.filter(kind=EventKind.COACH_OVERRIDE).exists()


def test_do_reply_keeps_its_contract_without_a_coach_result(org, desk):
    from calmdesk.actions import do_reply

    message = do_reply(org.alex, desk["hostile"], BLAMING, deliver=False)
    assert message.body == BLAMING
    assert not Event.objects.filter(kind=EventKind.COACH_OVERRIDE).exists()


def test_step_override_is_stored_logged_and_shown(client, org, desk):
    c = desk["hostile"]
    client.force_login(org.alex.user)
    response = client.post(reverse("conversation_step", args=[c.pk]), {"step": "4"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.framework_step == 4
    event = Event.objects.get(kind=EventKind.FRAMEWORK_STEP_SET)
    assert event.after == {"framework_step": 4, "step": "offer_options"}
    panel = _text(client.get(reverse("conversation_playbook", args=[c.pk])))
    current = panel[panel.index("step-current") - 200 : panel.index("step-current") + 200]
    assert 'data-step="offer_options"' in current
    assert "(set by hand)" in panel

    client.post(reverse("conversation_step", args=[c.pk]), {"step": "0"})
    c.refresh_from_db()
    assert c.framework_step == 0
    assert "(set by hand)" not in _text(client.get(reverse("conversation_playbook", args=[c.pk])))


def test_step_override_rejects_nonsense(client, org, desk):
    c = desk["hostile"]
    client.force_login(org.alex.user)
    for bad in ("7", "x", ""):
        client.post(reverse("conversation_step", args=[c.pk]), {"step": bad})
    c.refresh_from_db()
    assert c.framework_step == 0
    assert not Event.objects.filter(kind=EventKind.FRAMEWORK_STEP_SET).exists()


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("conversation_playbook", "get", None),
        ("conversation_draft", "get", None),
        ("conversation_coach", "post", {"body": BLAMING}),
        ("conversation_step", "post", {"step": "2"}),
    ],
)
def test_another_teams_agent_gets_404(client, org, desk, name, method, data):
    client.force_login(org.sam.user)  # Billing only
    response = getattr(client, method)(reverse(name, args=[desk["hostile"].pk]), data or {})
    assert response.status_code == 404
    assert b"Dana" not in response.content


def test_policy_page_is_admin_only_and_shows_the_active_policy(client, org):
    client.force_login(org.morgan.user)
    assert client.get(reverse("policy")).status_code == 403
    client.force_login(org.root.user)
    page = _text(client.get(reverse("policy")))
    assert "default_policy.yaml" in page and "framework:" in page
    assert "does not change it" in page and "CALMDESK_POLICY_PATH" in page


def test_policy_page_validates_an_upload_with_field_and_line(client, org):
    from calmdesk.playbook import DEFAULT_POLICY_PATH

    client.force_login(org.root.user)
    good = DEFAULT_POLICY_PATH.read_bytes()
    ok = _text(client.post(reverse("policy"), {"policy": SimpleUploadedFile("p.yaml", good)}))
    assert "p.yaml is a valid policy" in ok
    bad = b"version: 1\nframework:\n  steps: nope\n"
    page = _text(client.post(reverse("policy"), {"policy": SimpleUploadedFile("bad.yaml", bad)}))
    assert "bad.yaml:" in page and 'class="problems"' in page
    assert "<td><code>framework.steps</code></td><td>3</td>" in page
    broken = b"framework: [\n"
    page = _text(client.post(reverse("policy"), {"policy": SimpleUploadedFile("b.yaml", broken)}))
    assert "not valid YAML" in page
    assert DEFAULT_POLICY_PATH.read_bytes() == good  # never written


def test_policy_page_escapes_the_yaml(client, org, tmp_path, settings):
    path = tmp_path / "policy.yaml"
    path.write_text("# <script>alert(1)</script>\n", encoding="utf-8")
    settings.CALMDESK_POLICY_PATH = str(path)
    client.force_login(org.root.user)
    page = client.get(reverse("policy")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "The active policy is invalid" in page
