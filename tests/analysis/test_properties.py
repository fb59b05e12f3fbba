"""Property tests: any str in, a well-formed Assessment out."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmdesk.analysis import LEVELS, SENTIMENT_LABELS, assess, assess_many

# Text that reaches the rules: cue words, capitals, punctuation and odd Unicode mixed in.
CUE_WORDS = [
    "cancel",
    "my",
    "account",
    "not",
    "don't",
    "manager",
    "NOW",
    "!!!",
    "???",
    "lawyer",
    "sue",
    "chargeback",
    "third",
    "time",
    "still",
    "waiting",
    "idiots",
    "you",
    "fuck",
    '"',
    "'",
    "sooooo",
    "İ",
    "ǅ",
    "ß",
    "\u200d",
    "\u0301",
    "🙂",
    "😡",
    "ｃａｎｃｅｌ",
    "\n",
    ",",
]
mixed_text = st.lists(st.one_of(st.sampled_from(CUE_WORDS), st.text(max_size=12)), max_size=40).map(
    " ".join
)
any_text = st.one_of(st.text(), mixed_text)


def check(text: str) -> None:
    a = assess(text)
    assert 0 <= a.difficulty <= 100
    assert a.level in LEVELS
    assert a.sentiment_label in SENTIMENT_LABELS
    assert -1.0 <= a.sentiment <= 1.0
    assert 0.0 <= a.abuse <= 1.0
    assert 0.0 <= a.confidence <= 1.0
    assert all(0.0 <= v <= 1.0 for v in a.emotions.values())
    for s in a.signals:
        assert 0.0 < s.score <= 1.0
        for e in s.evidence:
            assert 0 <= e.start < e.end <= len(text)
            assert text[e.start : e.end] == e.text
    assert all(isinstance(r, str) and r for r in a.reasons)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_any_text_gives_a_well_formed_assessment(text: str) -> None:
    check(text)


@settings(max_examples=100, deadline=None)
@given(mixed_text)
def test_deterministic(text: str) -> None:
    assert assess(text) == assess(text)


@settings(max_examples=50, deadline=None)
@given(st.lists(any_text, max_size=8))
def test_assess_many_equals_assess(texts: list[str]) -> None:
    assert assess_many(texts) == [assess(t) for t in texts]


def test_repetitive_adversarial_inputs() -> None:
    for text in (
        "a" * 200_000,
        "! " * 100_000,
        "cancel " * 50_000,
        "\u0301" * 100_000,
        "NOT " * 50_000,
        '"' * 100_000,
        "i'm not " * 30_000,
        ("you " * 10 + "idiot ") * 5_000,
    ):
        check(text)
