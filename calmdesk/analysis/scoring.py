"""From sentiment, emotions, abuse and signals to difficulty, level and reasons.

difficulty = 100 * (1 - exp(-raw / 60)), where raw adds up weighted parts:

    raw = 22*negativity + 25*anger + 15*frustration + 10*disappointment
          + 6*anxiety + 35*abuse + sum(SIGNAL_WEIGHT[kind] * signal.score)
          - 8*gratitude (only when no threat is present)

so a single strong cue cannot reach 100 alone, and several pile up with
diminishing returns. Floors keep the level honest where one signal matters
more than its points: a legal or chargeback threat is at least "difficult";
any threat to leave, review or escalate, an insult or a complaint is at least
"tense"; a threat of harm, strong abuse, or strong anger with a threat is
"hostile". Levels: calm < 25 <= tense < 50 <= difficult < 75 <= hostile.
"""

from __future__ import annotations

import math

from calmdesk.analysis.types import Signal, Span

SIGNAL_WEIGHT = {
    "churn_threat": 22.0,
    "review_threat": 22.0,
    "legal_threat": 32.0,
    "chargeback_threat": 28.0,
    "escalation_request": 16.0,
    "repeat_contact": 14.0,
    "urgency": 8.0,
    "shouting": 12.0,
    "profanity": 10.0,
    "insult": 20.0,
    "threat_of_harm": 40.0,
    "sarcasm": 10.0,
    "complaint": 14.0,
}
EMOTION_WEIGHT = {"anger": 25.0, "frustration": 15.0, "disappointment": 10.0, "anxiety": 6.0}
THREATS = ("churn_threat", "review_threat", "legal_threat", "chargeback_threat")
LEVEL_FLOOR = {"tense": 25, "difficult": 50, "hostile": 75}

REASON = {
    "churn_threat": "Threatens to cancel or leave",
    "review_threat": "Threatens a bad review or public post",
    "legal_threat": "Mentions legal action or a regulator",
    "chargeback_threat": "Threatens a chargeback or bank dispute",
    "escalation_request": "Asks for a manager or a person",
    "repeat_contact": "Has contacted before",
    "urgency": "Says it is urgent",
    "shouting": "Shouting (capitals or repeated !/?)",
    "profanity": "Uses profanity",
    "insult": "Insults the staff or company",
    "threat_of_harm": "Threatens harm to people",
    "sarcasm": "Sarcasm",
    "complaint": "Complains explicitly",
}
EMOTION_REASON = {
    "anger": "Sounds angry",
    "frustration": "Sounds frustrated",
    "disappointment": "Sounds disappointed",
    "anxiety": "Sounds anxious",
    "gratitude": "Expresses thanks",
}


def level_of(difficulty: int) -> str:
    if difficulty >= 75:
        return "hostile"
    if difficulty >= 50:
        return "difficult"
    if difficulty >= 25:
        return "tense"
    return "calm"


def difficulty_of(
    sentiment: float, emotions: dict[str, float], abuse: float, signals: list[Signal]
) -> tuple[int, str]:
    raw = 35.0 * abuse - 22.0 * sentiment if sentiment < 0 else 35.0 * abuse
    raw += (
        25.0 * emotions["anger"]
        + 15.0 * emotions["frustration"]
        + 10.0 * emotions["disappointment"]
        + 6.0 * emotions["anxiety"]
    )
    if not signals:
        raw -= 8.0 * emotions["gratitude"]
        if raw <= 0.0:
            return 0, "calm"
        difficulty = round(100.0 * (1.0 - math.exp(-raw / 60.0)))
        return difficulty, level_of(difficulty)
    by_kind = {s.kind: s.score for s in signals}
    raw += sum(SIGNAL_WEIGHT.get(k, 10.0) * v for k, v in by_kind.items())
    strong_threat = any(by_kind.get(k, 0.0) >= 0.5 for k in THREATS)
    if not any(k in by_kind for k in THREATS):
        raw -= 8.0 * emotions["gratitude"]
    difficulty = round(100.0 * (1.0 - math.exp(-max(0.0, raw) / 60.0)))
    floor = None
    if (
        by_kind.get("threat_of_harm", 0.0) >= 0.5
        or abuse >= 0.7
        or (emotions["anger"] >= 0.6 and strong_threat)
    ):
        floor = "hostile"
    elif by_kind.get("legal_threat", 0.0) >= 0.6 or by_kind.get("chargeback_threat", 0.0) >= 0.6:
        floor = "difficult"
    elif strong_threat or any(
        by_kind.get(k, 0.0) >= 0.5 for k in ("escalation_request", "insult", "complaint")
    ):
        floor = "tense"
    if floor:
        difficulty = max(difficulty, LEVEL_FLOOR[floor])
    difficulty = max(0, min(100, difficulty))
    return difficulty, level_of(difficulty)


def calm_difficulty(sentiment: float) -> tuple[int, str]:
    """difficulty_of(sentiment, no emotions, no abuse, no signals), the same arithmetic.

    The common case of assess_many (nothing for the rules to find), without
    the dictionary look-ups.
    """
    if sentiment >= 0:
        return 0, "calm"
    raw = 35.0 * 0.0 - 22.0 * sentiment
    raw += 25.0 * 0.0 + 15.0 * 0.0 + 10.0 * 0.0 + 6.0 * 0.0
    raw -= 8.0 * 0.0
    if raw <= 0.0:
        return 0, "calm"
    difficulty = round(100.0 * (1.0 - math.exp(-raw / 60.0)))
    return difficulty, level_of(difficulty)


def quote(spans: list[Span], limit: int = 3) -> str:
    parts = []
    for span in spans[:limit]:
        text = " ".join(span.text.split())
        if len(text) > 60:
            text = text[:57] + "..."
        parts.append(f'"{text}"')
    return ", ".join(parts)


def reasons_for(
    signals: list[Signal],
    emotions: dict[str, float],
    emotion_evidence: dict[str, list[Span]],
    sentiment: float,
    sentiment_evidence: list[Span],
    prior_contacts: int = 0,
) -> list[str]:
    """Short sentences, strongest first, each naming its evidence in quotes."""
    weighted: list[tuple[float, str]] = []
    for s in signals:
        if s.evidence:
            text = f"{REASON.get(s.kind, s.kind)}: {quote(s.evidence)}"
        elif s.kind == "repeat_contact" and prior_contacts:
            text = f"{REASON['repeat_contact']}: {prior_contacts} earlier contact(s) on record"
        else:
            continue
        weighted.append((SIGNAL_WEIGHT.get(s.kind, 10.0) * s.score, text))
    for emotion, value in emotions.items():
        spans = emotion_evidence.get(emotion)
        if value >= 0.3 and spans:
            weight = EMOTION_WEIGHT.get(emotion, 5.0) * value
            weighted.append((weight, f"{EMOTION_REASON[emotion]}: {quote(spans)}"))
    if sentiment <= -0.35 and sentiment_evidence:
        weighted.append((22.0 * -sentiment * 0.8, f"Negative tone: {quote(sentiment_evidence)}"))
    weighted.sort(key=lambda w: -w[0])
    return [text for _, text in weighted]
