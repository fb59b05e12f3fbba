"""Step tracking, recommendations, rules and the hand-over brief."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from calmdesk.playbook import (
    AgentView,
    CommitmentView,
    CompensationView,
    brief,
    evaluate_rules,
    load_policy,
    recommend,
    track_steps,
)
from calmdesk.playbook.views import MessageView

from .conversations import AGENT, NOW, assessment, conversations

POLICY = load_policy()
C = conversations()


def with_messages(conv, *messages):
    return dataclasses.replace(conv, messages=[*conv.messages, *messages])


def test_no_reply_yet_starts_at_step_one_with_sample():
    progress = track_steps(C["late_delivery"], POLICY, AGENT, now=NOW)
    assert progress.covered == []
    assert progress.current == "listen_acknowledge"
    assert "your order #4411 has not arrived" in progress.sample


def test_steps_detected_from_replies_and_notes():
    conv = with_messages(
        C["damaged_sofa"],
        MessageView(
            "out", "Hi Priya, I understand your sofa arrived damaged. I apologize for that.", NOW
        ),
    )
    progress = track_steps(conv, POLICY, AGENT, now=NOW)
    assert progress.covered == ["listen_acknowledge", "empathize_apologize"]
    assert progress.current == "clarify_confirm"
    assert progress.sample.startswith(
        "So, if I understand correctly, your sofa was delivered damaged."
    )
    conv = with_messages(
        conv,
        MessageView(
            "out",
            "Could you send me a photo? I can offer a replacement, and I will update you by Wednesday.",
            NOW,
        ),
        MessageView("note", "Root cause: courier handling, logged with the carrier.", NOW),
    )
    progress = track_steps(conv, POLICY, AGENT, now=NOW)
    assert len(progress.covered) == 6 and progress.current is None


def test_agent_override_wins():
    conv = dataclasses.replace(C["login"], step_override="offer_options")
    progress = track_steps(conv, POLICY, AGENT, now=NOW)
    assert progress.current == "offer_options" and progress.overridden
    assert progress.sample == "Here are the options I can offer you:"


def kinds(recs):
    return [r.kind for r in recs]


def test_abuse_sets_the_boundary_first():
    recs = recommend(C["late_delivery"], POLICY, AGENT, now=NOW)
    assert recs[0].kind == "set_boundary" and POLICY.boundary.message in recs[0].detail
    assert kinds(recs).count("set_boundary") == 1
    assert "acknowledge_repeat" in kinds(recs)
    escalations = [r for r in recs if r.kind == "escalate"]
    assert [r.params["to"] for r in escalations] == ["lead"]  # third contact
    assert recs[-1].kind == "next_step"


def test_manager_request_and_legal_threat():
    recs = recommend(C["manager_request"], POLICY, AGENT, now=NOW)
    assert "establish_equality" in kinds(recs)
    assert any(r.kind == "escalate" and r.params["to"] == "lead" for r in recs)
    recs = recommend(C["legal"], POLICY, AGENT, now=NOW)
    assert "legal" in kinds(recs)
    assert [r.params["to"] for r in recs if r.kind == "escalate"] == ["manager"]
    assert any(r.kind == "require_approval" and r.params["role"] == "manager" for r in recs)


def test_already_escalated_is_not_escalated_again():
    conv = dataclasses.replace(C["legal"], escalation_level="manager")
    assert "escalate" not in kinds(recommend(conv, POLICY, AGENT, now=NOW))


def test_wellbeing_threshold_offers_a_break():
    tired = AgentView("Sam Rivera", "agent", hostile_this_shift=POLICY.wellbeing.hostile_per_shift)
    assert "take_break" in kinds(recommend(C["late_delivery"], POLICY, tired, now=NOW))
    assert "take_break" not in kinds(recommend(C["late_delivery"], POLICY, AGENT, now=NOW))


def test_public_channel_moves_private_and_final_warning_asks_for_decision():
    assert "move_private" in kinds(recommend(C["review"], POLICY, AGENT, now=NOW))
    conv = dataclasses.replace(C["final_warning"], abuse_warnings=2)
    assert "decide_pause_or_block" in kinds(recommend(conv, POLICY, AGENT, now=NOW))


def test_rules_match_conditions():
    names = {m.name for m in evaluate_rules(C["vip_invoice"], POLICY)}
    assert names == {"Upset VIP"}
    assert {m.name for m in evaluate_rules(C["habitual"], POLICY)} == {
        "Habitual claimant asks for compensation"
    }
    assert evaluate_rules(C["login"], POLICY) == []
    breached = dataclasses.replace(C["login"], sla_breached=True)
    assert [m.name for m in evaluate_rules(breached, POLICY)] == ["SLA breached"]


def test_brief_has_every_part():
    conv = with_messages(
        C["late_delivery"],
        MessageView(
            "out",
            "Hi Jane, as I already told you the courier is late. I will update you soon.",
            NOW - timedelta(minutes=50),
        ),
        MessageView(
            "in",
            "I want to speak to a manager. I will take legal action.",
            NOW - timedelta(minutes=10),
            assessment(
                level="hostile",
                emotions={"anger": 0.9},
                signals=("escalation_request", "legal_threat"),
            ),
        ),
    )
    conv = dataclasses.replace(conv, level="hostile", difficulty=85)
    b = brief(
        conv,
        POLICY,
        commitments=[CommitmentView("Update Jane about order #4411", NOW + timedelta(days=2))],
        compensations=[CompensationView("voucher", 15.0, state="offered")],
        now=NOW,
    )
    assert b.issue == 'Jane says: "my order #4411 has not arrived".'
    assert "a refund" in b.wants and "someone senior" in b.wants
    assert any("1 reply sent" in t for t in b.tried)
    assert b.promises == ["Update Jane about order #4411 (due Wed 12 Mar 10:00 UTC, open)"]
    assert b.compensation == ["voucher 15 EUR (offered)"]
    assert b.trajectory.startswith("hostile -> hostile")
    assert any("as I already told you" in a for a in b.avoid)
    assert any("liability" in a for a in b.avoid)
    assert b.next_step.startswith("Escalate to a manager")
    text = b.to_text()
    for label in (
        "Issue:",
        "Wants:",
        "Tried so far:",
        "Promises:",
        "Compensation:",
        "Emotional trajectory:",
        "Avoid saying:",
        "Next step:",
    ):
        assert label in text


def test_brief_finds_promises_in_replies_without_a_ledger():
    conv = with_messages(
        C["damaged_sofa"], MessageView("out", "Hi Priya, I will call you tomorrow at 3pm.", NOW)
    )
    b = brief(conv, POLICY, now=NOW)
    assert b.promises == ["I will call you tomorrow at 3pm (said Mon 10 Mar)"]
    assert b.compensation == []


def test_rules_asking_for_the_same_decision_give_one_suggestion():
    from .conversations import conv, inbound

    both = conv(
        "vip_habitual_legal",
        "email",
        "Vera Quinn",
        [
            inbound(
                "Third time writing. My lawyer will hear about this, and I will post a review.",
                level="difficult",
                signals=["legal_threat", "review_threat", "repeat_contact"],
            )
        ],
        habitual=True,
        vip=True,
        contact_count=3,
    )
    matched = {m.name for m in evaluate_rules(both, POLICY)}
    assert {"Upset VIP", "Third contact about the same issue"} <= matched
    assert "Habitual claimant asks for compensation" in matched  # asks for a lead
    recs = recommend(both, POLICY, AGENT, now=NOW)
    approvals = [r for r in recs if r.kind == "require_approval"]
    assert [r.params["role"] for r in approvals] == ["manager"]  # not lead and manager
    assert "Legal" in approvals[0].source and "Habitual" in approvals[0].source
    offers = [r for r in recs if r.kind == "offer_compensation_tier"]
    assert [r.params["tier"] for r in offers] == ["standard"]  # the higher of goodwill, standard
    follow_ups = [r for r in recs if r.kind == "schedule_follow_up"]
    assert sorted(r.params["kind"] for r in follow_ups) == ["check_resolved", "survey"]
    titles = [r.title for r in recs]
    assert len(titles) == len(set(titles)), titles
