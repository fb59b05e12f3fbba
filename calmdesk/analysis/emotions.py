"""Emotion scores 0..1 from cue lexicons, with the words that produced them.

A cue counts unless it is negated ("not angry"); an intensifier right before
it ("so angry") strengthens it; several cues combine as a noisy-or. The
signals add what words alone miss: shouting and insults feed anger, repeat
contact feeds frustration, urgency feeds anxiety; sarcasm cancels gratitude.
"""

from __future__ import annotations

import re

from calmdesk.analysis.lexicon.emotion_cues import EMOTION_PHRASES, EMOTION_WORDS, INTENSIFIERS
from calmdesk.analysis.text import Doc, find_words
from calmdesk.analysis.types import EMOTIONS, Signal, Span

MAX_MATCHES = 50

# (emotion, signal kind, factor): how much a signal adds to an emotion.
SIGNAL_FEEDS = (
    ("anger", "insult", 0.5),
    ("anger", "profanity", 0.35),
    ("anger", "shouting", 0.3),
    ("anger", "threat_of_harm", 0.6),
    ("anger", "legal_threat", 0.25),
    ("anger", "chargeback_threat", 0.2),
    ("frustration", "repeat_contact", 0.6),
    ("frustration", "escalation_request", 0.3),
    ("frustration", "sarcasm", 0.4),
    ("disappointment", "churn_threat", 0.25),
    ("anxiety", "urgency", 0.3),
)


def _intensified(doc: Doc, start: int) -> bool:
    before = doc.low[max(0, start - 14) : start].split()
    return bool(before) and before[-1] in INTENSIFIERS


# word -> [(emotion, weight)]: one set intersection finds every emotion cue.
WORD_INDEX: dict[str, list[tuple[str, float]]] = {}
for _emotion, _lexicon in EMOTION_WORDS.items():
    for _word, _weight in _lexicon.items():
        WORD_INDEX.setdefault(_word, []).append((_emotion, _weight))
PHRASE_INDEX: dict[str, list[tuple[str, re.Pattern[str], float, frozenset[str]]]] = {}
for _emotion, _phrases in EMOTION_PHRASES.items():
    for _pattern, _weight, _gate, _need in _phrases:
        for _word in _gate:
            PHRASE_INDEX.setdefault(_word, []).append((_emotion, _pattern, _weight, _need))
ZERO = dict.fromkeys(EMOTIONS, 0.0)


def score(doc: Doc, signals: list[Signal]) -> tuple[dict[str, float], dict[str, list[Span]]]:
    """Emotion scores and, for each emotion, the spans that show it."""
    words = doc.words
    found = words & WORD_INDEX.keys()
    phrase_gates = words & PHRASE_INDEX.keys()
    if not found and not phrase_gates and not signals:
        return dict(ZERO), {}
    hits: dict[str, list[tuple[float, int, int]]] = {}
    if found:
        for s, e, word in find_words(doc.low, found, MAX_MATCHES, stretchy=doc.elongated):
            if doc.negated(s, 24):
                continue
            boost = 1.25 if _intensified(doc, s) else 1.0
            for emotion, w in WORD_INDEX[word]:
                hits.setdefault(emotion, []).append((min(1.0, w * boost), s, e))
    if phrase_gates:
        seen: set[int] = set()
        for word in phrase_gates:
            for emotion, pattern, weight, need in PHRASE_INDEX[word]:
                if id(pattern) in seen or (need and not need & words):
                    continue
                seen.add(id(pattern))
                for n, m in enumerate(pattern.finditer(doc.low)):
                    if n >= MAX_MATCHES:
                        break
                    hits.setdefault(emotion, []).append((weight, m.start(), m.end()))
    scores = dict(ZERO)
    evidence: dict[str, list[Span]] = {}
    for emotion, found_hits in hits.items():
        miss = 1.0
        for w, _, _ in found_hits:
            miss *= 1.0 - w
        scores[emotion] = 1.0 - miss
        found_hits.sort(key=lambda h: (-h[0], h[1]))
        spans: list[Span] = []
        for _, s, e in found_hits:
            if all(e <= sp.start or s >= sp.end for sp in spans):
                spans.append(doc.span(s, e))
            if len(spans) == 3:
                break
        evidence[emotion] = spans
    if signals:
        by_kind = {s.kind: s.score for s in signals}
        for emotion, kind, factor in SIGNAL_FEEDS:
            value = by_kind.get(kind)
            if value:
                scores[emotion] = 1.0 - (1.0 - scores[emotion]) * (1.0 - factor * value)
        if "sarcasm" in by_kind:
            scores["gratitude"] *= 1.0 - by_kind["sarcasm"]
    return {k: round(min(1.0, v), 4) for k, v in scores.items()}, evidence
