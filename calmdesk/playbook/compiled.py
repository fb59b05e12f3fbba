"""Regexes compiled once per policy.

The policy's cues and phrases are compiled the first time a policy is used
and kept with it, so the coach never compiles on the hot path. Phrases
(literal text) become word-bounded, whitespace- and apostrophe-tolerant
regexes; patterns are taken as written. Everything is case-insensitive.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from calmdesk.playbook.policy import Policy
from calmdesk.playbook.schema import PhraseRule

FLAGS = re.IGNORECASE | re.MULTILINE


def phrase_regex(phrase: str) -> str:
    parts = [re.escape(w).replace("'", "['\u2019]") for w in phrase.split()]
    body = r"\s+".join(parts)
    head = r"\b" if phrase[:1].isalnum() else ""
    tail = r"\b" if phrase[-1:].isalnum() else ""
    return head + body + tail


@dataclass(frozen=True)
class AvoidRule:
    kind: str
    index: int
    regex: re.Pattern[str]
    rule: PhraseRule

    @property
    def path(self) -> str:
        return f"coaching.avoid.{self.kind}.{self.index}"


@dataclass(frozen=True)
class Compiled:
    step_cues: dict[str, tuple[re.Pattern[str], ...]]
    apology: tuple[re.Pattern[str], ...]
    avoid: tuple[AvoidRule, ...]
    commitment: tuple[re.Pattern[str], ...]
    remedy: tuple[re.Pattern[str], ...]
    boundary: tuple[re.Pattern[str], ...]
    root_causes: dict[str, re.Pattern[str] | None]
    acronyms: frozenset[str]


def _all(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, FLAGS) for p in patterns)


def _build(policy: Policy) -> Compiled:
    avoid = []
    for kind, rules in policy.coaching.avoid.items():
        for i, rule in enumerate(rules):
            source = rule.pattern if rule.pattern is not None else phrase_regex(rule.phrase or "")
            avoid.append(AvoidRule(kind, i, re.compile(source, FLAGS), rule))
    causes: dict[str, re.Pattern[str] | None] = {}
    for key, info in policy.root_causes.items():
        alts = "|".join(phrase_regex(c) for c in sorted(info.cues, key=len, reverse=True))
        causes[key] = re.compile(alts, FLAGS) if alts else None
    return Compiled(
        step_cues={s.key: _all(s.cues) for s in policy.framework.steps},
        apology=_all(policy.coaching.apology.cues),
        avoid=tuple(avoid),
        commitment=_all(policy.coaching.commitment_cues),
        remedy=_all(policy.coaching.remedy_cues),
        boundary=_all(policy.boundary.cues),
        root_causes=causes,
        acronyms=frozenset(policy.coaching.emotional_reaction.acronyms),
    )


_CACHE: dict[int, tuple[Policy, Compiled]] = {}
_LOCK = threading.Lock()


def compiled(policy: Policy) -> Compiled:
    """The compiled regexes of `policy` (built once, then cached)."""
    hit = _CACHE.get(id(policy))
    if hit is not None and hit[0] is policy:
        return hit[1]
    built = _build(policy)
    with _LOCK:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[id(policy)] = (policy, built)
    return built


def any_match(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for p in patterns:
        m = p.search(text)
        if m:
            return m
    return None


def spans(patterns: tuple[re.Pattern[str], ...], text: str) -> list[tuple[int, int]]:
    """Every match of any pattern, overlapping matches merged, in order."""
    found = sorted(
        (m.start(), m.end()) for p in patterns for m in p.finditer(text) if m.end() > m.start()
    )
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
