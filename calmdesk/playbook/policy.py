"""The policy: load the YAML file, validate it, and say exactly where it is wrong.

`load_policy()` reads the file named by CALMDESK_POLICY_PATH, or the default
shipped with Calmdesk. Errors are `PolicyError`s whose message names the
field path and the line of the YAML file, e.g.

    framework.steps.2.cues.0 (line 41): not a valid regular expression: ...
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError

from calmdesk.playbook.registry import OfferCompensationTierParams
from calmdesk.playbook.schema import (
    CHANNELS,
    LEVELS,
    STEP_KEYS,
    Coaching,
    Drafts,
    Framework,
    RootCause,
    Step,
    Strict,
)
from calmdesk.playbook.schema_ops import (
    Boundary,
    Compensation,
    FollowUp,
    PublicReply,
    RootCauseInfo,
    Rule,
    Sla,
    Target,
    Wellbeing,
)

DEFAULT_POLICY_PATH = Path(__file__).with_name("default_policy.yaml")
POLICY_PATH_ENV = "CALMDESK_POLICY_PATH"
_LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}


class PolicyError(ValueError):
    """A policy that cannot be used; `problems` holds (path, line, message)."""

    def __init__(self, problems: Sequence[tuple[str, int | None, str]], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        lines = [
            f"{path or '(top level)'}" + (f" (line {line})" if line else "") + f": {msg}"
            for path, line, msg in self.problems
        ]
        head = f"invalid policy{f' {source}' if source else ''}: "
        super().__init__(head + ("\n  ".join(lines) if len(lines) > 1 else lines[0]))


class Policy(Strict):
    version: Literal[1]
    name: str = Field(min_length=1, max_length=120)
    framework: Framework
    coaching: Coaching
    compensation: Compensation
    sla: Sla
    rules: list[Rule] = Field(default_factory=list)
    boundary: Boundary
    wellbeing: Wellbeing
    follow_up: FollowUp
    root_causes: dict[RootCause, RootCauseInfo]
    public_reply: PublicReply
    drafts: Drafts
    # Owned by calmdesk.playbook.followup (the after-resolution plan); checked
    # there through cross_check so its errors carry a line number too.
    follow_up_plan: dict[str, Any] | None = None

    # -- lookups used by the rest of the playbook -------------------------
    def step(self, key: str) -> Step:
        for step in self.framework.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def tone_for(self, level: str) -> str:
        return self.framework.tone_by_level.get(level, self.framework.tones[0])  # type: ignore[call-overload]

    def sample(self, step_key: str, channel: str, tone: str) -> str:
        samples = self.step(step_key).samples
        for ch in (channel, "default"):
            by_tone = samples.get(ch)  # type: ignore[call-overload]
            if by_tone:
                return by_tone.get(tone) or next(iter(by_tone.values()))
        return ""

    def sla_target(self, channel: str, level: str) -> Target:
        targets = self.sla.targets.get(channel) or self.sla.targets["email"]  # type: ignore[call-overload]
        return targets.get(level) or targets["default"]  # type: ignore[call-overload]

    def severity(self, kind: str) -> str:
        return self.coaching.severity.get(kind, "advice")  # type: ignore[call-overload]

    def limit(self, role: str, option: str, habitual: bool = False) -> float:
        amount = self.compensation.limits.get(role, {}).get(option, 0.0)  # type: ignore[call-overload]
        return amount * (self.compensation.habitual_factor if habitual else 1.0)

    def options_for(self, role: str) -> list[str]:
        """Options this role may offer on its own, in the ladder's order."""
        limits = self.compensation.limits.get(role, {})  # type: ignore[call-overload]
        return [o for o in self.compensation.options if limits.get(o, 0) > 0]

    def is_public(self, channel: str) -> bool:
        return channel in self.public_reply.channels

    def required_at(self, element: str, level: str) -> bool:
        need = self.coaching.required.get(element)  # type: ignore[call-overload]
        return need is not None and _LEVEL_RANK.get(level, 0) >= _LEVEL_RANK[need]


def level_at_least(level: str, floor: str) -> bool:
    return _LEVEL_RANK.get(level, 0) >= _LEVEL_RANK.get(floor, 0)


# -- cross-field checks ----------------------------------------------------
Problem = tuple[tuple[Any, ...], str]


def cross_check(p: Policy) -> list[Problem]:
    out: list[Problem] = []
    keys = [s.key for s in p.framework.steps]
    if keys != list(STEP_KEYS):
        out.append(
            (
                ("framework", "steps"),
                "list the six steps once each, in order: " + ", ".join(STEP_KEYS),
            )
        )
    tones = set(p.framework.tones)
    for level in LEVELS:
        tone = p.framework.tone_by_level.get(level)  # type: ignore[call-overload]
        if tone is None:
            out.append((("framework", "tone_by_level"), f"missing level {level!r}"))
        elif tone not in tones:
            out.append(
                (
                    ("framework", "tone_by_level", level),
                    f"unknown tone {tone!r}; declare it in framework.tones",
                )
            )
    for i, step in enumerate(p.framework.steps):
        for ch, by_tone in step.samples.items():
            for tone in by_tone:
                if tone not in tones:
                    out.append(
                        (("framework", "steps", i, "samples", ch, tone), f"unknown tone {tone!r}")
                    )
        if not step.internal:
            default = step.samples.get("default", {})
            for tone in p.framework.tones:
                if tone not in default:
                    out.append(
                        (
                            ("framework", "steps", i, "samples"),
                            f"needs a 'default' sample for tone {tone!r}",
                        )
                    )
            if not step.cues:
                out.append(
                    (
                        ("framework", "steps", i, "cues"),
                        "a step the agent writes needs at least one cue",
                    )
                )
    comp = p.compensation
    for tier_name, tier in comp.tiers.items():
        for j, option in enumerate(tier.options):
            if option not in comp.options:
                out.append(
                    (
                        ("compensation", "tiers", tier_name, "options", j),
                        f"{option!r} is not in compensation.options",
                    )
                )
    for role, limits in comp.limits.items():
        for option in limits:
            if option not in comp.options:
                out.append(
                    (
                        ("compensation", "limits", role, option),
                        f"{option!r} is not in compensation.options",
                    )
                )
    for i, rule in enumerate(p.rules):
        for j, act in enumerate(rule.then):
            if (
                isinstance(act.typed, OfferCompensationTierParams)
                and act.typed.tier not in comp.tiers
            ):
                out.append(
                    (
                        ("rules", i, "then", j, "params", "tier"),
                        f"unknown tier {act.typed.tier!r}; tiers: {', '.join(comp.tiers) or 'none'}",
                    )
                )
    for ch in CHANNELS:
        targets = p.sla.targets.get(ch)  # type: ignore[call-overload]
        if targets is None:
            out.append((("sla", "targets"), f"missing channel {ch!r}"))
            continue
        if "default" not in targets and any(lv not in targets for lv in LEVELS):
            out.append(
                (
                    ("sla", "targets", ch),
                    "give every level (calm, tense, difficult, hostile) or a 'default'",
                )
            )
        if ch in p.public_reply.channels:
            for lv, target in targets.items():
                if target.public_response is None:
                    out.append(
                        (("sla", "targets", ch, lv), "a public channel needs 'public_response'")
                    )
    if "other" not in p.root_causes:
        out.append((("root_causes",), "the taxonomy needs 'other'"))
    if p.follow_up_plan is not None:
        out += _check_follow_up_plan(p)
    return out


def _check_follow_up_plan(p: Policy) -> list[Problem]:
    try:
        from calmdesk.playbook.followup import plan_from_data
    except ImportError:  # the follow-up module is optional here
        return []
    try:
        plan_from_data(
            p.follow_up_plan,
            business_days=p.follow_up.after_resolution_business_days,
            survey_hours=p.follow_up.survey_after_hours,
        )
    except ValueError as exc:
        return [(("follow_up_plan",), str(exc))]
    return []


# -- YAML with line numbers -------------------------------------------------
def _line_of(root: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    node, line = root, None
    if node is not None:
        line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    node, line = value, key.start_mark.line + 1
                    break
            else:
                return line
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _loc_path(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc)


def validate_policy_text(text: str, source: str = "") -> Policy:
    """Parse and validate policy YAML; PolicyError names each bad field and its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyError(
            [("", line, f"not valid YAML: {getattr(exc, 'problem', exc)}")], source
        ) from None
    if not isinstance(data, dict):
        raise PolicyError([("", 1, "the policy must be a mapping of sections")], source)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = [
                p
                for p in err["loc"]
                if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
            ]
            msg = err["msg"].removeprefix("Value error, ")
            problems.append((_loc_path(loc), _line_of(root, loc), msg))
        raise PolicyError(problems, source) from None
    problems = [(_loc_path(loc), _line_of(root, loc), msg) for loc, msg in cross_check(policy)]
    if problems:
        raise PolicyError(problems, source)
    return policy


@dataclass(frozen=True)
class _Cached:
    path: str
    mtime: float


@functools.lru_cache(maxsize=8)
def _load_cached(key: _Cached) -> Policy:
    text = Path(key.path).read_text(encoding="utf-8")
    return validate_policy_text(text, source=key.path)


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """The policy at `path`, else $CALMDESK_POLICY_PATH, else the shipped default.

    Cached per (path, modification time), so an edited file is picked up.
    """
    chosen = Path(path or os.environ.get(POLICY_PATH_ENV) or DEFAULT_POLICY_PATH)
    try:
        mtime = chosen.stat().st_mtime
    except OSError as exc:
        raise PolicyError([("", None, f"cannot read {chosen}: {exc.strerror}")]) from None
    return _load_cached(_Cached(str(chosen), mtime))
