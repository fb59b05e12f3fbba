"""assess_many's fast path for the rules backend: the same Assessments, batched.

`assess` judges one text at a time; a desk judges thousands, and most of them
are calm. Here a whole batch goes through each step together:

1. score_many: sentiment.extract + score_features for the whole batch (fold,
   tokenize, negation and intensifier marks, key weights, softmax) in a few
   passes over the joined texts;
2. the English check (three English stop words settle it; anything else
   goes through language.detect as in assess);
3. the gate of engine._needs_rules, as set operations over the batch;
4. texts the rules must read go through engine._judge, exactly as assess
   sends them; the rest (no cue word, no capitals, no !!) are calm by
   construction, and their Assessment is built from the sentiment alone,
   with the same arithmetic as the full path. A text whose only cues are
   two-word ones ("tomorrow" ... "need") has those patterns tried first:
   when none matches, the rules would find nothing, so it is calm too.

Every result equals engine._assess for the same text (tests/analysis
compares the two on hundreds of varied texts).
"""

from __future__ import annotations

import gc
import math
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate, chain, compress, islice, repeat
from operator import add, contains, ge, mul, sub
from string import ascii_lowercase
from typing import Any

from calmdesk.analysis import emotions as emotion_rules
from calmdesk.analysis import engine, language, scoring, signals
from calmdesk.analysis.lexicon import SentimentWeights, sentiment_weights
from calmdesk.analysis.sentiment import (
    ASCII_ELONG_RE,
    ASCII_TABLE,
    ASCII_WORD_RE,
    BOOST_RE,
    BOOSTERS,
    CAPS_WORD_RE,
    DANGLING_RE,
    MARK_CHARS,
    MENTION_RE,
    NEG_SCOPE_RE,
    NEG_TEMPLATE,
    NEGATORS,
    URL_RE,
    extract,
    score_features,
)
from calmdesk.analysis.sentiment import ZERO as NO_WEIGHT
from calmdesk.analysis.text import MAX_CHARS, Doc, fold
from calmdesk.analysis.types import Assessment

STOP_EN = language.STOP["en"]
GATE_WORDS = engine.CUE_WORDS | {"*", "$"}  # words that always need the rules
PUNCT_RUN_RE = re.compile(r"[!?][!?]")  # "!!", "??", "?!" or "!?"
ZERO = emotion_rules.ZERO
ENGINE = "rules"


def assess_rules_many(
    texts: Sequence[str], context: Mapping[str, Any] | None = None
) -> list[Assessment]:
    """[engine._assess(t, context, None, "rules") for t in texts], batched."""
    with collector_off():
        return _assess_all(texts, context)


@contextmanager
def collector_off() -> Iterator[None]:
    """The garbage collector paused, if it was running: a batch makes many
    short-lived containers and no cycles, so its scans would be wasted."""
    collect = gc.isenabled()
    if collect:
        gc.disable()
    try:
        yield
    finally:
        if collect:
            gc.enable()


def _assess_all(texts: Sequence[str], context: Mapping[str, Any] | None) -> list[Assessment]:
    out: list[Assessment | None] = [None] * len(texts)
    short = [i for i, t in enumerate(texts) if len(t) <= MAX_CHARS]
    if len(short) < len(texts):  # truncated texts: one at a time, as assess does
        for i in sorted(set(range(len(texts))).difference(short)):
            out[i] = engine._assess(texts[i], context, None, ENGINE)
    if short:
        batch = [texts[i] for i in short]
        for i, a in zip(short, _assess_short(batch, context), strict=True):
            out[i] = a
    return out  # type: ignore[return-value]


def _assess_short(texts: list[str], context: Mapping[str, Any] | None) -> list[Assessment]:
    n = len(texts)
    lows = list(map(fold, texts))
    sc = score_many(texts, lows)
    words, n_caps = sc.words, sc.n_caps
    prior = signals.prior_contacts(context)
    english = list(map(ge, map(len, map(STOP_EN.intersection, words)), repeat(3)))
    if prior:
        calm = [False] * n
    else:  # engine._needs_rules, negated, over the whole batch
        calm = list(map(GATE_WORDS.isdisjoint, words))
        for k in compress(range(n), calm):
            t = texts[k]
            if n_caps[k] >= 2 or PUNCT_RUN_RE.search(t) or t.isupper():
                calm[k] = False
            elif not engine.PAIR_GATES.isdisjoint(words[k]) and engine._pair_present(words[k]):
                calm[k] = None  # only two-word cues: see first whether their patterns match
    out: list[Assessment] = []
    append = out.append
    conf_of: dict[tuple[float, int], float] = {}
    en = language.ENGLISH
    for k, t in enumerate(texts):
        lang = en if english[k] else language.detect(t, words[k])
        toks = sc.toks[k]
        quiet, doc = calm[k], None
        if quiet is None and lang.readable:
            doc = Doc(t, lows[k], words[k], len(toks), False, sc.elongated[k], n_caps[k])
            quiet = _pairs_quiet(doc)
        if not lang.readable or not quiet:
            if doc is None:
                doc = Doc(t, lows[k], words[k], len(toks), False, sc.elongated[k], n_caps[k])
            if not lang.readable:
                append(engine._unreadable(doc, lang, context, prior, ENGINE))
            else:
                pol, lab = sc.polarity[k], sc.label[k]
                judged = engine._judge(
                    doc, lang, toks, pol, lab, context, prior, None, ENGINE, True
                )
                append(judged)
            continue
        # calm: no signals, no emotions, no abuse; only the sentiment can say something
        pol = sc.polarity[k]
        if pol < 0:
            difficulty, level = scoring.calm_difficulty(pol)
            reasons = []
            if pol <= -0.35:
                doc = Doc(t, lows[k], words[k], len(toks), False, sc.elongated[k], n_caps[k])
                neg = engine.negative_words(doc, toks, [])
                if neg:
                    reasons.append(f"Negative tone: {scoring.quote(neg)}")
            if not reasons and level == "calm":
                reasons.append(engine.NOTHING_FOUND)
        else:
            difficulty, level, reasons = 0, "calm", [engine.NOTHING_FOUND]
        n_words = len(toks)
        confidence = conf_of.get((lang.confidence, n_words))
        if confidence is None:
            confidence = round(lang.confidence * min(1.0, 0.55 + 0.09 * n_words), 4)
            conf_of[lang.confidence, n_words] = confidence
        append(
            Assessment(
                round(pol, 4),
                sc.label[k],
                ZERO.copy(),
                0.0,
                [],
                difficulty,
                level,
                reasons,
                lang.code,
                confidence,
                ENGINE,
            )
        )
    return out


def _pairs_quiet(doc: Doc) -> bool:
    """Do none of the two-word cues and emotion phrases that `doc` opens match?

    Called only for texts with no single cue word, no capitals, no !! and no
    context: then these cues are all the rules could find (no abuse, no
    shouting, no emotion word), so if none matches, the rules find nothing
    and the text is calm, exactly as the full path would say.
    """
    words, low = doc.words, doc.low
    if "*" in low or "$" in low:  # ("＊" folds to "*") signals.detect looks for masked abuse
        return False
    for word in words & signals.ALL_GATES:
        for _, cue in signals.CUE_INDEX[word]:
            if (not cue.need or cue.need & words) and signals._run_cues(doc, [cue]):
                return False
    for word in words & emotion_rules.PHRASE_INDEX.keys():
        for _, pattern, _, need in emotion_rules.PHRASE_INDEX[word]:
            if (not need or need & words) and pattern.search(low):
                return False
    return True


# --- sentiment for many texts: extract + score_features, batched ------------
# Texts are joined with SEP: no pattern above can match across it ("\n" ends
# every [ \t]+, \\S+ and \\w+ run; the look-behinds see "\n" as they would
# see the start of a text), and "\x00" survives the token table, so one pass
# over the joined string does what one pass per text did.
SEP = "\n\x00\n"
_SEP_TABLE = ASCII_TABLE[:0] + b"\x00" + ASCII_TABLE[1:]
_TRIPLES = tuple(c * 3 for c in ascii_lowercase)  # ASCII_ELONG_RE needs one of them


@dataclass(slots=True)
class Scored:
    """score_many's answer, one entry per text in each column."""

    toks: list[list[str]]  # the unigram keys (Features.keys[:n_tokens])
    words: list[set[str] | frozenset[str]]  # Features.words
    n_caps: list[int]
    elongated: list[bool]  # Features.dense["elong"] > 0
    polarity: list[float]  # SentimentResult.score
    label: list[str]


def score_many(texts: Sequence[str], lows: Sequence[str]) -> Scored:
    """extract + score_features for many texts (lows[i] == fold(texts[i])).

    Plain-ASCII texts go through the batch passes; any other text (and every
    text when no weights file is shipped) through extract() on its own.
    """
    n = len(texts)
    out = Scored([[]] * n, [frozenset()] * n, [0] * n, [False] * n, [0.0] * n, [""] * n)
    w = sentiment_weights()
    fast = (
        [] if w.empty else [i for i, low in enumerate(lows) if low.isascii() and "\x00" not in low]
    )
    if len(fast) < n:
        for i in sorted(set(range(n)).difference(fast)):
            f = extract(texts[i], lows[i])
            r = score_features(f)
            out.toks[i], out.words[i], out.n_caps[i] = f.keys[: f.n_tokens], f.words, f.n_caps
            out.elongated[i], out.polarity[i], out.label[i] = f.dense["elong"] > 0, r.score, r.label
    if fast:
        _score_ascii([texts[i] for i in fast], [lows[i] for i in fast], out, fast, w)
    return out


def _score_ascii(
    texts: list[str], lows: list[str], out: Scored, where: list[int], w: SentimentWeights
) -> None:
    n = len(texts)
    joined = SEP.join(lows)
    # elongation ("sooo"): rare, so found with str.find and handled per text
    starts = [0, *accumulate(len(low) + len(SEP) for low in lows[:-1])]
    n_elong, plains = [0] * n, {}
    for triple in _TRIPLES:
        pos = joined.find(triple)
        while pos != -1:
            k = bisect_right(starts, pos) - 1
            plains[k] = lows[k]
            pos = joined.find(triple, starts[k + 1]) if k + 1 < n else -1
    if plains:
        s_list = list(lows)
        for k, low in plains.items():
            n_elong[k] = len(ASCII_ELONG_RE.findall(low))
            plains[k] = ASCII_ELONG_RE.sub(r"\1", low)
            s_list[k] = ASCII_ELONG_RE.sub(r"\1\1", low)
        joined = SEP.join(s_list)
    if "http" in joined or "www." in joined:
        joined = URL_RE.sub(" _url_ ", joined)
    if "@" in joined:
        joined = MENTION_RE.sub(" _user_ ", joined)
    s_list = joined.split(SEP)
    toks_list = _ascii_split(joined)
    words = list(map(set, toks_list))
    for k, plain in plains.items():
        words[k].update(ASCII_WORD_RE.findall(plain))
    for ch in MARK_CHARS:
        for k in compress(range(n), map(contains, texts, repeat(ch))):
            words[k].add(ch)
    # negation and intensifiers: only the texts that have a negator / booster
    marked: dict[int, str] = {}
    neg = [
        k
        for k, free, s in zip(range(n), map(NEGATORS.isdisjoint, words), s_list, strict=True)
        if not free or "n't" in s
    ]
    if neg:
        done = NEG_SCOPE_RE.sub(NEG_TEMPLATE, SEP.join([s_list[k] for k in neg]))
        if "NOT_" in done:
            done = DANGLING_RE.sub("", done)
        marked.update(zip(neg, done.split(SEP), strict=True))
    boost = [k for k, free in enumerate(map(BOOSTERS.isdisjoint, words)) if not free]
    if boost:  # "really bad" is keyed "really INT_bad"
        done = BOOST_RE.sub(r"\1 INT_\2", SEP.join([marked.get(k, s_list[k]) for k in boost]))
        marked.update(zip(boost, done.split(SEP), strict=True))
    if marked:
        for k, toks in zip(marked, _ascii_split(SEP.join(marked.values())), strict=True):
            toks_list[k] = toks
    but = [  # contrast: what follows "but" is what they mean
        k for k in compress(range(n), map(contains, words, repeat("but"))) if "but" in toks_list[k]
    ]
    z = _sums(toks_list, w, but)
    n_caps = list(map(len, map(CAPS_WORD_RE.findall, texts)))
    pol, lab = _softmax(
        z,
        map(str.count, texts, repeat("!")),
        map(str.count, texts, repeat("?")),
        n_caps,
        n_elong,
        w,
    )
    for k, i in enumerate(where):
        out.toks[i], out.words[i], out.n_caps[i] = toks_list[k], words[k], n_caps[k]
        out.elongated[i], out.polarity[i], out.label[i] = n_elong[k] > 0, pol[k], lab[k]


def _ascii_split(joined: str) -> list[list[str]]:
    """_ascii_tokens of each SEP-separated part of `joined`."""
    table = joined.encode("ascii").translate(_SEP_TABLE).decode("ascii")
    return list(map(str.split, table.split("\x00")))


def _sums(toks_list: list[list[str]], w: SentimentWeights, but: list[int]) -> list:
    """Per text: sum of the key weights (unigrams, then bigrams), in extract()'s order.

    A bigram "a b" is looked up as pairs[a][b]: the same value as both["a b"]
    without building the string. Texts in `but` (those with a "but" token)
    get extract()'s contrast weights.
    """
    flat = list(chain.from_iterable(toks_list))
    ends = list(accumulate(map(len, toks_list)))
    starts = [0, *ends[:-1]]
    uni = list(map(w.both.get, flat, NO_WEIGHT))
    parts = map(uni.__getitem__, map(slice, starts, ends))
    if w.bigrams:
        inner = map(_pairs(w).get, flat, repeat(_NO_PAIRS))
        bi = list(map(dict.get, inner, islice(flat, 1, None), NO_WEIGHT))
        parts = map(add, parts, map(bi.__getitem__, map(slice, starts, map(sub, ends, repeat(1)))))
    parts = list(parts)
    for k in but:
        toks = toks_list[k]
        last_but = len(toks) - 1 - toks[::-1].index("but")
        uni_w = [0.5] * last_but + [1.0] + [1.5] * (len(toks) - last_but - 1)
        weights = uni_w + list(map(min, uni_w, uni_w[1:])) if w.bigrams else uni_w
        parts[k] = list(map(mul, parts[k], weights))
    return list(map(sum, parts))


_NO_PAIRS: dict[str, complex] = {}
_PAIRS: list = [None, {}]  # [the weights they were made from, first -> second -> weight]


def _pairs(w: SentimentWeights) -> dict[str, dict[str, complex]]:
    """w.both's bigram keys as first word -> second word -> weight (made once per weights)."""
    if _PAIRS[0] is not w:
        pairs: dict[str, dict[str, complex]] = {}
        for key, value in w.both.items():
            parts = key.split(" ")
            if len(parts) == 2:
                pairs.setdefault(parts[0], {})[parts[1]] = value
        _PAIRS[:] = [w, pairs]
    return _PAIRS[1]


def _dense_table(w: SentimentWeights, name: str, cap: int) -> list[tuple[float, float]]:
    """(w_neg * value, w_pos * value) for each count 0..cap, value = min(count, cap) / cap."""
    dn, dp = w.dense.get(name, (0.0, 0.0))
    return [(0.0, 0.0)] + [
        (dn * (c / float(cap)), dp * (c / float(cap))) for c in range(1, cap + 1)
    ]


def _softmax(z, excl, quest, caps, elong, w: SentimentWeights) -> tuple[list[float], list[str]]:
    """score_features' arithmetic, operation for operation, for each text."""
    tables = (
        _dense_table(w, "excl", 4),
        _dense_table(w, "quest", 4),
        _dense_table(w, "caps", 4),
        _dense_table(w, "elong", 3),
    )
    (te, tq, tc, tl), exp = tables, math.exp
    bias_neg, bias_pos = w.bias_neg, w.bias_pos
    pol: list[float] = []
    lab: list[str] = []
    for zz, ne, nq, nc, nl in zip(z, excl, quest, caps, elong, strict=True):
        zn, zp = bias_neg + zz.real, bias_pos + zz.imag
        if ne:
            dn, dp = te[ne if ne < 4 else 4]
            zn += dn
            zp += dp
        if nq:
            dn, dp = tq[nq if nq < 4 else 4]
            zn += dn
            zp += dp
        if nc:
            dn, dp = tc[nc if nc < 4 else 4]
            zn += dn
            zp += dp
        if nl:
            dn, dp = tl[nl if nl < 3 else 3]
            zn += dn
            zp += dp
        m = max(zn, zp, 0.0)
        en, e0, ep = exp(zn - m), exp(-m), exp(zp - m)
        total = en + e0 + ep
        pn, p0, pp = en / total, e0 / total, ep / total
        pol.append(pp - pn)
        lab.append("negative" if pn >= p0 and pn >= pp else "positive" if pp > p0 else "neutral")
    return pol, lab
