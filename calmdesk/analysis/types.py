"""The analysis engine's public value types.

Pure Python, no Django: these are what `assess` returns and what a backend
must produce. Everything here is immutable and JSON-serializable through
`to_dict` / `from_dict`, so the desk can store an Assessment as it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

EMOTIONS = ("anger", "frustration", "disappointment", "anxiety", "gratitude")
LEVELS = ("calm", "tense", "difficult", "hostile")
SENTIMENT_LABELS = ("negative", "neutral", "positive")
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


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the analysed text: text[start:end] == self.text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason a message is hard, with the words that show it."""

    kind: str
    score: float
    evidence: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": round(self.score, 4),
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class ModelScores:
    """What a scoring backend (rules lexicon, learned model) says about one text.

    sentiment is in [-1, 1]; sentiment_probs maps SENTIMENT_LABELS to
    probabilities (may be empty when the backend has none); emotions maps
    EMOTIONS to 0..1; abuse is 0..1.
    """

    sentiment: float
    emotions: dict[str, float]
    abuse: float
    sentiment_probs: dict[str, float] = field(default_factory=dict)


@runtime_checkable
class ScoringBackend(Protocol):
    """A backend that scores sentiment, emotions and abuse for many texts."""

    name: str

    def score_many(self, texts: Sequence[str]) -> list[ModelScores]: ...


@dataclass(frozen=True, slots=True)
class Assessment:
    """How difficult one message is, and why."""

    sentiment: float
    sentiment_label: str
    emotions: dict[str, float]
    abuse: float
    signals: list[Signal]
    difficulty: int
    level: str
    reasons: list[str]
    language: str
    confidence: float
    engine: str = "rules"

    def signal(self, kind: str) -> Signal | None:
        for s in self.signals:
            if s.kind == kind:
                return s
        return None

    @property
    def top_reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentiment": round(self.sentiment, 4),
            "sentiment_label": self.sentiment_label,
            "emotions": {k: round(v, 4) for k, v in self.emotions.items()},
            "abuse": round(self.abuse, 4),
            "signals": [s.to_dict() for s in self.signals],
            "difficulty": self.difficulty,
            "level": self.level,
            "reasons": list(self.reasons),
            "language": self.language,
            "confidence": round(self.confidence, 4),
            "engine": self.engine,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Assessment:
        return cls(
            sentiment=float(d["sentiment"]),
            sentiment_label=d["sentiment_label"],
            emotions=dict(d["emotions"]),
            abuse=float(d["abuse"]),
            signals=[
                Signal(
                    kind=s["kind"],
                    score=float(s["score"]),
                    evidence=[Span(e["start"], e["end"], e["text"]) for e in s["evidence"]],
                )
                for s in d["signals"]
            ],
            difficulty=int(d["difficulty"]),
            level=d["level"],
            reasons=list(d["reasons"]),
            language=d["language"],
            confidence=float(d["confidence"]),
            engine=d.get("engine", "rules"),
        )
