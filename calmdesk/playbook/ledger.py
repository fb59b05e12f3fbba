"""The promise ledger's reading of a reply: what was promised, and by when.

`find_promises` finds each sentence of an outbound reply that commits us to
something ("I'll update you by Thursday", "you'll receive the refund within
5 days", "I'll call you at 3pm") and resolves its deadline against the time
the reply was sent, in the team's calendar (so "tomorrow" and "3pm" mean the
team's tomorrow and 3pm). A promise without a time gets the SLA's next
response target as its deadline and says so (`time_text` is empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from calmdesk.playbook.compiled import compiled, spans
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.rubric.state import sentence_bounds
from calmdesk.playbook.timefmt import TeamCalendar, add_business_minutes, aware, find_times

# Future-tense commitments the policy's cues (which start with I/we) do not
# cover: "you'll receive", "it will arrive", "you can expect".
_FUTURE = re.compile(
    r"\b(?:will|shall|going to|can expect|should (?:arrive|receive|get|have|see|be))\b|'ll\b",
    re.IGNORECASE,
)
_QUESTION_OR_CONDITION = re.compile(r"^\s*(?:if|when|once|unless|could|would|can|do|did)\b", re.I)


@dataclass(frozen=True)
class Promise:
    text: str  # the sentence, as written
    start: int
    end: int
    due_at: datetime
    time_text: str  # the words that gave the time; "" when the SLA gave it


def find_promises(
    reply: str,
    sent_at: datetime,
    policy: Policy,
    cal: TeamCalendar,
    *,
    channel: str = "email",
    level: str = "calm",
) -> list[Promise]:
    """Every promise in `reply`, one per sentence, in order."""
    text = reply.replace("\u2019", "'")
    sent_at = aware(sent_at)
    times = find_times(text, sent_at, cal)
    starts: set[int] = {s for s, _ in spans(compiled(policy).commitment, text)}
    for t in times:
        s0, e0 = sentence_bounds(text, t.start)
        if _FUTURE.search(text[s0:e0]):
            starts.add(t.start)
    seen: set[tuple[int, int]] = set()
    out: list[Promise] = []
    default_minutes = policy.sla_target(channel, level).next_response
    for pos in sorted(starts):
        s0, e0 = sentence_bounds(text, pos)
        if (s0, e0) in seen:
            continue
        sentence = text[s0:e0].strip()
        if not sentence or sentence.endswith("?") or _QUESTION_OR_CONDITION.match(sentence):
            continue
        seen.add((s0, e0))
        inside = [t for t in times if s0 <= t.start < e0]
        if inside:
            due, words = max(t.deadline for t in inside), inside[0].text
        else:
            due, words = add_business_minutes(sent_at, default_minutes, cal), ""
        lead = len(text[s0:e0]) - len(text[s0:e0].lstrip())
        out.append(Promise(reply[s0 + lead : e0].strip(), s0 + lead, e0, due, words))
    return out
