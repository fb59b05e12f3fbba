"""The follow-up plan: after a case is resolved, what goes to the customer, when, and how.

Pure Python (no Django). The plan is the `follow_up_plan` key of the policy
file (CALMDESK_POLICY_PATH, else the shipped default); without that key the
defaults below apply, timed from the policy's `follow_up` section. Rules are
tried in order; the first whose channels and levels match wins::

    follow_up_plan:
      rules:
        - {levels: [difficult, hostile], after_business_days: 3, send: review, survey: csat}
        - {levels: [tense], after_business_days: 2, send: auto, survey: csat}
        - {levels: [calm], message: survey_only, after_hours: 24, send: auto, survey: csat}
      low_csat: 2          # a CSAT at or below this is a recovery opportunity
      low_nps: 6           # NPS detractors (0-6)
      angry_at: 0.5        # an anger score of the comment at or above this, too
      reminder_after_hours: 72
      survey_expires_days: 14
      min_days_between_surveys: 30

Templates use {first_name} {issue} {done} {agent_name} {team}; the desk
fills {survey_url} and {unsubscribe_url} when the message is sent.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from calmdesk.playbook.schema import Strict

PLAN_KEY = "follow_up_plan"
PLACEHOLDERS = frozenset({"first_name", "issue", "done", "agent_name", "team"})
LATE_PLACEHOLDERS = frozenset({"survey_url", "unsubscribe_url"})  # filled at send time
PlanChannel = Literal["email", "chat", "sms", "review", "social", "api"]
PlanLevel = Literal["calm", "tense", "difficult", "hostile"]


def _template(value: str) -> str:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError as exc:
        raise ValueError(f"bad template ({exc})") from None
    unknown = sorted(fields - PLACEHOLDERS - LATE_PLACEHOLDERS)
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}")
    return value


Template = Annotated[str, Field(min_length=1, max_length=1500)]


class PlanRule(Strict):
    channels: list[PlanChannel] | None = None  # None: every channel
    levels: list[PlanLevel] = Field(min_length=1)
    message: Literal["check_in", "survey_only", "none"] = "check_in"
    after_business_days: int | None = Field(default=None, ge=0, le=60)
    after_hours: int | None = Field(default=None, ge=0, le=24 * 60)
    send: Literal["auto", "review"] = "review"
    survey: Literal["csat", "nps", "none"] = "csat"

    @model_validator(mode="after")
    def _one_delay(self) -> PlanRule:
        if self.message != "none" and (self.after_business_days is None) == (
            self.after_hours is None
        ):
            raise ValueError("give exactly one of 'after_business_days' or 'after_hours'")
        return self

    def describe(self) -> str:
        when = (
            f"{self.after_business_days} business day(s)"
            if self.after_business_days is not None
            else f"{self.after_hours} hour(s)"
        )
        chans = ", ".join(self.channels) if self.channels else "any channel"
        return f"{'/'.join(self.levels)} on {chans}: {self.message} after {when}, {self.send}"


class Templates(Strict):
    check_in_subject: Template = "Checking back about {issue}"
    check_in_email: Template = (
        "Hi {first_name},\n\nI wanted to check back with you about {issue}.{done} "
        "Is everything sorted now? If anything is still not right, just reply to this "
        "email and it comes straight back to me.\n\nKind regards,\n{agent_name}"
    )
    check_in_sms: Template = (
        "Hi {first_name}, {agent_name} from {team} here, checking back about {issue}.{done} "
        "Is everything sorted now? Just reply if not."
    )
    survey_subject: Template = "How did we do?"
    survey_email: Template = (
        "Hi {first_name},\n\nYou recently contacted {team} about {issue}. Would you tell us "
        "how it went? It takes a few seconds and goes to our team privately:\n\n{survey_url}\n\n"
        "Kind regards,\n{agent_name}"
    )
    survey_line_email: Template = "If you have a moment, tell us privately how we did: {survey_url}"
    survey_sms: Template = "{team}: how did we do with {issue}? Tell us privately: {survey_url}"
    reminder_subject: Template = "A quick reminder: how did we do?"
    reminder_email: Template = (
        "Hi {first_name},\n\nA gentle reminder, and the last one: if you have a moment, tell us "
        "how we handled {issue}:\n\n{survey_url}\n\nKind regards,\n{agent_name}"
    )
    reminder_sms: Template = "{team}: last reminder, how did we do? {survey_url}"
    unsubscribe_email: Template = "To stop surveys and follow-ups from us: {unsubscribe_url}"
    unsubscribe_sms: Template = "Opt out: {unsubscribe_url}"

    @model_validator(mode="after")
    def _placeholders(self) -> Templates:
        for name in type(self).model_fields:
            try:
                _template(getattr(self, name))
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return self


class FollowUpPlan(Strict):
    rules: list[PlanRule] = Field(default_factory=list)
    low_csat: int = Field(default=2, ge=1, le=4)
    low_nps: int = Field(default=6, ge=0, le=9)
    angry_at: float = Field(default=0.5, gt=0, le=1)
    reminder_after_hours: int | None = Field(default=72, ge=1, le=24 * 30)
    survey_expires_days: int = Field(default=14, ge=1, le=365)
    min_days_between_surveys: int = Field(default=30, ge=0, le=365)
    templates: Templates = Field(default_factory=Templates)

    def rule_for(self, channel: str, level: str) -> PlanRule | None:
        for rule in self.rules:
            if level in rule.levels and (rule.channels is None or channel in rule.channels):
                return rule
        return None

    def is_low(self, kind: str, score: int) -> bool:
        return score <= (self.low_csat if kind == "csat" else self.low_nps)


class PlanError(ValueError):
    """The follow_up_plan section of the policy file is not valid."""


def default_rules(
    after_resolution_business_days: int = 2, survey_after_hours: int = 24
) -> list[PlanRule]:
    d = after_resolution_business_days
    return [
        PlanRule(
            levels=["difficult", "hostile"], after_business_days=d + 1, send="review", survey="csat"
        ),
        PlanRule(levels=["tense"], after_business_days=d, send="auto", survey="csat"),
        PlanRule(
            levels=["calm"],
            message="survey_only",
            after_hours=survey_after_hours,
            send="auto",
            survey="csat",
        ),
    ]


def plan_from_data(data: Any, *, business_days: int = 2, survey_hours: int = 24) -> FollowUpPlan:
    """Validate a `follow_up_plan` mapping (None: the defaults)."""
    data = dict(data or {})
    try:
        plan = FollowUpPlan.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{PLAN_KEY}."
            + ".".join(str(p) for p in e["loc"])
            + ": "
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors(include_url=False)
        ]
        raise PlanError("; ".join(lines)) from None
    if not plan.rules:
        plan = plan.model_copy(update={"rules": default_rules(business_days, survey_hours)})
    return plan


def load_plan(path: str | os.PathLike[str] | None = None) -> FollowUpPlan:
    """The plan from the policy file at `path` (else $CALMDESK_POLICY_PATH, else the default)."""
    from calmdesk.playbook.policy import DEFAULT_POLICY_PATH, POLICY_PATH_ENV

    chosen = Path(path or os.environ.get(POLICY_PATH_ENV) or DEFAULT_POLICY_PATH)
    raw = yaml.safe_load(chosen.read_text(encoding="utf-8")) or {}
    timing = raw.get("follow_up") or {} if isinstance(raw, dict) else {}
    return plan_from_data(
        raw.get(PLAN_KEY) if isinstance(raw, dict) else None,
        business_days=int(timing.get("after_resolution_business_days", 2)),
        survey_hours=int(timing.get("survey_after_hours", 24)),
    )


# -- personal drafts ---------------------------------------------------------
REMEDY_WORDS = {
    "refund": (r"\brefund", "arranged a refund"),
    "replacement": (r"\breplace(?:ment|d)?\b", "sent a replacement"),
    "store_credit": (r"\b(?:store )?credit\b", "added credit to your account"),
    "voucher": (r"\bvoucher\b", "sent you a voucher"),
    "discount": (r"\bdiscount\b", "applied a discount"),
    "fee_waiver": (r"\bwaive[ds]?\b", "waived the fee"),
}


def remedies_in(texts: list[str]) -> list[str]:
    """Remedies named in our replies (used when there are no compensation records)."""
    found = []
    for key, (pattern, _) in REMEDY_WORDS.items():
        if any(re.search(pattern, t, re.IGNORECASE) for t in texts):
            found.append(key)
    return found


def done_sentence(remedies: list[str]) -> str:
    phrases = [REMEDY_WORDS[r][1] for r in remedies if r in REMEDY_WORDS]
    if not phrases:
        return ""
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f" Last time we {joined}, and I want to be sure it worked out."


def issue_phrase(
    texts: list[str], causes: dict[str, tuple[str, list[str]]], subject: str = ""
) -> str:
    """'the delivery of your order' from the root cause whose cues the customer used most."""
    best, best_hits = "", 0
    lowered = " ".join(texts).lower()
    for key, (phrase, cues) in causes.items():
        if key == "other":
            continue
        hits = sum(len(re.findall(rf"\b{re.escape(c.lower())}\b", lowered)) for c in cues)
        if hits > best_hits:
            best, best_hits = phrase, hits
    if best:
        return best
    subject = " ".join(subject.split())
    return f"“{subject[:80]}”" if subject else "your recent message to us"


@dataclass(frozen=True)
class DraftContext:
    first_name: str
    issue: str
    remedies: tuple[str, ...]
    agent_name: str
    team: str

    def values(self) -> dict[str, str]:
        return {
            "first_name": self.first_name or "there",
            "issue": self.issue,
            "done": done_sentence(list(self.remedies)),
            "agent_name": self.agent_name,
            "team": self.team,
        }


class _Late(dict):
    def __missing__(self, key: str) -> str:
        if key in LATE_PLACEHOLDERS:
            return "{" + key + "}"
        raise KeyError(key)


def render(template: str, ctx: DraftContext) -> str:
    """Fill the template; {survey_url}/{unsubscribe_url} stay for the sender to fill."""
    return template.format_map(_Late(ctx.values()))


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0].strip(",.") if parts else ""
