"""The root-cause taxonomy and its keyword rules. Pure Python, no Django.

The taxonomy comes from the playbook policy (`root_causes`: key, label,
cues), so a business edits its causes where it edits the rest of its
policy. Causes accepted from discovery add their own cues (the cluster's
distinctive terms) from the database; the caller passes them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

OTHER = "other"
_FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class CauseSpec:
    key: str
    label: str
    cues: tuple[str, ...] = ()
    description: str = ""
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)


def _cue_regex(cue: str) -> str:
    words = [re.escape(w) for w in cue.split()]
    return r"\b" + r"\s+".join(words) + r"\b"


def compile_spec(key: str, label: str, cues: Iterable[str], description: str = "") -> CauseSpec:
    cleaned = tuple(dict.fromkeys(c.strip().lower() for c in cues if c and c.strip()))
    ordered = sorted(cleaned, key=len, reverse=True)  # "double charged" before "charged"
    pattern = re.compile("|".join(_cue_regex(c) for c in ordered), _FLAGS) if ordered else None
    return CauseSpec(key, label, cleaned, description, pattern)


def policy_taxonomy(policy=None) -> list[CauseSpec]:
    """The causes the playbook policy defines, in the policy's order."""
    from calmdesk.playbook import load_policy

    policy = policy or load_policy()
    return [
        compile_spec(key, info.label, info.cues, info.phrase)
        for key, info in policy.root_causes.items()
    ]


@dataclass(frozen=True)
class RuleResult:
    key: str
    hits: int
    confidence: float  # share of all cue hits that went to `key`; 0 for "other"
    matched: tuple[str, ...] = ()


def rule_scores(text: str, taxonomy: Iterable[CauseSpec]) -> dict[str, list[str]]:
    """Every cause with a cue in `text`, and the cue words found."""
    out: dict[str, list[str]] = {}
    for spec in taxonomy:
        if spec.pattern is None:
            continue
        found = [m.group(0).lower() for m in spec.pattern.finditer(text)]
        if found:
            out[spec.key] = found
    return out


def categorize_by_rules(text: str, taxonomy: Iterable[CauseSpec]) -> RuleResult:
    """The cause whose cues appear most often; "other" when none appears.

    Ties go to the cause listed first (the policy's order). Confidence is
    the winner's share of all hits, so a text that mentions both a parcel
    and a refund is less certain than one that only mentions the parcel.
    """
    taxonomy = list(taxonomy)
    scores = rule_scores(text, taxonomy)
    if not scores:
        return RuleResult(OTHER, 0, 0.0)
    order = {spec.key: i for i, spec in enumerate(taxonomy)}
    key = max(scores, key=lambda k: (len(scores[k]), -order[k]))
    total = sum(len(v) for v in scores.values())
    return RuleResult(key, len(scores[key]), len(scores[key]) / total, tuple(scores[key]))
