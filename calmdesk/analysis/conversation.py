"""assess_conversation: how a conversation's difficulty moves over time.

Messages can be plain strings (all from the customer), `(text, direction)`
pairs, or dicts with "text" (or "body") and optional "direction". Direction
"in" / "inbound" / "customer" is the customer; "out" / "outbound" / "agent"
and "internal" / "note" are the team's. The trajectory follows the
customer's messages only: the team's replies are assessed too (so a desk can
show them) but do not move the trend.

Trend: the latest customer message against the mean of up to three before
it: +10 points or more is "escalating", -10 or less "cooling", else
"steady" (a single message is "steady").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from calmdesk.analysis.engine import Backend, assess_many
from calmdesk.analysis.types import Assessment

INBOUND = frozenset({"in", "inbound", "customer", "incoming", "received"})
OUTBOUND = frozenset({"out", "outbound", "agent", "outgoing", "sent", "internal", "note", "staff"})
TREND_STEP = 10
TREND_WINDOW = 3


@dataclass(frozen=True, slots=True)
class Peak:
    index: int  # position in the messages given
    difficulty: int


@dataclass(frozen=True, slots=True)
class Trajectory:
    """The difficulty of a conversation over time (customer messages only)."""

    trend: str  # "escalating" | "steady" | "cooling"
    peak: Peak | None  # the customer's most difficult message; None if none
    current: int  # difficulty of the customer's latest message (0 if none)
    difficulties: list[int | None]  # per message given; None for the team's messages
    assessments: list[Assessment] = field(default_factory=list)  # per message given
    directions: list[str] = field(default_factory=list)  # "in" | "out" per message

    @property
    def level(self) -> str:
        """The level of the customer's latest message."""
        for a, d in zip(reversed(self.assessments), reversed(self.directions), strict=True):
            if d == "in":
                return a.level
        return "calm"

    def to_dict(self) -> dict[str, Any]:
        return {
            "trend": self.trend,
            "peak": {"index": self.peak.index, "difficulty": self.peak.difficulty}
            if self.peak
            else None,
            "current": self.current,
            "level": self.level,
            "difficulties": list(self.difficulties),
            "directions": list(self.directions),
            "assessments": [a.to_dict() for a in self.assessments],
        }


def _split(message: object, i: int) -> tuple[str, str]:
    direction: object = "in"
    if isinstance(message, str):
        text = message
    elif isinstance(message, Mapping):
        text = message.get("text", message.get("body"))
        direction = message.get("direction", "in")
    elif isinstance(message, tuple | list) and len(message) == 2:
        text, direction = message
    else:
        raise TypeError(
            f"messages[{i}] must be a str, a (text, direction) pair or a dict with 'text', "
            f"got {type(message).__name__}"
        )
    if not isinstance(text, str):
        raise TypeError(f"messages[{i}] text must be a str, got {type(text).__name__}")
    d = str(direction or "in").strip().lower()
    if d in INBOUND:
        return text, "in"
    if d in OUTBOUND:
        return text, "out"
    raise ValueError(f"messages[{i}] direction {direction!r} is not one of in/out")


def trend_of(values: list[int]) -> str:
    if len(values) < 2:
        return "steady"
    before = values[-1 - TREND_WINDOW : -1]
    delta = values[-1] - sum(before) / len(before)
    if delta >= TREND_STEP:
        return "escalating"
    if delta <= -TREND_STEP:
        return "cooling"
    return "steady"


def assess_conversation(
    messages: Iterable[object],
    context: Mapping[str, Any] | None = None,
    *,
    backend: Backend = None,
) -> Trajectory:
    """Assess every message and describe the customer's trajectory."""
    pairs = [_split(m, i) for i, m in enumerate(messages)]
    assessments = assess_many([t for t, _ in pairs], context, backend=backend)
    directions = [d for _, d in pairs]
    difficulties: list[int | None] = [
        a.difficulty if d == "in" else None for a, d in zip(assessments, directions, strict=True)
    ]
    inbound = [(i, d) for i, d in enumerate(difficulties) if d is not None]
    if not inbound:
        return Trajectory("steady", None, 0, difficulties, assessments, directions)
    peak_i, peak_d = max(inbound, key=lambda p: (p[1], p[0]))
    values = [d for _, d in inbound]
    return Trajectory(
        trend=trend_of(values),
        peak=Peak(peak_i, peak_d),
        current=values[-1],
        difficulties=difficulties,
        assessments=assessments,
        directions=directions,
    )
