"""The rules engine's sentiment scorer: a fast linear model over words.

One feature extractor serves both training (lexicon/build.py) and scoring,
so what was learned is exactly what is applied:

- lower-cased words, numbers, emoji and !/? runs; elongations collapsed
  ("sooooo" -> "soo"); mentions and links replaced by placeholders;
- negation: up to three words after "not", "never", "n't"... (until the next
  punctuation) are keyed "NOT_word", and their VADER valence flips (x -0.74);
- contrast: words before "but" count half, words after it count 1.5x;
- bigrams of neighbouring words;
- a few dense features: VADER valence sums (with intensifiers and CAPS
  emphasis), "!" and "?" counts, CAPS words, elongations.

Scoring is dictionary look-ups and sums (no per-character Python loops), with
every extra pass gated by a cheap check, so a tweet costs a few microseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import repeat

from calmdesk.analysis.lexicon import sentiment_weights, vader_lexicon

EMOJI_CLASS = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
TOKEN_RE = re.compile(rf"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[!?]+|[{EMOJI_CLASS}]|[.,;:]")
ELONG_RE = re.compile(r"(.)\1{2,}", re.DOTALL)
URL_RE = re.compile(r"(?:https?://|www\.)\S+")
MENTION_RE = re.compile(r"@\w+")
CAPS_WORD_RE = re.compile(r"\b[A-Z][A-Z']{2,}\b")

NEGATORS = frozenset(
    """not no never none nothing nowhere neither nor without cannot cant dont
    doesnt didnt isnt wasnt werent arent aint wont wouldnt shouldnt couldnt
    havent hasnt hadnt nope rarely seldom""".split()
)
CLAUSE_PUNCT = frozenset(".,;:!?")
# Intensifiers and dampeners (VADER's booster idea, our own list).
BOOSTERS = {
    **dict.fromkeys(
        """absolutely completely extremely incredibly really so very totally
        utterly truly deeply highly hugely especially particularly super
        seriously insanely ridiculously terribly awfully fucking freaking
        damn most entirely thoroughly""".split(),
        0.293,
    ),
    **dict.fromkeys(
        "barely hardly slightly somewhat kinda kindof sorta marginally partly".split(), -0.293
    ),
}
CAPS_BOOST = 0.733
DENSE = ("vader_pos", "vader_neg", "vader_norm", "excl", "quest", "caps", "elong")


@dataclass(frozen=True, slots=True)
class Features:
    keys: list[str]
    weights: list[float] | None  # None: every key counts 1
    dense: dict[str, float]


def _is_negator(tok: str) -> bool:
    return tok in NEGATORS or tok.endswith("n't")


def extract(text: str) -> Features:
    """Turn one text into sparse keys (+ optional weights) and dense features."""
    s = text.lower()
    if "\u2019" in s:
        s = s.replace("\u2019", "'")
    n_elong = 0
    if ELONG_RE.search(s):
        n_elong = len(ELONG_RE.findall(s))
        s = ELONG_RE.sub(r"\1\1", s)
    if "http" in s or "www." in s:
        s = URL_RE.sub(" _url_ ", s)
    if "@" in s:
        s = MENTION_RE.sub(" _user_ ", s)
    toks = TOKEN_RE.findall(s)
    tokset = set(toks)

    if tokset & NEGATORS or "n't" in s:
        out: list[str] = []
        scope = 0
        for tok in toks:
            if tok[0] in CLAUSE_PUNCT:
                scope = 0
                out.append(tok)
            elif _is_negator(tok):
                scope = 3
                out.append(tok)
            elif scope:
                scope -= 1
                out.append("NOT_" + tok)
            else:
                out.append(tok)
        toks = out

    words = [t for t in toks if t[0] not in ".,;:"]
    keys = words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]

    weights: list[float] | None = None
    if "but" in tokset and "but" in words:
        last_but = len(words) - 1 - words[::-1].index("but")
        uni = [0.5 if i < last_but else 1.5 if i > last_but else 1.0 for i in range(len(words))]
        weights = uni + [min(a, b) for a, b in zip(uni, uni[1:], strict=False)]

    dense = _dense(text, words, weights, n_elong)
    return Features(keys=keys, weights=weights, dense=dense)


def _dense(text: str, words: list[str], weights: list[float] | None, n_elong: int) -> dict[str, float]:
    lex = vader_lexicon()
    vals = list(map(lex.get, words, repeat(0.0)))
    if weights is not None:
        vals = [v * w for v, w in zip(vals, weights, strict=False)]
    if BOOSTERS.keys() & set(words):
        for i in range(1, len(words)):
            b = BOOSTERS.get(words[i - 1])
            if b and vals[i]:
                vals[i] += b if vals[i] > 0 else -b
    caps = CAPS_WORD_RE.findall(text)
    if caps and not text.isupper():
        capset = {c.lower() for c in caps}
        vals = [v + (CAPS_BOOST if v > 0 else -CAPS_BOOST) if v and w in capset else v
                for v, w in zip(vals, words, strict=False)]
    pos = sum(v for v in vals if v > 0)
    neg = -sum(v for v in vals if v < 0)
    total = pos - neg
    return {
        "vader_pos": min(pos, 12.0) / 4.0,
        "vader_neg": min(neg, 12.0) / 4.0,
        "vader_norm": total / math.sqrt(total * total + 15.0),
        "excl": min(text.count("!"), 4) / 4.0,
        "quest": min(text.count("?"), 4) / 4.0,
        "caps": min(len(caps), 4) / 4.0,
        "elong": min(n_elong, 3) / 3.0,
    }


@dataclass(frozen=True, slots=True)
class SentimentResult:
    score: float  # P(positive) - P(negative), in [-1, 1]
    label: str
    probs: dict[str, float]


def score(text: str) -> SentimentResult:
    """Score one text with the shipped weights (VADER valence alone if absent)."""
    return score_features(extract(text))


def score_features(f: Features) -> SentimentResult:
    w = sentiment_weights()
    if w.empty:  # no learned file: fall back to the VADER-style valence
        v = f.dense["vader_norm"]
        label = "negative" if v <= -0.05 else "positive" if v >= 0.05 else "neutral"
        return SentimentResult(v, label, {})
    if f.weights is None:
        zn = w.bias_neg + sum(map(w.neg.get, f.keys, repeat(0.0)))
        zp = w.bias_pos + sum(map(w.pos.get, f.keys, repeat(0.0)))
    else:
        zn = w.bias_neg + sum(w.neg.get(k, 0.0) * x for k, x in zip(f.keys, f.weights, strict=False))
        zp = w.bias_pos + sum(w.pos.get(k, 0.0) * x for k, x in zip(f.keys, f.weights, strict=False))
    for name, value in f.dense.items():
        if value:
            dn, dp = w.dense.get(name, (0.0, 0.0))
            zn += dn * value
            zp += dp * value
    m = max(zn, zp, 0.0)
    en, e0, ep = math.exp(zn - m), math.exp(-m), math.exp(zp - m)
    total = en + e0 + ep
    pn, p0, pp = en / total, e0 / total, ep / total
    label = "negative" if pn >= p0 and pn >= pp else "positive" if pp > p0 else "neutral"
    return SentimentResult(pp - pn, label, {"negative": pn, "neutral": p0, "positive": pp})
