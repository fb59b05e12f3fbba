"""The public contract of calmdesk.analysis."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

import pytest

from calmdesk.analysis import (
    EMOTIONS,
    LEVELS,
    Assessment,
    ModelScores,
    Signal,
    Span,
    assess,
    assess_many,
)
from calmdesk.analysis.backends.rules import RulesBackend

ISSUE_EXAMPLE = "This is the THIRD time I'm writing. Cancel my account or I post this everywhere."


def test_issue_example() -> None:
    a = assess(ISSUE_EXAMPLE)
    assert isinstance(a, Assessment)
    assert -1.0 <= a.sentiment <= 1.0
    assert a.sentiment_label == "negative"
    assert set(a.emotions) == set(EMOTIONS)
    assert all(0.0 <= v <= 1.0 for v in a.emotions.values())
    assert 0.0 <= a.abuse <= 1.0
    kinds = {s.kind for s in a.signals}
    assert {"repeat_contact", "churn_threat", "review_threat"} <= kinds
    assert a.level in ("difficult", "hostile")
    assert 50 <= a.difficulty <= 100
    assert a.language == "en" and a.confidence >= 0.8
    assert a.engine == "rules"
    assert any(
        r.startswith("Threatens to cancel or leave") and '"Cancel my account"' in r
        for r in a.reasons
    )
    assert all(
        isinstance(s, Signal) and all(isinstance(e, Span) for e in s.evidence) for s in a.signals
    )


def test_reasons_name_their_evidence_in_quotes() -> None:
    a = assess("I want to speak to a manager, this is unacceptable!!")
    assert a.reasons
    assert all('"' in r for r in a.reasons)


def test_calm_message() -> None:
    a = assess("Hi, could you tell me when my order will arrive? Thanks!")
    assert a.level == "calm"
    assert a.difficulty < 25
    assert a.signals == []
    assert a.emotions["gratitude"] > 0.5


def test_levels_rise_with_trouble() -> None:
    calm = assess("Thanks, the parcel arrived today.")
    tense = assess("I'm still waiting for my refund, please sort it out.")
    legal = assess("I'm still waiting for my refund. My lawyer will be in touch.")
    hostile = assess("You useless idiots, I will find where you live.")
    assert calm.level == "calm"
    assert tense.level in ("tense", "difficult")
    assert legal.level in ("difficult", "hostile")
    assert hostile.level == "hostile"
    assert calm.difficulty < tense.difficulty < legal.difficulty < hostile.difficulty
    assert [calm.level, hostile.level] == [LEVELS[0], LEVELS[-1]]


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["a list"], 3.5])
def test_non_str_raises_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="needs a str"):
        assess(bad)  # type: ignore[arg-type]


def test_assess_many_rejects_non_str_with_its_index() -> None:
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        assess_many(["fine", 7])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("text", "language", "why"),
    [
        ("", "und", "Empty"),
        ("   \n\t ", "und", "Empty"),
        ("😡😡😡", "und", "No words"),
        ("https://example.com/orders/123 www.example.org", "und", "No words"),
        ("12345 !!! ???", "und", "No words"),
        ("Hola, quiero cancelar mi pedido porque no ha llegado todavía", "es", "Spanish"),
        (
            "Je veux annuler ma commande, elle n'est pas arrivée et c'est inadmissible",
            "fr",
            "French",
        ),
        ("Ich möchte meine Bestellung stornieren, sie ist nicht angekommen", "de", "German"),
        ("Я хочу отменить заказ, он так и не пришёл", "und", "Cyrillic"),
        ("我想取消我的订单，它还没有到", "zh", "Chinese"),
    ],
)
def test_unreadable_text_gets_low_confidence_and_a_reason(
    text: str, language: str, why: str
) -> None:
    a = assess(text)
    assert a.language == language
    assert a.confidence <= 0.2
    assert a.sentiment == 0.0 and a.sentiment_label == "neutral"
    assert all(v == 0.0 for v in a.emotions.values())
    assert why in a.reasons[0]
    assert a.signal("churn_threat") is None  # never a guess


def test_other_language_shouting_still_counts() -> None:
    a = assess("¿¿¿DÓNDE ESTÁ MI PEDIDO???")
    assert a.confidence <= 0.2
    assert a.signal("shouting") is not None


def test_assess_many_matches_assess() -> None:
    texts = [ISSUE_EXAMPLE, "thanks!", "", ISSUE_EXAMPLE, "Where is my order???", "fuck you"]
    many = assess_many(texts)
    assert [a.to_dict() for a in many] == [assess(t).to_dict() for t in texts]
    assert assess_many([]) == []
    assert len(assess_many(t for t in texts)) == len(texts)  # any iterable


def test_to_dict_round_trip() -> None:
    a = assess(ISSUE_EXAMPLE)
    assert Assessment.from_dict(a.to_dict()).to_dict() == a.to_dict()


def test_deterministic() -> None:
    assert assess(ISSUE_EXAMPLE) == assess(ISSUE_EXAMPLE)


def test_one_megabyte_text_completes_and_says_it_was_cut() -> None:
    text = ("Cancel my account NOW!!! You useless idiots, third time I write. " * 16_000)[
        :1_000_000
    ]
    a = assess(text)
    assert a.level == "hostile"
    assert any("Only the first" in r for r in a.reasons)
    for s in a.signals:
        for e in s.evidence:
            assert text[e.start : e.end] == e.text


def test_adversarial_unicode_does_not_break_offsets() -> None:
    text = (
        "İİİ CANCEL my ａｃｃｏｕｎｔ \u202e now \ud800 ﬀ ß ǅ 🏳️‍🌈 sooooo angry!!! cancel my account"
    )
    a = assess(text)
    assert a.signal("churn_threat") is not None
    for s in a.signals:
        for e in s.evidence:
            assert text[e.start : e.end] == e.text


def test_unknown_backend_name() -> None:
    with pytest.raises(ValueError, match="unknown analysis backend"):
        assess("hello", backend="magic")


def test_backend_of_wrong_type() -> None:
    with pytest.raises(TypeError, match="backend must be"):
        assess("hello", backend=42)  # type: ignore[arg-type]


class FakeModel:
    """A ScoringBackend that says everything is furious and abusive."""

    name = "fake"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def score_many(self, texts: Sequence[str]) -> list[ModelScores]:
        self.batches.append(len(texts))
        emotions = dict.fromkeys(EMOTIONS, 0.0) | {"anger": 0.95}
        return [
            ModelScores(-0.9, emotions, 0.8, {"negative": 0.9, "neutral": 0.05, "positive": 0.05})
            for _ in texts
        ]


def test_model_backend_supplies_scores_and_rules_supply_signals() -> None:
    model = FakeModel()
    a = assess("Thanks, cancel my account please", backend=model)
    assert a.engine == "fake"
    assert a.sentiment == -0.9 and a.sentiment_label == "negative"
    assert a.emotions["anger"] == 0.95
    assert a.abuse == 0.8
    assert a.signal("churn_threat") is not None  # from the rules
    assert any("fake model" in r for r in a.reasons)


def test_assess_many_batches_the_model_once_and_skips_unreadable() -> None:
    model = FakeModel()
    out = assess_many(
        ["cancel it", "cancel it", "😡", "Hola, quiero cancelar mi pedido ya"], backend=model
    )
    assert model.batches == [1]  # duplicates and unreadable texts are not sent
    assert out[0] == out[1]
    assert out[2].sentiment == 0.0 and out[2].engine == "fake"


def test_rules_backend_instance_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALMDESK_ANALYSIS_BACKEND", raising=False)
    text = "I'm still waiting, this is ridiculous"
    assert assess(text, backend=RulesBackend()) == assess(text)
    scores = RulesBackend().score_many([text])
    assert len(scores) == 1 and scores[0].sentiment < 0


def test_backend_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALMDESK_ANALYSIS_BACKEND", "nonsense")
    with pytest.raises(ValueError, match="nonsense"):
        assess("hello")
    monkeypatch.setenv("CALMDESK_ANALYSIS_BACKEND", "rules")
    assert assess("hello").engine == "rules"


def test_importing_analysis_does_not_import_django() -> None:
    code = (
        "import sys, calmdesk.analysis as a; a.assess('cancel my account');"
        "a.assess_conversation(['hi']);"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
