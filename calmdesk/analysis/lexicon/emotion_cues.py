"""Calmdesk's cue lexicons for the five emotions the desk tracks.

Single words (looked up in the message's word set: cheap) and a few
phrases (regular expressions, gated by a word). Weights are how strongly the
cue alone signals the emotion, 0..1. Hand-written from support-coaching
knowledge and common emotion vocabularies; not fitted to any data set.
"""

from __future__ import annotations

import re

from calmdesk.analysis.lexicon import split_words


def _words(spec: str) -> dict[str, float]:
    """'0.8: angry furious | 0.5: mad' -> {angry: .8, furious: .8, mad: .5}."""
    out: dict[str, float] = {}
    for group in spec.split("|"):
        weight, _, words = group.partition(":")
        for w in words.split():
            out[w] = float(weight)
    return out


EMOTION_WORDS: dict[str, dict[str, float]] = {
    "anger": _words(
        """0.9: furious livid outraged enraged fuming seething infuriated infuriating incensed
        irate raging rage outrage
        | 0.75: angry angrier angriest anger pissed disgusted disgusting disgraceful appalling
        appalled outrageous unacceptable hate hated hating despise loathe sick scandalous
        insulting insulted offended offensive furiously angrily inexcusable unforgivable
        | 0.55: mad ridiculous absurd shameful shocking scam ripoff robbery theft thieves
        stole stolen cheated lied lies lying bullshit wtf fuck fucking screw hateful
        resent resentful grr grrr hostile annoyed bitter damn"""
    ),
    "frustration": _words(
        """0.8: frustrated frustrating frustration fed exasperated exasperating infuriating
        | 0.6: annoyed annoying annoyance irritated irritating irritates tired sick hassle
        nightmare useless pointless ridiculous ugh argh waste wasted wasting
        runaround impossible stuck endless nobody unresolved unanswered ignored ignoring
        | 0.4: keeps bothering bother confusing confused complicated seriously again forever
        waiting broken glitch glitchy"""
    ),
    "disappointment": _words(
        """0.85: disappointed disappointing disappointment letdown underwhelming underwhelmed
        dissatisfied unsatisfied unhappy
        | 0.6: shame pity sadly unfortunately regret regrets regretting sad saddened
        mediocre subpar lackluster worse worst poor poorly
        | 0.4: meh bummer expected hoped"""
    ),
    "anxiety": _words(
        """0.85: anxious worried worrying nervous panicking panic scared terrified frightened
        afraid desperate distressed
        | 0.6: worry worries concerned concern concerning stressed stressful stress uneasy
        fear fearful unsure uncertain alarmed alarming dread dreading
        | 0.35: urgent urgently asap"""
    ),
    "gratitude": _words(
        """0.9: thanks thank thankful grateful gratitude appreciate appreciated appreciation
        appreciative thx thanx tysm
        | 0.6: cheers kudos ty obliged blessed lifesaver"""
    ),
}

# Phrases: (pattern, weight, gate, need): a phrase runs only when one of its
# gate words and (if `need` is given) one of its need words are present.
Phrase = tuple[re.Pattern[str], float, frozenset[str], frozenset[str]]


def _phrase(pattern: str, weight: float, gate: str, need: str = "") -> Phrase:
    return re.compile(pattern), weight, frozenset(split_words(gate)), frozenset(split_words(need))


EMOTION_PHRASES: dict[str, tuple[Phrase, ...]] = {
    "anger": (
        _phrase(
            r"\b(?:how\s+dare\s+you|this\s+is\s+(?:a\s+)?(?:joke|disgrace|scandal))\b",
            0.8,
            "dare joke disgrace scandal",
            "dare this",
        ),
        _phrase(
            r"\b(?:so\s+mad|beyond\s+(?:angry|furious|mad)|had\s+enough|i(?:'ve|\s+have)\s+had\s+it)\b",
            0.6,
            "mad beyond enough",
            "so beyond had",
        ),
        _phrase(r"\bnot\s+happy\b", 0.5, "happy", "not"),
    ),
    "frustration": (
        _phrase(
            r"\b(?:fed\s+up|sick\s+(?:and\s+tired\s+)?of|tired\s+of|waste\s+of\s+(?:my\s+)?time|going\s+round\s+in\s+circles)\b",
            0.8,
            "fed sick tired waste circles",
        ),
        _phrase(
            r"\b(?:still|keeps?)\s+(?:not\s+)?(?:working|happening|failing|crashing)\b",
            0.7,
            "working happening failing crashing",
            "still keep keeps",
        ),
        _phrase(
            r"\bwhy\s+is\s+(?:it|this)\s+so\s+(?:hard|difficult)\b", 0.6, "hard difficult", "why"
        ),
        _phrase(
            r"\b(?:doesn't|does\s+not|isn't|is\s+not|not)\s+work(?:ing)?\b",
            0.6,
            "work working",
            "doesn't not isn't",
        ),
    ),
    "disappointment": (
        _phrase(r"\blet\s+(?:me|us)\s+down\b", 0.8, "let", "down"),
        _phrase(
            r"\b(?:expected\s+(?:better|more)|not\s+what\s+i\s+(?:expected|ordered|paid\s+for))\b",
            0.75,
            "expected ordered paid",
            "better more not",
        ),
        _phrase(r"\bused\s+to\s+be\s+(?:good|great|better)\b", 0.7, "used", "be"),
        _phrase(
            r"\bnot\s+(?:happy|impressed|satisfied|pleased)\b",
            0.75,
            "happy impressed satisfied pleased",
            "not",
        ),
    ),
    "anxiety": (
        _phrase(r"\bwhat\s+if\b", 0.4, "if", "what"),
        _phrase(
            r"\b(?:i\s+don't\s+know\s+what\s+to\s+do|please\s+help|need\s+help|losing\s+sleep|on\s+edge)\b",
            0.6,
            "know help sleep edge",
            "don't please need losing on",
        ),
    ),
    "gratitude": (
        _phrase(r"\bmuch\s+appreciated\b", 0.8, "appreciated"),
        _phrase(
            r"\byou(?:'re|\s+are)\s+(?:a\s+)?(?:star|lifesaver|the\s+best)\b",
            0.8,
            "star lifesaver best",
            "you're you",
        ),
        _phrase(r"\bmade\s+my\s+day\b", 0.8, "day", "made"),
    ),
}

INTENSIFIERS = frozenset(
    split_words(
        "so very really extremely incredibly absolutely totally utterly completely truly deeply beyond"
    )
)
