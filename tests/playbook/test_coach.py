"""The coach on the project's labelled replies, plus its contract (spans, JSON, severities)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from calmdesk.playbook import AgentView, coach, load_policy, validate_policy_text
from calmdesk.playbook.policy import DEFAULT_POLICY_PATH

from .cases import CASES, ReplyCase
from .conversations import NOW, conversations

POLICY = load_policy()
CONVERSATIONS = conversations()


def run(case: ReplyCase, policy=POLICY):
    conv = CONVERSATIONS[case.context] if case.context else None
    return coach(case.reply, conv, policy, AgentView("Sam", case.role), now=NOW)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_labelled_reply(case: ReplyCase):
    result = run(case)
    kinds = result.kinds()
    assert case.must <= kinds, f"missing {sorted(case.must - kinds)}; got {result.to_dict()}"
    assert not kinds & case.forbidden(), f"false alarm {sorted(kinds & case.forbidden())}"
    if case.good:
        assert result.score == 100


def test_labelled_set_covers_every_kind_both_ways():
    from calmdesk.playbook import FINDING_KINDS

    must = {k for c in CASES for k in c.must}
    assert must == set(FINDING_KINDS)
    assert sum(c.good for c in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_spans_are_exact(case: ReplyCase):
    for f in run(case).findings:
        assert 0 <= f.start <= f.end <= len(case.reply)
        assert case.reply[f.start : f.end] == f.text
        assert f.severity in ("blocking", "advice")
        assert f.rule
        if not f.text:
            assert f.suggestion.strip(), f  # something to insert


def test_to_dict_shape():
    result = coach("As I already told you, it's not our fault.", None, POLICY, now=NOW)
    data = result.to_dict()
    assert set(data) == {"score", "findings"}
    assert 0 <= data["score"] <= 100
    assert data["findings"]
    for f in data["findings"]:
        assert set(f) == {"kind", "severity", "start", "end", "text", "rule", "suggestion"}


def test_issue_example_is_blocking_and_rewrites_clear_it():
    reply = "As I already told you, it's not our fault."
    result = coach(reply, None, POLICY, now=NOW)
    blame = [f for f in result.findings if f.kind == "blame"]
    assert [f.text for f in blame] == ["As I already told you", "it's not our fault"]
    assert all(f.severity == "blocking" for f in blame)
    assert blame[0].suggestion == "To recap"
    fixed = reply
    for f in sorted(result.findings, key=lambda f: -f.start):
        fixed = fixed[: f.start] + f.suggestion + fixed[f.end :]
    assert fixed.startswith("To recap, I will help you put this right")
    assert not coach(fixed, None, POLICY, now=NOW).blocking


def test_vague_time_suggests_the_sla_day():
    result = coach("I will get back to you soon.", None, POLICY, now=NOW)
    (f,) = [f for f in result.findings if f.kind == "vague_time"]
    assert f.text == "soon"
    assert f.suggestion == "by Friday"  # email, calm: resolution in 1920 business minutes


def test_unauthorized_amount_depends_on_role():
    reply = "I will refund you €120 for the damaged item by Friday."
    agent = coach(reply, None, POLICY, AgentView("A", "agent"), now=NOW)
    lead = coach(reply, None, POLICY, AgentView("B", "lead"), now=NOW)
    (f,) = [f for f in agent.findings if f.kind == "unauthorized_promise"]
    assert (
        f.text == "€120" and f.suggestion == "€50" and f.rule == "compensation.limits.agent.refund"
    )
    assert "unauthorized_promise" not in lead.kinds()


def test_score_orders_replies():
    good = next(c for c in CASES if c.id == "good_late_delivery")
    worst = next(c for c in CASES if c.id == "combo_everything")
    medium = next(c for c in CASES if c.id == "apology_wording")
    assert run(good).score == 100 > run(medium).score > run(worst).score


def _policy_with(edit) -> object:
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    edit(data)
    return validate_policy_text(yaml.safe_dump(data, sort_keys=False))


def test_severity_comes_from_the_policy():
    def soften(d):
        d["coaching"]["severity"]["blame"] = "advice"
        d["coaching"]["severity"]["contradiction"] = "ignore"

    policy = _policy_with(soften)
    result = coach("As I already told you, that's not true.", None, policy, now=NOW)
    assert {f.kind: f.severity for f in result.findings} == {"blame": "advice"}


def test_phrases_and_apology_preference_come_from_the_policy():
    def edit(d):
        d["coaching"]["avoid"]["blame"].append(
            {"phrase": "it's company policy", "rewrite": "Here is what I can do"}
        )
        d["coaching"]["apology"]["preferred"] = "I'm sorry"

    policy = _policy_with(edit)
    result = coach("I apologize, but it’s company policy.", None, policy, now=NOW)
    by_kind = {f.kind: f for f in result.findings}
    assert by_kind["blame"].text == "it’s company policy"
    assert by_kind["apology_wording"].suggestion == "I'm sorry"


def test_empty_context_checks_only_wording():
    result = coach("Thanks.", None, POLICY, now=NOW)
    assert result.findings == [] and result.score == 100
    assert coach("   ", None, POLICY, now=NOW).findings == []


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
    | st.sampled_from([c.reply.replace("'", "\u2019") for c in CASES])
)
def test_never_crashes_and_spans_hold(text):
    for conv in (None, CONVERSATIONS["late_delivery"], CONVERSATIONS["review"]):
        result = coach(text, conv, POLICY, now=NOW)
        assert 0 <= result.score <= 100
        for f in result.findings:
            assert text[f.start : f.end] == f.text
