"""assess / assess_many: one text (or many) in, an Assessment out.

The rules always run: they supply the signals (threat intents, requests,
repeat contact, shouting, abuse cues) and the evidence spans. Sentiment,
emotions and abuse come from the chosen scoring backend: the rules' own
lexicon scorer by default, or a model (`backend="learned"` or any
ScoringBackend). Text the rules cannot read (empty, other language, only
emoji or links) gets low confidence and a reason instead of a guess.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from calmdesk.analysis import emotions as emotion_rules
from calmdesk.analysis import language, scoring, sentiment, signals
from calmdesk.analysis.backends.rules import RulesBackend
from calmdesk.analysis.lexicon.cues import ABUSE_GATE, CUES
from calmdesk.analysis.lexicon.emotion_cues import EMOTION_PHRASES
from calmdesk.analysis.text import MAX_CHARS, Doc, find_words, fold
from calmdesk.analysis.types import EMOTIONS, Assessment, ModelScores, ScoringBackend, Signal, Span

BACKEND_ENV = "CALMDESK_ANALYSIS_BACKEND"
BACKENDS = ("rules", "learned")

Backend = str | ScoringBackend | None


def _check_text(text: object, where: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"assess() needs a str for {where}, got {type(text).__name__}")
    return text


def _learned() -> ScoringBackend:
    """The learned backend (it caches the loaded model itself, per file version)."""
    from calmdesk.analysis.backends.learned import load_backend

    return load_backend()


def resolve_backend(backend: Backend = None) -> ScoringBackend | None:
    """The model backend to use, or None for the built-in rules scorer."""
    if backend is None:
        backend = os.environ.get(BACKEND_ENV, "").strip() or "rules"
    if isinstance(backend, str):
        name = backend.strip().lower()
        if name == "rules":
            return None
        if name == "learned":
            return _learned()
        raise ValueError(f"unknown analysis backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if isinstance(backend, RulesBackend):
        return None
    if isinstance(backend, ScoringBackend):
        return backend
    raise TypeError(
        f"backend must be 'rules', 'learned' or a ScoringBackend, got {type(backend).__name__}"
    )


def assess(
    text: str, context: Mapping[str, Any] | None = None, *, backend: Backend = None
) -> Assessment:
    """How difficult `text` is, and why. See the package docstring."""
    _check_text(text)
    model = resolve_backend(backend)
    scores = None
    if model is not None and language.detect(text).readable:
        scores = model.score_many([text])[0]
    return _assess(text, context, scores, model.name if model else "rules")


def assess_many(
    texts: Iterable[str], context: Mapping[str, Any] | None = None, *, backend: Backend = None
) -> list[Assessment]:
    """assess() for many texts: same results, one model batch, duplicates judged once."""
    items = list(texts)
    for i, t in enumerate(items):
        _check_text(t, f"texts[{i}]")
    model = resolve_backend(backend)
    engine = model.name if model else "rules"
    unique = list(dict.fromkeys(items))
    if model is None:  # the rules' batch path: the same results, a few passes per batch
        from calmdesk.analysis.batch import assess_rules_many

        done = dict(zip(unique, assess_rules_many(unique, context), strict=True))
        return [done[t] for t in items]
    scores: dict[str, ModelScores] = {}
    if model is not None:
        readable = [t for t in unique if language.detect(t).readable]
        if readable:
            scores = dict(zip(readable, model.score_many(readable), strict=True))
    done = {t: _assess(t, context, scores.get(t), engine) for t in unique}
    return [done[t] for t in items]


NOTHING_FOUND = "Nothing difficult found."


_PUSHES: list = [None, {}]  # [the weights they were made from, key -> push]


def _pushes() -> dict[str, float]:
    """Sentiment keys that can be quoted as negative words: key -> push (> 0.4)."""
    w = sentiment.sentiment_weights()
    if _PUSHES[0] is not w:
        neg, pos = w.neg, w.pos
        pushes = {}
        for key in neg.keys() | pos.keys():
            push = neg.get(key, 0.0) - pos.get(key, 0.0)
            if push > 0.4 and key[:4] not in ("NOT_", "INT_") and key not in sentiment.NEGATORS:
                pushes[key] = push
        _PUSHES[:] = [w, pushes]
    return _PUSHES[1]


def negative_words(doc: Doc, toks: list[str], sigs: list[Signal]) -> list[Span]:
    """The (up to three) words that pushed the sentiment most towards negative.

    `toks` are the text's unigram sentiment keys; words a signal already
    quotes are left out.
    """
    push = _pushes()
    pushes = [(push[key], key) for key in push.keys() & set(toks)]
    if not pushes:
        return []
    pushes.sort(reverse=True)
    found = find_words(doc.low, [k for _, k in pushes[:4]], 1, stretchy=doc.elongated)
    shown = [(e.start, e.end) for sig in sigs for e in sig.evidence]  # already quoted
    return [doc.span(s, e) for s, e, _ in found if all(e <= a or s >= b for a, b in shown)][:3]


# Words that can start a signal or an emotion: one or two set intersections
# tell whether the (slower) signal and emotion rules have anything to look at.
# Cues that need two words (a gate and a need word) only count when both are there.
_PAIRS = {(c.gate, c.need) for cues in CUES.values() for c in cues if c.need} | {
    (g, n) for phrases in EMOTION_PHRASES.values() for _, _, g, n in phrases if n
}
CUE_WORDS = (
    frozenset(w for cues in CUES.values() for c in cues if not c.need for w in c.gate)
    | frozenset(
        w for phrases in EMOTION_PHRASES.values() for _, _, g, n in phrases if not n for w in g
    )
    | ABUSE_GATE
    | emotion_rules.WORD_INDEX.keys()
)
PAIR_INDEX: dict[str, list[frozenset[str]]] = {}
for _gate, _need in _PAIRS:
    for _word in _gate:
        PAIR_INDEX.setdefault(_word, []).append(_need)
PAIR_GATES = frozenset(PAIR_INDEX)


def _pair_present(words: frozenset[str]) -> bool:
    for word in words & PAIR_GATES:
        for need in PAIR_INDEX[word]:
            if need & words:
                return True
    return False


def _needs_rules(doc: Doc, prior: int) -> bool:
    text = doc.text
    words = doc.words
    return bool(
        words & CUE_WORDS
        or _pair_present(words)
        or prior
        or doc.n_caps >= 2
        or "!!" in text
        or "??" in text
        or "?!" in text
        or "!?" in text
        or "*" in words
        or "$" in words
        or text.isupper()
    )


def _assess(
    text: str, context: Mapping[str, Any] | None, model: ModelScores | None, engine: str
) -> Assessment:
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = text[:MAX_CHARS]
    low = fold(text)
    feats = sentiment.extract(text, low)
    doc = Doc(
        text, low, feats.words, feats.n_tokens, truncated, feats.dense["elong"] > 0, feats.n_caps
    )
    lang = language.detect(doc.text, doc.words)
    prior = signals.prior_contacts(context)
    if not lang.readable:
        return _unreadable(doc, lang, context, prior, engine)
    if model is None:
        result = sentiment.score_features(feats)
        polarity, label = result.score, result.label
    else:
        polarity, label = 0.0, ""
    toks = feats.keys[: feats.n_tokens]
    return _judge(doc, lang, toks, polarity, label, context, prior, model, engine)


def _judge(
    doc: Doc,
    lang: language.Language,
    toks: list[str],
    polarity: float,
    label: str,
    context: Mapping[str, Any] | None,
    prior: int,
    model: ModelScores | None,
    engine: str,
    needs_rules: bool | None = None,
) -> Assessment:
    """The rules and the scores of one readable text, put together.

    `toks` are its unigram sentiment keys; `polarity` and `label` the rules'
    sentiment (ignored when a `model` scored the text); `needs_rules` what
    _needs_rules(doc, prior) says, when the caller already knows.
    """
    if needs_rules is None:
        needs_rules = _needs_rules(doc, prior)
    if needs_rules:
        sigs, abuse = signals.detect(doc, context)
        emotions, emo_evidence = emotion_rules.score(doc, sigs)
    else:  # no cue word, no capitals, no !!: nothing for the rules to find
        sigs, abuse, emotions, emo_evidence = [], 0.0, dict(emotion_rules.ZERO), {}
    if model is None:
        sarcasm = next((s for s in sigs if s.kind == "sarcasm"), None)
        if sarcasm and sarcasm.score >= 0.5 and polarity > 0:
            polarity, label = -0.5 * polarity * sarcasm.score, "negative"
    else:
        polarity = max(-1.0, min(1.0, float(model.sentiment)))
        label = _label(polarity, model.sentiment_probs)
        emotions = {
            e: round(max(0.0, min(1.0, float(model.emotions.get(e, 0.0)))), 4) for e in EMOTIONS
        }
        harm = next((s.score for s in sigs if s.kind == "threat_of_harm"), 0.0)
        abuse = round(max(0.0, min(1.0, max(float(model.abuse), harm))), 4)

    difficulty, level = scoring.difficulty_of(polarity, emotions, abuse, sigs)
    neg_evidence = negative_words(doc, toks, sigs) if polarity <= -0.35 else []
    reasons = scoring.reasons_for(sigs, emotions, emo_evidence, polarity, neg_evidence, prior)
    if model is not None:
        reasons.append(
            f"Sentiment, emotions and abuse scored by the {engine} model; "
            "threats and evidence found by the rules."
        )
    if not reasons and level == "calm":
        reasons.append(NOTHING_FOUND)
    if doc.truncated:
        reasons.append(f"Only the first {len(doc.text):,} characters were read.")
    confidence = lang.confidence * min(1.0, 0.55 + 0.09 * doc.n_words)
    return Assessment(  # positional (the field order of Assessment): cheaper than keywords
        round(polarity, 4),  # sentiment
        label,
        emotions,
        abuse,
        sigs,
        difficulty,
        level,
        reasons,
        lang.code,
        round(confidence, 4),
        engine,
    )


def _unreadable(
    doc: Doc, lang: language.Language, context: Mapping[str, Any] | None, prior: int, engine: str
) -> Assessment:
    """No judgement of the words: only typographic shouting and the context count."""
    sigs, _ = signals.detect(Doc.of(""), context)  # context-only signals
    shout = signals.shouting(doc)
    if shout:
        sigs.append(shout)
    emotions = dict.fromkeys(EMOTIONS, 0.0)
    difficulty, level = scoring.difficulty_of(0.0, emotions, 0.0, sigs)
    reasons = [lang.reason, *scoring.reasons_for(sigs, emotions, {}, 0.0, [], prior)]
    return Assessment(
        sentiment=0.0,
        sentiment_label="neutral",
        emotions=emotions,
        abuse=0.0,
        signals=sigs,
        difficulty=difficulty,
        level=level,
        reasons=reasons,
        language=lang.code,
        confidence=round(min(0.2, lang.confidence * 0.2), 4),
        engine=engine,
    )


def _label(polarity: float, probs: Mapping[str, float]) -> str:
    if probs:
        return max(("negative", "neutral", "positive"), key=lambda k: probs.get(k, 0.0))
    return "negative" if polarity <= -0.05 else "positive" if polarity >= 0.05 else "neutral"


def score_many(texts: Sequence[str]) -> list[ModelScores]:
    """The rules' own sentiment/emotions/abuse as ModelScores (for RulesBackend)."""
    out = []
    for text in texts:
        doc = Doc.of(_check_text(text))
        sigs, abuse = signals.detect(doc)
        emotions, _ = emotion_rules.score(doc, sigs)
        result = sentiment.score(doc.text)
        out.append(ModelScores(result.score, emotions, abuse, result.probs))
    return out
