"""Calmdesk's analysis engine: how difficult is a message, and why.

Pure Python; imports nothing from Django, usable as a library::

    from calmdesk.analysis import assess, assess_many, assess_conversation, Assessment

    a = assess("This is the THIRD time I'm writing. Cancel my account or I post this everywhere.")
    a.difficulty, a.level      # 0..100, "calm" | "tense" | "difficult" | "hostile"
    a.signals                  # [Signal(kind, score, evidence=[Span(start, end, text)]), ...]
    a.reasons                  # ['Threatens to cancel or leave: "Cancel my account"', ...]

- assess(text, context=None, *, backend=None) -> Assessment
- assess_many(texts, context=None, *, backend=None) -> list[Assessment]
- assess_conversation(messages, context=None, *, backend=None) -> Trajectory

`backend` is "rules" (the default, always installed), "learned" (needs the
`ml` extra and a model) or any ScoringBackend; the default comes from the
CALMDESK_ANALYSIS_BACKEND environment variable when set. `context` is an
optional dict; "prior_contacts" (int) raises repeat_contact. See
docs/analysis.md.
"""

from calmdesk.analysis.conversation import Peak, Trajectory, assess_conversation
from calmdesk.analysis.engine import BACKEND_ENV, BACKENDS, assess, assess_many, resolve_backend
from calmdesk.analysis.types import (
    EMOTIONS,
    LEVELS,
    SENTIMENT_LABELS,
    SIGNAL_KINDS,
    Assessment,
    ModelScores,
    ScoringBackend,
    Signal,
    Span,
)

__all__ = [
    "BACKENDS",
    "BACKEND_ENV",
    "EMOTIONS",
    "LEVELS",
    "SENTIMENT_LABELS",
    "SIGNAL_KINDS",
    "Assessment",
    "ModelScores",
    "Peak",
    "ScoringBackend",
    "Signal",
    "Span",
    "Trajectory",
    "assess",
    "assess_conversation",
    "assess_many",
    "resolve_backend",
]
