"""The policy schema, part 1: shared types, the framework, coaching, drafts.

Every model is strict and forbids unknown keys, so a typo in the policy file
is an error with its line, never a silently ignored setting. Cross-field
checks (every step present, tones declared, tiers known...) live in
`policy.cross_check`, which reports the same way.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# Mirrors of calmdesk.analysis.types (a test keeps them equal); kept here so the
# policy loads even while the analysis package is being changed.
LEVELS = ("calm", "tense", "difficult", "hostile")
EMOTIONS = ("anger", "frustration", "disappointment", "anxiety", "gratitude")
SIGNAL_KINDS = (
    "churn_threat",
    "review_threat",
    "legal_threat",
    "chargeback_threat",
    "escalation_request",
    "repeat_contact",
    "urgency",
    "shouting",
    "profanity",
    "insult",
    "threat_of_harm",
    "sarcasm",
    "complaint",
)
CHANNELS = ("email", "chat", "sms", "review", "social")
ROLES = ("agent", "lead", "manager", "admin")
STEP_KEYS = (
    "listen_acknowledge",
    "empathize_apologize",
    "clarify_confirm",
    "offer_options",
    "act_follow_up",
    "document_learn",
)
FINDING_KINDS = (
    "missing_acknowledgement",
    "missing_apology",
    "over_apology",
    "apology_wording",
    "blame",
    "contradiction",
    "emotional_reaction",
    "no_option",
    "vague_time",
    "no_time",
    "unauthorized_promise",
    "impersonal",
    "public_personal_data",
    "missing_boundary",
)
PHRASE_KINDS = ("blame", "contradiction", "emotional_reaction", "vague_time")
REQUIRED_ELEMENTS = ("acknowledgement", "apology", "name", "issue_reference", "time")
COMPENSATION_OPTIONS = (
    "refund",
    "replacement",
    "store_credit",
    "voucher",
    "discount",
    "fee_waiver",
)
ROOT_CAUSES = (
    "delivery",
    "returns_refunds",
    "billing_payment",
    "product_quality",
    "website_usability",
    "wait_time",
    "staff_behaviour",
    "policy",
    "account_access",
    "other",
)
# Placeholders a template may use; each is filled by drafts.render_context.
PLACEHOLDERS = frozenset(
    {
        "first_name",
        "agent_name",
        "issue",
        "topic",
        "apology",
        "time",
        "follow_up_day",
        "contact",
        "team",
        "label",
        "explain",
        "boundary",
    }
)

Channel = Literal["email", "chat", "sms", "review", "social"]
SampleChannel = Literal["default", "email", "chat", "sms", "review", "social"]
Level = Literal["calm", "tense", "difficult", "hostile"]
Role = Literal["agent", "lead", "manager", "admin"]
Severity = Literal["blocking", "advice", "ignore"]
StepKey = Literal[
    "listen_acknowledge",
    "empathize_apologize",
    "clarify_confirm",
    "offer_options",
    "act_follow_up",
    "document_learn",
]
FindingKind = Literal[
    "missing_acknowledgement",
    "missing_apology",
    "over_apology",
    "apology_wording",
    "blame",
    "contradiction",
    "emotional_reaction",
    "no_option",
    "vague_time",
    "no_time",
    "unauthorized_promise",
    "impersonal",
    "public_personal_data",
    "missing_boundary",
]
PhraseKind = Literal["blame", "contradiction", "emotional_reaction", "vague_time"]
RequiredElement = Literal["acknowledgement", "apology", "name", "issue_reference", "time"]
Option = Literal["refund", "replacement", "store_credit", "voucher", "discount", "fee_waiver"]
RootCause = Literal[
    "delivery",
    "returns_refunds",
    "billing_payment",
    "product_quality",
    "website_usability",
    "wait_time",
    "staff_behaviour",
    "policy",
    "account_access",
    "other",
]
SignalKind = Literal[
    "complaint",
    "churn_threat",
    "review_threat",
    "legal_threat",
    "chargeback_threat",
    "escalation_request",
    "repeat_contact",
    "urgency",
    "shouting",
    "profanity",
    "insult",
    "threat_of_harm",
    "sarcasm",
]
Emotion = Literal["anger", "frustration", "disappointment", "anxiety", "gratitude"]

# A quantified group that is itself quantified, e.g. (a+)+ or (\w*)*: the
# classic shape of catastrophic backtracking. Policy regexes may not use it.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


def _check_regex(value: str) -> str:
    if _NESTED_QUANTIFIER.search(value):
        raise ValueError("nested quantifiers like (a+)+ can make matching very slow; simplify it")
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


def _check_template(value: str) -> str:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:
        raise ValueError(f"bad template ({exc}); write a literal brace as {{{{ or }}}}") from None
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; allowed: {allowed}")
    return value


Pattern = Annotated[str, Field(min_length=1, max_length=600), AfterValidator(_check_regex)]
Template = Annotated[str, Field(min_length=1, max_length=600), AfterValidator(_check_template)]
Text = Annotated[str, Field(min_length=1, max_length=600)]
Rewrite = Annotated[str, Field(max_length=300), AfterValidator(_check_template)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Step(Strict):
    key: StepKey
    title: Text
    goal: Text
    internal: bool = False
    cues: list[Pattern] = Field(default_factory=list)
    samples: dict[SampleChannel, dict[str, Template]] = Field(default_factory=dict)


class Framework(Strict):
    tones: list[Annotated[str, Field(pattern=r"^[a-z_]+$")]] = Field(min_length=1)
    tone_by_level: dict[Level, str]
    steps: list[Step]


class PhraseRule(Strict):
    """One thing to avoid: a literal phrase or a regex, and its rewrite."""

    phrase: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    pattern: Pattern | None = None
    rewrite: Rewrite
    why: Annotated[str, Field(max_length=300)] = ""

    @model_validator(mode="after")
    def _one_matcher(self) -> PhraseRule:
        if (self.phrase is None) == (self.pattern is None):
            raise ValueError("give exactly one of 'phrase' or 'pattern'")
        return self


class Apology(Strict):
    preferred: Literal["I apologize", "I'm sorry"]
    limit: int = Field(ge=1, le=5)
    cues: list[Pattern] = Field(min_length=1)


class Penalties(Strict):
    blocking: int = Field(ge=0, le=100)
    advice: int = Field(ge=0, le=100)


class EmotionalReaction(Strict):
    max_exclamations: int = Field(ge=1, le=10)
    caps_min_letters: int = Field(ge=2, le=20)
    acronyms: list[Annotated[str, Field(pattern=r"^[A-Z0-9&]+$")]] = Field(default_factory=list)


class Coaching(Strict):
    default_role: Role = "agent"
    penalties: Penalties
    severity: dict[FindingKind, Severity]
    required: dict[RequiredElement, Level]
    apology: Apology
    emotional_reaction: EmotionalReaction
    avoid: dict[PhraseKind, list[PhraseRule]]
    commitment_cues: list[Pattern] = Field(min_length=1)
    remedy_cues: list[Pattern] = Field(min_length=1)


class Drafts(Strict):
    greeting: Template
    greeting_no_name: Template
    acknowledge_unclear: Template
    emotions: dict[Emotion, Template]
    apology: Template
    repeat_contact: Template
    escalation_request: Template
    clarify_question: Template
    options_intro: Template
    option_line: Template
    commitment: Template
    follow_up: Template
    closing: Template
    public_reply: Template
    continuity: Template
