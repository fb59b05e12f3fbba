"""The rules engine's sentiment scorer: a fast linear model over words.

One feature extractor serves both training (lexicon/build.py) and scoring,
so what was learned is exactly what is applied:

- lower-cased words, numbers, emoji and !/? runs; elongations collapsed
  ("sooooo" -> "soo"); mentions and links replaced by placeholders;
- negation: up to three words after "not", "never", "n't"... (until the next
  punctuation) are keyed "NOT_word", and their VADER valence flips (x -0.74);
- contrast: words before "but" count half, words after it count 1.5x;
- intensifiers: a word after "really", "so", "extremely"... is keyed
  "INT_word" (its VADER valence x1.3);
- bigrams of neighbouring words;
- VADER's valence of each word (and emoji), folded into the key weights by
  the build script; a few dense features: "!" and "?" counts, CAPS words,
  elongations.

Scoring is dictionary look-ups and sums (no per-character Python loops), with
every extra pass gated by a cheap check, so a tweet costs a few microseconds.
batch.score_many does the same for a whole batch with a handful of passes
over the joined texts; it gives exactly what extract + score_features give
one text at a time, so a change here must be mirrored there (the tests in
tests/analysis/test_batch.py compare the two).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import repeat
from operator import add, mul

from calmdesk.analysis.lexicon import sentiment_weights, split_words, vader_lexicon
from calmdesk.analysis.text import fold

EMOJI_CLASS = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
# Tokens: runs of letters/digits (with inner apostrophes) and single emoji;
# punctuation only ends a negation's scope ("!" and "?" are dense features).
# NOT_ / INT_ mark a negated / intensified word. Plain-ASCII text (most
# messages) is split with a byte translation table: ~6x faster than a regex.
TOKEN_RE = re.compile(rf"(?:NOT_|INT_)?[^\W_]+(?:'[^\W_]+)*|[{EMOJI_CLASS}]")
_KEEP = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'_")
ASCII_TABLE = bytes(c if c in _KEEP else 32 for c in range(256))
WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
ASCII_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
ELONG_RE = re.compile(r"([^\W\d_])\1\1+")
ASCII_ELONG_RE = re.compile(r"([a-z])\1\1+")
URL_RE = re.compile(r"(?:https?://|www\.)\S+")
MENTION_RE = re.compile(r"@\w+")
MARK_CHARS = '!?"/*$'
CAPS_WORD_RE = re.compile(r"[A-Z][A-Z']{2,}\b")

NEGATORS = frozenset(
    split_words("""not no never none nothing nowhere neither nor without cannot cant dont
    doesnt didnt isnt wasnt werent arent aint wont wouldnt shouldnt couldnt
    havent hasnt hadnt nope rarely seldom""")
)
# Intensifiers (VADER's booster idea, our own list): the next word is keyed INT_word.
BOOSTERS = frozenset(
    split_words("""absolutely completely extremely incredibly really so very totally
    utterly truly deeply highly hugely especially particularly super
    seriously insanely ridiculously terribly awfully fucking freaking
    damn most entirely thoroughly""")
)

_W = r"[^\W_]+(?:'[^\W_]+)*"
_NEG = "|".join(sorted(NEGATORS, key=len, reverse=True))
# A negator and up to three words after it, up to the next punctuation; a
# fixed template (no Python callback) marks them: "not NOT_very NOT_good".
NEG_SCOPE_RE = re.compile(
    rf"(?<![\w'])({_NEG}|[^\W_]+n't)[ \t]+({_W})(?:[ \t]+({_W}))?(?:[ \t]+({_W}))?"
)
NEG_TEMPLATE = r"\1 NOT_\2 NOT_\3 NOT_\4"
DANGLING_RE = re.compile(r"NOT_(?![^\W_])")
BOOST_RE = re.compile(rf"(?<![\w'])({'|'.join(sorted(BOOSTERS))})[ \t]+([^\W\d_])")
DENSE = ("excl", "quest", "caps", "elong")
VADER_DENSE = ("vader_pos", "vader_neg")  # folded into key weights by build.py
SPACE = repeat(" ")
ZERO = repeat(0j)


@dataclass(slots=True)
class Features:
    keys: list[str]
    weights: list[float] | None  # None: every key counts 1
    dense: dict[str, float]
    words: set[str] | frozenset[str] = frozenset()  # the plain lower-cased words (no NOT_ marks)
    n_tokens: int = 0
    n_caps: int = 0  # words of 3+ capital letters


def _ascii_tokens(s: str) -> list[str]:
    return s.encode("ascii").translate(ASCII_TABLE).decode("ascii").split()


def extract(text: str, low: str | None = None, *, bigrams: bool | None = None) -> Features:
    """Turn one text into sparse keys (+ optional weights) and dense features.

    `low` may pass fold(text), the lower-cased copy (saves a pass). `bigrams`:
    also key word pairs (default: when the shipped weights have any).
    """
    s = fold(text) if low is None else low
    ascii_only = s.isascii()
    elong_re = ASCII_ELONG_RE if ascii_only else ELONG_RE
    tokenize = _ascii_tokens if ascii_only else TOKEN_RE.findall
    n_elong = 0
    plain = s
    if elong_re.search(s):
        n_elong = len(elong_re.findall(s))
        plain = elong_re.sub(r"\1", s)
        s = elong_re.sub(r"\1\1", s)
    if "http" in s or "www." in s:
        s = URL_RE.sub(" _url_ ", s)
    if "@" in s:
        s = MENTION_RE.sub(" _user_ ", s)
    toks = tokenize(s)
    words = set(toks)
    if n_elong:
        words.update((ASCII_WORD_RE if ascii_only else WORD_RE).findall(plain))
    for ch in MARK_CHARS:  # so cues can require them ("now!", "/s", scare quotes)
        if ch in text:
            words.add(ch)
    marked = s
    if words & NEGATORS or "n't" in s:
        marked = NEG_SCOPE_RE.sub(NEG_TEMPLATE, marked)
        if "NOT_" in marked:
            marked = DANGLING_RE.sub("", marked)
    if words & BOOSTERS:  # "really bad" is keyed "really INT_bad"
        marked = BOOST_RE.sub(r"\1 INT_\2", marked)
    if marked is not s:
        toks = tokenize(marked)

    if bigrams is None:
        bigrams = sentiment_weights().bigrams
    keys = toks + list(map(add, map(add, toks, SPACE), toks[1:])) if bigrams else toks

    weights: list[float] | None = None
    if "but" in words and "but" in toks:  # contrast: what follows "but" is what they mean
        last_but = len(toks) - 1 - toks[::-1].index("but")
        uni = [0.5] * last_but + [1.0] + [1.5] * (len(toks) - last_but - 1)
        weights = uni + list(map(min, uni, uni[1:])) if bigrams else uni

    n_excl, n_quest = text.count("!"), text.count("?")
    n_caps = len(CAPS_WORD_RE.findall(text))
    dense = {
        "excl": min(n_excl, 4) / 4.0 if n_excl else 0.0,
        "quest": min(n_quest, 4) / 4.0 if n_quest else 0.0,
        "caps": min(n_caps, 4) / 4.0 if n_caps else 0.0,
        "elong": min(n_elong, 3) / 3.0 if n_elong else 0.0,
    }
    return Features(keys, weights, dense, words, len(toks), n_caps)


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


@dataclass(slots=True)
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
        z = sum(map(w.both.get, f.keys, ZERO))
    else:
        z = sum(map(mul, map(w.both.get, f.keys, ZERO), f.weights))
    zn, zp = w.bias_neg + z.real, w.bias_pos + z.imag
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
