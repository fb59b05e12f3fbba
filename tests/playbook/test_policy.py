"""The policy file: the default validates; a broken one says which field and which line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from calmdesk.playbook import (
    ACTION_REGISTRY,
    DEFAULT_POLICY_PATH,
    FINDING_KINDS,
    STEP_KEYS,
    PolicyError,
    dispatch,
    load_policy,
    validate_policy_text,
)
from calmdesk.playbook.registry import EscalateParams, ScheduleFollowUpParams

DEFAULT_TEXT = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")


def edited(old: str, new: str) -> str:
    assert DEFAULT_TEXT.count(old) == 1, old
    return DEFAULT_TEXT.replace(old, new)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_default_policy_validates_and_is_complete():
    policy = load_policy()
    assert [s.key for s in policy.framework.steps] == list(STEP_KEYS)
    assert set(policy.coaching.severity) == set(FINDING_KINDS)
    assert policy.coaching.apology.preferred in ("I apologize", "I'm sorry")
    assert set(policy.compensation.limits) == {"agent", "lead", "manager", "admin"}
    assert (
        policy.limit("agent", "refund")
        < policy.limit("lead", "refund")
        < policy.limit("manager", "refund")
    )
    assert policy.sla_target("review", "hostile").public_response is not None
    assert "other" in policy.root_causes and len(policy.root_causes) == 10
    assert policy.rules and policy.boundary.warnings_before_final >= 0
    assert policy.wellbeing.hostile_per_shift > 0


def test_load_policy_reads_env_path(tmp_path, monkeypatch):
    path = tmp_path / "policy.yaml"
    path.write_text(edited("name: Calmdesk default", "name: Team North"), encoding="utf-8")
    monkeypatch.setenv("CALMDESK_POLICY_PATH", str(path))
    assert load_policy().name == "Team North"
    assert load_policy(DEFAULT_POLICY_PATH).name == "Calmdesk default"


def test_load_policy_missing_file(tmp_path):
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "  limit: 1                 #",
            "  limit: 0                 #",
            "coaching.apology.limit",
            "greater than or equal to 1",
        ),
        ("  default_role: agent ", "  default_role: intern ", "coaching.default_role", "'agent'"),
        (
            "    limit: 1",
            "    limit: 1\n    colour: blue",
            "coaching.apology.colour",
            "Extra inputs",
        ),
        ("open: '09:00'", "open: 9:30", "sla.business_hours.open", "quotes"),
        ("close: '17:00'", "close: 17:00", "sla.business_hours.close", "quotes"),
        (
            "- {action: escalate, params: {to: lead, reason: SLA breached}}",
            "- {action: page_the_ceo, params: {}}",
            "rules.6.then.0",
            "unknown action 'page_the_ceo'",
        ),
        (
            "- {action: escalate, params: {to: lead, reason: SLA breached}}",
            "- {action: escalate, params: {to: ceo}}",
            "rules.6.then.0",
            "params.to",
        ),
        (
            "{tier: goodwill}}\n      - {action: schedule_follow_up, params: {after_business_days: 1}}",
            "{tier: platinum}}\n      - {action: schedule_follow_up, params: {after_business_days: 1}}",
            "rules.3.then.1.params.tier",
            "unknown tier 'platinum'",
        ),
        (
            "  commitment: I will take care of this now and update you by {time}.",
            "  commitment: I will update you by {deadline}.",
            "drafts.commitment",
            "unknown placeholder {deadline}",
        ),
        (
            "      - pattern: '\\bcalm down\\b'",
            "      - pattern: '(calm down'",
            "coaching.avoid.emotional_reaction.0.pattern",
            "not a valid regular expression",
        ),
        (
            "      - pattern: '\\bcalm down\\b'",
            "      - pattern: '(\\w+)+ down'",
            "coaching.avoid.emotional_reaction.0.pattern",
            "nested quantifiers",
        ),
        (
            "deciders: [lead, manager, admin]",
            "deciders: [agent, lead]",
            "boundary",
            "agent may not",
        ),
        (
            "  hostile_per_shift: 6 ",
            "  hostile_per_shift: many ",
            "wellbeing.hostile_per_shift",
            "integer",
        ),
    ],
)
def test_invalid_policy_names_field_and_line(old, new, path, message):
    text = edited(old, new)
    with pytest.raises(PolicyError) as err:
        validate_policy_text(text)
    problems = err.value.problems
    hit = [p for p in problems if p[0] == path]
    assert hit, problems
    _, line, msg = hit[0]
    assert message in msg
    needle = (
        new.split("\n")[-1].strip()
        if "\n" in new and path.startswith("coaching.apology")
        else new.strip()
    )
    if path.startswith("rules.3"):
        needle = "{tier: platinum}"
    if path == "boundary":
        needle = "boundary:\n"
    assert line == line_of(text, needle)
    assert f"{path} (line {line})" in str(err.value)


def test_missing_step_is_reported_on_the_steps_list():
    data = yaml.safe_load(DEFAULT_TEXT)
    del data["framework"]["steps"][2]
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(PolicyError) as err:
        validate_policy_text(text)
    assert "framework.steps" in str(err.value) and "six steps" in str(err.value)
    assert err.value.problems[0][1] == line_of(text, "  steps:")


def test_missing_section_and_bad_yaml():
    data = yaml.safe_load(DEFAULT_TEXT)
    del data["wellbeing"]
    with pytest.raises(PolicyError, match="wellbeing.*Field required"):
        validate_policy_text(yaml.safe_dump(data))
    with pytest.raises(PolicyError, match=r"\(line \d+\): not valid YAML"):
        validate_policy_text("version: 1\nname: x\nframework: [unclosed\n")
    with pytest.raises(PolicyError, match="mapping"):
        validate_policy_text("- just a list\n")


def test_sla_needs_every_level_or_default():
    text = edited(
        "      hostile:   {first_response: 60, next_response: 120, resolution: 960}\n", ""
    )
    with pytest.raises(PolicyError, match=r"sla.targets.email \(line \d+\): give every level"):
        validate_policy_text(text)


def test_public_channel_needs_public_response():
    text = edited("resolution: 960, public_response: 120}", "resolution: 960}")
    with pytest.raises(PolicyError, match="sla.targets.social.default.*public_response"):
        validate_policy_text(text)


def test_registry_is_the_only_way_to_an_action():
    policy = load_policy()
    for rule in policy.rules:
        for act in rule.then:
            assert act.action in ACTION_REGISTRY
            assert isinstance(act.typed, ACTION_REGISTRY[act.action])
    calls = []
    handlers = {"escalate": calls.append}
    params = EscalateParams(to="manager")
    dispatch("escalate", params, handlers)
    assert calls == [params]
    with pytest.raises(KeyError):
        dispatch("os.system", params, handlers)
    with pytest.raises(TypeError):
        dispatch("escalate", ScheduleFollowUpParams(), handlers)


def test_policy_file_is_shipped_as_package_data():
    assert Path(DEFAULT_POLICY_PATH).name == "default_policy.yaml"
    assert DEFAULT_POLICY_PATH.parent.name == "playbook"


def test_playbook_imports_no_django():
    import subprocess
    import sys

    code = "import sys, calmdesk.playbook; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_follow_up_plan_section_is_allowed_and_checked():
    pytest.importorskip("calmdesk.playbook.followup")
    ok = DEFAULT_TEXT + "\nfollow_up_plan:\n  low_csat: 2\n"
    assert validate_policy_text(ok).follow_up_plan == {"low_csat": 2}
    bad = DEFAULT_TEXT + "\nfollow_up_plan:\n  low_csat: lots\n"
    with pytest.raises(PolicyError) as err:
        validate_policy_text(bad)
    assert err.value.problems[0][0] == "follow_up_plan"
    assert err.value.problems[0][1] == line_of(bad, "follow_up_plan:")
