"""Drafts: personal, restate the issue, follow the policy, and pass the coach."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from calmdesk.playbook import AgentView, coach, draft_reply, load_policy
from calmdesk.playbook.text import conversation_issue
from calmdesk.playbook.views import ConversationView, CustomerView, MessageView

from .conversations import AGENT, LEAD, NOW, conversations

POLICY = load_policy()
CONVERSATIONS = conversations()


@pytest.mark.parametrize("key", sorted(CONVERSATIONS))
@pytest.mark.parametrize("agent", [AGENT, LEAD], ids=["agent", "lead"])
def test_draft_is_personal_and_passes_the_coach(key, agent):
    conv = CONVERSATIONS[key]
    draft = draft_reply(conv, POLICY, agent, now=NOW)
    first = conv.customer.first_name
    if first:
        assert re.search(rf"\b{first}\b", draft.text)
    issue = conversation_issue(conv)
    if issue and not draft.public:
        assert issue.restated in draft.text
    result = coach(draft.text, conv, POLICY, agent, now=NOW)
    assert not result.blocking, [f.to_dict() for f in result.blocking]
    assert result.score >= 80, result.to_dict()


def test_late_delivery_draft_parts():
    draft = draft_reply(CONVERSATIONS["late_delivery"], POLICY, AGENT, now=NOW)
    assert draft.text.startswith("Hi Jane,")
    assert "I understand that your order #4411 has not arrived." in draft.text
    assert "idiots" not in draft.text
    assert draft.part("boundary") == POLICY.boundary.message
    assert draft.part("emotion") == POLICY.drafts.emotions["anger"]
    assert draft.text.count("I apologize") == 1
    assert draft.part("repeat_contact")
    assert (
        draft.part("options").splitlines()[1].startswith("- A refund:")
    )  # they asked for their money back
    assert (
        "update you by Wednesday" in draft.text
    )  # hostile email: 960 business minutes from Monday 10:00
    assert draft.due == NOW + timedelta(days=2)
    assert draft.text.rstrip().endswith("Sam Rivera")


def test_draft_is_deterministic():
    conv = CONVERSATIONS["damaged_sofa"]
    assert draft_reply(conv, POLICY, AGENT, now=NOW) == draft_reply(conv, POLICY, AGENT, now=NOW)


def test_unclear_issue_gets_a_clarifying_question():
    draft = draft_reply(CONVERSATIONS["unclear_sms"], POLICY, AGENT, now=NOW)
    assert draft.part("clarify") and "?" in draft.part("clarify")
    assert "\n" not in draft.text  # SMS: one compact message


def test_public_reply_is_short_and_private():
    conv = CONVERSATIONS["review"]
    draft = draft_reply(conv, POLICY, AGENT, now=NOW)
    assert draft.public
    assert "Maria" in draft.text and "Gonzalez" not in draft.text
    assert "5521" not in draft.text and "Rivera" not in draft.text
    assert "stockholm@example.com" in draft.text  # the location's contact
    assert len(draft.text.split()) <= POLICY.public_reply.max_words
    assert "I apologize" in draft.text


def test_abusive_public_post_gets_the_boundary():
    draft = draft_reply(CONVERSATIONS["social_abuse"], POLICY, AGENT, now=NOW)
    assert POLICY.boundary.message in draft.text
    assert "clowns" not in draft.text


def test_final_warning_after_earlier_warnings():
    draft = draft_reply(CONVERSATIONS["final_warning"], POLICY, AGENT, now=NOW)
    assert draft.part("boundary") == POLICY.boundary.final_warning_message


def test_manager_request_establishes_equality():
    draft = draft_reply(CONVERSATIONS["manager_request"], POLICY, AGENT, now=NOW)
    assert draft.part("escalation_request") == POLICY.drafts.escalation_request
    assert "the replacement we sent is the wrong size again" in draft.text


def test_options_follow_the_role():
    conv = CONVERSATIONS["damaged_sofa"]
    nobody = AgentView("Pat New", role="agent")
    policy = POLICY.model_copy(
        update={
            "compensation": POLICY.compensation.model_copy(
                update={"limits": {"agent": {"voucher": 10.0}}}
            )
        }
    )
    draft = draft_reply(conv, policy, nobody, now=NOW)
    assert draft.part("options").splitlines()[1:] == [
        "- A voucher: " + POLICY.compensation.options["voucher"].explain
    ]


def test_no_name_uses_neutral_greeting():
    draft = draft_reply(CONVERSATIONS["no_name"], POLICY, AGENT, now=NOW)
    assert draft.text.startswith("Hello,")


MESSAGES = [
    "This is the third time I write and my order #4411 has not arrived, you idiots!!! I want my money back.",
    "You charged me twice for the same subscription. I want my money back now.",
    "Hi, I ordered a sofa on 3 March. It was delivered damaged and nobody answers the phone.",
    "I want to speak to a manager. The replacement you sent is the wrong size again.",
    "My package is still not here after 2 weeks. WHERE IS IT??",
    "The app keeps crashing when I try to pay and now my card was charged anyway.",
    "I cannot log in to my account since yesterday, the password reset link does not work",
    "If this is not refunded by Friday I will take legal action and file a chargeback.",
    "Your driver was rude to my mother and left the parcel in the rain. Absolutely disgusting service.",
    "I have been on hold for 45 minutes three times this week. Cancel my subscription.",
    "Honestly I'm disappointed, the jacket arrived with a broken zip.",
    "You people are a joke. Do you even read emails?",
    "Worst shop ever, I will leave a one star review everywhere unless I get a refund today",
    "Hi there, just checking whether my return was received? Thanks",
    "F*** you and your useless company, where is my refund???",
]


@pytest.mark.parametrize("channel", ["email", "chat", "sms", "review", "social"])
def test_drafts_pass_the_coach_on_analysed_messages(channel):
    analysis = pytest.importorskip("calmdesk.analysis")
    for i, body in enumerate(MESSAGES):
        a = analysis.assess(body)
        conv = ConversationView(
            id=i,
            channel=channel,
            subject="",
            customer=CustomerView(name="Robin Hale"),
            messages=[MessageView("in", body, NOW - timedelta(hours=1), a)],
            level=a.level,
            difficulty=a.difficulty,
        )
        draft = draft_reply(conv, POLICY, AGENT, now=NOW)
        assert "Robin" in draft.text
        result = coach(draft.text, conv, POLICY, AGENT, now=NOW)
        assert not result.blocking, (body, draft.text, [f.to_dict() for f in result.blocking])
