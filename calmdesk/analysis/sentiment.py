"""The rules engine's sentiment scorer: a fast linear model over words.

One feature extractor serves both training (lexicon/build.py) and scoring,
so what was learned is exactly what is applied:

- lower-cased words, numbers, emoji and !/? runs; elongations collapsed
  ("sooooo" -> "soo"); mentions and links replaced by placeholders;
- negation: up to three words after "not", "never", "n't"... (until the next
  punctuation) are keyed "NOT_word", and their VADER valence flips (x -0.74);
- contrast: words before "but" count half, words after it count 1.5x;
- intensifiers: a word after "really", "so", "extremely"... counts 1.3x, after
  "slightly", "barely"... 0.7x;
- bigrams of neighbouring words;
- VADER's valence of each word (and emoji), folded into the key weights by
  the build script; a few dense features: "!" and "?" counts, CAPS words,
  elongations.

Scoring is dictionary look-ups and sums (no per-character Python loops), with
every extra pass gated by a cheap check, so a tweet costs a few microseconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import repeat
from operator import mul

from calmdesk.analysis.lexicon import sentiment_weights, vader_lexicon

EMOJI_CLASS = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
TOKEN_RE = re.compile(rf"[^\W\d_]+(?:'[^\W\d_]+)*|\d+|[!?]+|[{EMOJI_CLASS}]|[.,;:]")
ELONG_RE = re.compile(r"([^\W\d_])\1{2,}")
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
        0.3,
    ),
    **dict.fromkeys(
        "barely hardly slightly somewhat kinda kindof sorta marginally partly".split(), -0.3
    ),
}
DENSE = ("excl", "quest", "caps", "elong")
VADER_DENSE = ("vader_pos", "vader_neg")  # folded into key weights by build.py


@dataclass(frozen=True, slots=True)
class Features:
    keys: list[str]
    weights: list[float] | None  # None: every key counts 1
    dense: dict[str, float]


def _is_negator(tok: str) -> bool:
    return tok in NEGATORS or tok.endswith("n't")


def extract(text: str, low: str | None = None) -> Features:
    """Turn one text into sparse keys (+ optional weights) and dense features.

    `low` may pass an already lower-cased copy of `text` (saves a pass).
    """
    s = text.lower() if low is None else low
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
    has_but = "but" in tokset and "but" in words
    boosted = BOOSTERS.keys() & tokset
    if has_but or boosted:
        uni = [1.0] * len(words)
        if has_but:  # contrast: what follows "but" is what they mean
            last_but = len(words) - 1 - words[::-1].index("but")
            uni = [0.5 if i < last_but else 1.5 if i > last_but else 1.0 for i in range(len(words))]
        if boosted:  # "really bad" counts more than "bad", "slightly bad" less
            for i in range(1, len(words)):
                b = BOOSTERS.get(words[i - 1])
                if b:
                    uni[i] *= 1.0 + b
        weights = uni + [min(a, b) for a, b in zip(uni, uni[1:], strict=False)]

    dense = {
        "excl": min(text.count("!"), 4) / 4.0,
        "quest": min(text.count("?"), 4) / 4.0,
        "caps": min(len(CAPS_WORD_RE.findall(text)), 4) / 4.0 if not text.islower() else 0.0,
        "elong": min(n_elong, 3) / 3.0,
    }
    return Features(keys=keys, weights=weights, dense=dense)


def vader_sums(f: Features) -> tuple[float, float]:
    """Sums of positive and of negative VADER valence over the unigram keys.

    Linear in the keys, so lexicon/build.py folds it into each key's weight:
    the shipped weights already contain the VADER lexicon's say.
    """
    lex = vader_lexicon()
    uni = [k for k in f.keys if " " not in k]
    vals = list(map(lex.get, uni, repeat(0.0)))
    if f.weights is not None:
        vals = [v * w for v, w in zip(vals, f.weights, strict=False)]
    return sum(v for v in vals if v > 0), -sum(v for v in vals if v < 0)


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
        pos, neg = vader_sums(f)
        v = (pos - neg) / math.sqrt((pos - neg) ** 2 + 15.0)
        label = "negative" if v <= -0.05 else "positive" if v >= 0.05 else "neutral"
        return SentimentResult(v, label, {})
    if f.weights is None:
        zn = w.bias_neg + sum(map(w.neg.get, f.keys, repeat(0.0)))
        zp = w.bias_pos + sum(map(w.pos.get, f.keys, repeat(0.0)))
    else:
        zn = w.bias_neg + sum(map(mul, map(w.neg.get, f.keys, repeat(0.0)), f.weights))
        zp = w.bias_pos + sum(map(mul, map(w.pos.get, f.keys, repeat(0.0)), f.weights))
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
