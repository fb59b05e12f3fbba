"""A conversation's timeline, ready for the template: safe HTML, never trusted text.

Customer text reaches the page in two ways only:
- `highlight(body, assessment)`: the plain body cut at the evidence spans,
  each piece escaped on its own and the evidence wrapped in <mark>; built
  with format_html, so nothing is marked safe without being escaped.
- `safe_html(body_html)`: the HTML part of an email, sanitized again here
  with the intake allow-list (nh3; links get rel="noopener noreferrer", only
  http/https/mailto/tel URLs), whatever was stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from calmdesk.intake.email_html import sanitize_html
from calmdesk.models import Direction, Message

SIGNAL_LABELS = {
    "churn_threat": "Threatens to leave",
    "review_threat": "Threatens a public review",
    "legal_threat": "Mentions legal action",
    "chargeback_threat": "Threatens a chargeback",
    "escalation_request": "Asks for a manager",
    "repeat_contact": "Has written before",
    "urgency": "Urgent",
    "shouting": "Shouting",
    "profanity": "Profanity",
    "insult": "Insult",
    "threat_of_harm": "Threat of harm",
    "sarcasm": "Sarcasm",
}
EMOTION_LABELS = {
    "anger": "Anger",
    "frustration": "Frustration",
    "disappointment": "Disappointment",
    "anxiety": "Anxiety",
    "gratitude": "Gratitude",
}


def signal_label(kind: str) -> str:
    return SIGNAL_LABELS.get(kind, kind.replace("_", " ").capitalize())


def _spans(body: str, assessment: dict[str, Any] | None) -> list[tuple[int, int, str]]:
    """Valid evidence spans as (start, end, kind); a span that does not fit the body is dropped."""
    out = []
    for signal in (assessment or {}).get("signals") or []:
        kind = signal.get("kind") if isinstance(signal, dict) else None
        if kind not in SIGNAL_LABELS:
            kind = "other"
        for ev in signal.get("evidence") or []:
            try:
                start, end, text = int(ev["start"]), int(ev["end"]), str(ev.get("text", ""))
            except (KeyError, TypeError, ValueError):
                continue
            if not (0 <= start < end <= len(body)):
                continue
            if text and body[start:end] != text:
                continue
            out.append((start, end, kind))
    return out


def highlight(body: str, assessment: dict[str, Any] | None) -> SafeString:
    """`body` as escaped HTML with each evidence span in <mark class="ev ev-KIND">.

    Overlapping spans are split at every boundary; a piece covered by
    several signals is marked once, titled with all of them.
    """
    spans = _spans(body, assessment)
    cuts = sorted({0, len(body), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces: list[tuple[str, str, str]] = []  # (format, text, kinds)
    for start, end in zip(cuts, cuts[1:], strict=False):
        kinds = sorted({k for s, e, k in spans if s <= start and end <= e})
        text = body[start:end]
        if kinds:
            pieces.append((text, kinds[0], ", ".join(signal_label(k) for k in kinds)))
        else:
            pieces.append((text, "", ""))
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html('<mark class="ev ev-{}" title="{}">{}</mark>', kind, title, text)
                if kind
                else text,
            )
            for text, kind, title in pieces
        ),
    )


def safe_html(body_html: str) -> SafeString:
    """Stored email HTML, sanitized again with the allow-list before it is shown."""
    return SafeString(sanitize_html(body_html or ""))  # nh3 output: escaped, allow-listed


@dataclass
class Entry:
    """One message in the timeline, with what the template needs."""

    message: Message
    kind: str  # in / out / note
    html: SafeString
    rich: SafeString | None = None  # the sanitized HTML part of an email, when there is one
    level: str = ""
    difficulty: int | None = None
    reasons: list[str] = field(default_factory=list)
    signals: list[tuple[str, str, float]] = field(default_factory=list)  # kind, label, score
    emotions: list[tuple[str, float]] = field(default_factory=list)
    assessed: bool = False


def entries(messages: list[Message]) -> list[Entry]:
    out = []
    for m in messages:
        a = m.assessment if isinstance(m.assessment, dict) else None
        entry = Entry(
            message=m,
            kind=m.direction,
            html=highlight(m.body, a) if m.direction == Direction.IN else highlight(m.body, None),
            rich=safe_html(m.body_html) if m.body_html else None,
        )
        if m.direction == Direction.IN and a is not None:
            entry.assessed = True
            entry.level = m.level or str(a.get("level", ""))
            entry.difficulty = m.difficulty
            entry.reasons = [str(r) for r in a.get("reasons") or []][:6]
            entry.signals = [
                (s.get("kind", ""), signal_label(s.get("kind", "")), float(s.get("score", 0)))
                for s in a.get("signals") or []
                if isinstance(s, dict)
            ]
            emotions = a.get("emotions") or {}
            entry.emotions = sorted(
                (
                    (EMOTION_LABELS.get(k, k), float(v))
                    for k, v in emotions.items()
                    if float(v) >= 0.3
                ),
                key=lambda e: -e[1],
            )[:3]
        out.append(entry)
    return out
