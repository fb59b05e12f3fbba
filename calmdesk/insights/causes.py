"""Reading what the root-cause actions need: complaints, their text, the taxonomy, the model.

Read-only; calmdesk.actions.insights does the writing. Which conversations
get a cause: every difficult conversation, every low review and every
conversation with a low survey answer (when surveys are installed).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet

from calmdesk.insights.base import difficult_q, optional_model, setting
from calmdesk.insights.classifier import CauseClassifier, Prediction
from calmdesk.insights.taxonomy import OTHER, CauseSpec, categorize_by_rules, compile_spec
from calmdesk.models import (
    CauseSource,
    CauseStatus,
    Conversation,
    ConversationCause,
    Direction,
    Message,
    RootCause,
)

TEXT_CHARS = 2000
MESSAGES_PER_CONVERSATION = 3
AGENT_WEIGHT = 3.0  # an agent's correction counts three times a rule's label


def complaints() -> QuerySet[Conversation]:
    """Every conversation that should carry a root cause."""
    q = difficult_q()
    survey = optional_model("Survey", "low", "conversation")
    if survey is not None:
        q |= Q(pk__in=survey.objects.filter(low=True).values("conversation_id"))
    return Conversation.objects.filter(q)


def complaint_texts(conversation_ids: Iterable[int]) -> dict[int, str]:
    """The customer's words per conversation: subject, first inbound messages, low survey comments."""
    ids = list(conversation_ids)
    parts: dict[int, list[str]] = defaultdict(list)
    for cid, subject in Conversation.objects.filter(pk__in=ids).values_list("pk", "subject"):
        if subject:
            parts[cid].append(subject)
    counts: dict[int, int] = defaultdict(int)
    rows = (
        Message.objects.filter(conversation_id__in=ids, direction=Direction.IN)
        .order_by("conversation_id", "sent_at", "id")
        .values_list("conversation_id", "body")
    )
    for cid, body in rows.iterator(chunk_size=2000):
        if counts[cid] < MESSAGES_PER_CONVERSATION:
            parts[cid].append(body[:TEXT_CHARS])
            counts[cid] += 1
    survey = optional_model("Survey", "low", "conversation", "comment")
    if survey is not None:
        for cid, comment in (
            survey.objects.filter(conversation_id__in=ids, low=True)
            .exclude(comment="")
            .values_list("conversation_id", "comment")
        ):
            parts[cid].append(comment[:TEXT_CHARS])
    return {cid: "\n".join(p)[:TEXT_CHARS] for cid, p in parts.items()}


def first_inbound_times(conversation_ids: Iterable[int]) -> dict[int, datetime]:
    """When the customer first wrote, per conversation that has an inbound message."""
    rows = Conversation.objects.filter(
        pk__in=list(conversation_ids), started_at__isnull=False
    ).values_list("pk", "started_at")
    return dict(rows)


def active_specs() -> tuple[list[CauseSpec], dict[str, RootCause]]:
    """The causes rules may choose (active ones, policy order first) and their rows by key."""
    from calmdesk.insights.taxonomy import policy_taxonomy

    rows = {c.key: c for c in RootCause.objects.filter(status=CauseStatus.ACTIVE)}
    specs = [s for s in policy_taxonomy() if s.key in rows]
    known = {s.key for s in specs}
    for key, cause in rows.items():
        if key not in known:
            specs.append(compile_spec(key, cause.label, cause.cues, cause.description))
    return specs, rows


@dataclass(frozen=True)
class Decision:
    key: str
    source: str
    confidence: float


def decide(
    text: str, specs: list[CauseSpec], prediction: Prediction | None, min_confidence: float
) -> Decision:
    """The classifier where it is confident, else the rules, else "other"."""
    if prediction is not None and prediction.confidence >= min_confidence:
        return Decision(prediction.key, CauseSource.MODEL, round(prediction.confidence, 3))
    rule = categorize_by_rules(text, specs)
    return Decision(rule.key, CauseSource.RULE, round(rule.confidence, 3))


def model_path() -> Path:
    configured = setting("CALMDESK_CAUSE_MODEL_PATH", "")
    if configured:
        return Path(configured)
    return Path(settings.DATA_DIR) / "models" / "root_causes.joblib"


_MODEL: dict[str, tuple[float, CauseClassifier | None]] = {}
_LOCK = threading.Lock()


def load_classifier() -> CauseClassifier | None:
    """The trained classifier (reloaded when the file changes), or None."""
    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    with _LOCK:
        hit = _MODEL.get(str(path))
        if hit is None or hit[0] != mtime:
            try:
                model = CauseClassifier.load(path)
            except Exception:  # an unreadable file or a missing extra: rules only
                model = None
            _MODEL[str(path)] = (mtime, model)
        return _MODEL[str(path)][1]


def training_set() -> tuple[list[str], list[str], list[float]]:
    """Agents' labels (weighted up) and the rules' unambiguous labels; never the model's own."""
    rows = list(
        ConversationCause.objects.filter(
            Q(source=CauseSource.AGENT)
            | Q(source=CauseSource.RULE, confidence__gte=1.0, cause__status=CauseStatus.ACTIVE)
        )
        .exclude(Q(source=CauseSource.RULE) & Q(cause__key=OTHER))
        .values_list("conversation_id", "cause__key", "source")
    )
    texts = complaint_texts(cid for cid, _, _ in rows)
    out_t, out_l, out_w = [], [], []
    for cid, key, source in rows:
        if cid in texts:
            out_t.append(texts[cid])
            out_l.append(key)
            out_w.append(AGENT_WEIGHT if source == CauseSource.AGENT else 1.0)
    return out_t, out_l, out_w
