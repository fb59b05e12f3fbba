"""assess_many's batch path gives exactly what assess gives, text by text."""

from __future__ import annotations

import itertools
import random

import pytest

from calmdesk.analysis import assess, assess_many, batch, scoring, sentiment
from calmdesk.analysis.emotions import ZERO
from calmdesk.analysis.text import fold

OPENINGS = [
    "",
    "Hi,",
    "THIS IS RIDICULOUS",
    "Well",
    '"Cancel my account" is what your agent said I should do,',
    "I do not want to cancel,",
    "sooooo",
    "Honestly 😡",
    "@support",
    "Thanks a lot",
    "Hola, gracias por la ayuda, pero",
    "Bonjour, je ne suis pas content mais",
    "Das ist nicht gut und",
    "これは",
    "Привет",
    "OMG!!!",
    "why???",
    "lol",
]
MIDDLES = [
    "the order never arrived",
    "I'm not happy but the support was great",
    "it's really bad, but not terrible",
    "this is the third time I'm writing",
    "I will post a one-star review everywhere",
    "my lawyer will hear about this",
    "I'll do a chargeback with my bank",
    "let me speak to a manager NOW",
    "you are useless idiots",
    "what the f*ck is this $hit",
    "I am soooo happy, you're the best",
    "not very good, not bad either",
    "don't hesitate to cancel it",
    "great, just great. thanks for nothing /s",
    "it doesn't work and I'm fed up",
    "see https://example.com/aaa-bbb and www.test.org",
    "my name is joe_bloggs and my id is 12345",
    "I'm sooo tired of waiting, I need it by tomorrow",
    "ＦＵＬＬＷＩＤＴＨ letters and ‘curly’ “quotes”",
    "Σ ΣΑΣ ὈΔΥΣΣΕΎΣ",
    "isn't it lovely? it isn't!",
    "cafe\u0301 naïve façade",
    "🙂🙂🙂",
    "i'll kill you",
    "never again, never ever",
    "I'm extremely disappointed and really angry",
    "what the f\uff0ack, I need it tomorrow",
    "it costs \uff045, I need it by friday",
    "I want it tomorrow",
    "right now",
    "f\uff0ack, I want to watch it tomorrow",  # fullwidth "*": masked profanity, two-word cue
    "b\uff0atch, I know it, on my way",
]
CLOSINGS = ["", ".", "!", "!!", "?!", " :(", " :)", " 👍", " BUT WHY", " but ok", "\n\nRegards"]


def _texts(n: int = 400) -> list[str]:
    rng = random.Random(7)
    combos = list(itertools.product(OPENINGS, MIDDLES, CLOSINGS))
    rng.shuffle(combos)
    texts = [" ".join(p for p in c[:2] if p) + c[2] for c in combos[:n]]
    texts += OPENINGS + MIDDLES + CLOSINGS
    texts += ["", "   ", "\x00", "a\n\x00\nb", "not", "but", "!!!", "https://x.io", "😀"]
    texts += ["I am NOT happy " * 30, "aaa bbb ccc", "caps LOCK IS ON FOR NO REASON OK"]
    texts += texts[:20]  # duplicates
    return texts


@pytest.mark.parametrize("context", [None, {"prior_contacts": 2}])
def test_assess_many_equals_assess(context: dict | None) -> None:
    texts = _texts()
    many = assess_many(texts, context)
    one = [assess(t, context) for t in texts]
    assert len(many) == len(texts)
    for text, a, b in zip(texts, many, one, strict=True):
        assert a.to_dict() == b.to_dict(), text


def test_assess_many_long_text_is_truncated_like_assess() -> None:
    texts = ["Cancel my account now!! " * 5000, "fine"]
    many = assess_many(texts)
    assert [a.to_dict() for a in many] == [assess(t).to_dict() for t in texts]


def test_score_many_equals_extract() -> None:
    texts = _texts()
    lows = [fold(t) for t in texts]
    got = batch.score_many(texts, lows)
    for i, (text, low) in enumerate(zip(texts, lows, strict=True)):
        f = sentiment.extract(text, low)
        r = sentiment.score_features(f)
        assert got.toks[i] == f.keys[: f.n_tokens], text
        assert got.words[i] == f.words, text
        assert (got.n_caps[i], got.elongated[i]) == (f.n_caps, f.dense["elong"] > 0), text
        assert (got.polarity[i], got.label[i]) == (r.score, r.label), text


def test_calm_difficulty_equals_difficulty_of() -> None:
    values = [i / 1000 for i in range(-1000, 1001)] + [-0.0, 1e-9, -1e-9]
    for v in values:
        assert scoring.calm_difficulty(v) == scoring.difficulty_of(v, dict(ZERO), 0.0, [])
