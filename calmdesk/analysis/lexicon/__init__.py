"""Lexicon data the rules engine reads, loaded once per process.

- VADER's word lexicon and emoji lexicon, read from the installed
  `vaderSentiment` package (used as data; VADER's own scorer is not used).
- `sentiment_weights.tsv`: token and bigram weights learned on public train
  splits by `python -m calmdesk.analysis.lexicon.build --data PATH`; its
  provenance is in PROVENANCE.md beside it.
- `cues.py`: Calmdesk's own hand-written cue lexicons for emotions, abuse and
  customer-service signals.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WEIGHTS_FILE = HERE / "sentiment_weights.tsv"

# VADER's constant for a negated word (its N_SCALAR).
NEGATION_SCALAR = -0.74
# and for an intensified word ("really bad"): VADER adds 0.293 to a 1..4 scale.
INTENSITY = 1.3


def split_words(spec: str) -> list[str]:
    """The whitespace-separated words of a lexicon literal."""
    return spec.split()


def _vader_dir() -> Path | None:
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def vader_lexicon() -> dict[str, float]:
    """word -> mean valence (-4..4) from VADER, plus emoji scored by their names.

    Also holds "NOT_word" -> valence * NEGATION_SCALAR and "INT_word" ->
    valence * INTENSITY, so a negated or intensified token (see sentiment.py)
    is looked up with the same dict access.
    """
    lex: dict[str, float] = {}
    folder = _vader_dir()
    if folder is None:  # vaderSentiment is a core dependency; degrade, never crash
        return lex
    with open(folder / "vader_lexicon.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                try:
                    lex[parts[0]] = float(parts[1])
                except ValueError:
                    continue
    emoji_path = folder / "emoji_utf8_lexicon.txt"
    if emoji_path.exists():
        with open(emoji_path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 2:
                    continue
                words = parts[1].lower().split()
                score = sum(lex.get(w, 0.0) for w in words)
                if score:
                    lex[parts[0]] = max(-4.0, min(4.0, score))
    for word, value in list(lex.items()):
        lex["NOT_" + word] = value * NEGATION_SCALAR
        lex["INT_" + word] = value * INTENSITY
    return lex


@dataclass(frozen=True, slots=True)
class SentimentWeights:
    """A 3-class linear model stored relative to the neutral class.

    score_neg = bias_neg + sum(neg[key]); score_pos likewise; neutral is 0.
    dense holds (name -> (w_neg, w_pos)) for the few numeric features.
    """

    neg: dict[str, float]
    pos: dict[str, float]
    bias_neg: float
    bias_pos: float
    dense: dict[str, tuple[float, float]]
    # key -> complex(w_neg, w_pos): one look-up and one sum give both scores.
    both: dict[str, complex] = field(default_factory=dict)
    bigrams: bool = True  # does the file weigh word pairs? (if not, none are made)

    @property
    def empty(self) -> bool:
        return not self.neg and not self.dense


@functools.cache
def sentiment_weights() -> SentimentWeights:
    """Load the learned token weights; empty (VADER lexicon only) if absent."""
    neg: dict[str, float] = {}
    pos: dict[str, float] = {}
    dense: dict[str, tuple[float, float]] = {}
    bias = (0.0, 0.0)
    if WEIGHTS_FILE.exists():
        with open(WEIGHTS_FILE, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#") or not line.strip():
                    continue
                key, wn, wp = line.rstrip("\n").split("\t")
                n, p = float(wn), float(wp)
                if not (math.isfinite(n) and math.isfinite(p)):
                    continue
                if key == "__bias__":
                    bias = (n, p)
                elif key.startswith("__dense__:"):
                    dense[key[len("__dense__:") :]] = (n, p)
                else:
                    if n:
                        neg[key] = n
                    if p:
                        pos[key] = p
    both = {k: complex(neg.get(k, 0.0), pos.get(k, 0.0)) for k in neg.keys() | pos.keys()}
    bigrams = any(" " in k for k in both)
    return SentimentWeights(neg, pos, bias[0], bias[1], dense, both, bigrams)
