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
        | 0.4: keeps keep bothering bother confusing confused complicated difficult seriously
        again still hours weeks forever waiting broken glitch glitchy doesn't won't can't"""
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

# Phrases: (pattern, weight); each runs only if its first gate word is present.
EMOTION_PHRASES: dict[str, tuple[tuple[re.Pattern[str], float, frozenset[str]], ...]] = {
    "anger": (
        (re.compile(r"\b(?:how\s+dare\s+you|this\s+is\s+(?:a\s+)?(?:joke|disgrace|scandal))\b"), 0.8, frozenset({"dare", "joke", "disgrace", "scandal"})),
        (re.compile(r"\b(?:not\s+happy|so\s+mad|beyond\s+(?:angry|furious|mad)|had\s+it)\b"), 0.6, frozenset({"happy", "mad", "beyond", "had"})),
    ),
    "frustration": (
        (re.compile(r"\b(?:fed\s+up|sick\s+(?:and\s+tired\s+)?of|tired\s+of|waste\s+of\s+(?:my\s+)?time|going\s+round\s+in\s+circles|(?:still|keeps?)\s+(?:not\s+)?(?:working|happening|failing))\b"), 0.8, frozenset({"fed", "sick", "tired", "waste", "circles", "still", "keep", "keeps"})),
        (re.compile(r"\b(?:why\s+is\s+(?:it|this)\s+so\s+(?:hard|difficult)|doesn't\s+work|does\s+not\s+work|not\s+working|can't\s+get)\b"), 0.6, frozenset({"hard", "difficult", "work", "working", "get"})),
    ),
    "disappointment": (
        (re.compile(r"\b(?:let\s+(?:me|us)\s+down|expected\s+(?:better|more)|not\s+what\s+i\s+(?:expected|ordered|paid\s+for)|used\s+to\s+be\s+(?:good|great|better)|not\s+(?:happy|impressed|satisfied|pleased))\b"), 0.75, frozenset({"let", "expected", "ordered", "paid", "used", "happy", "impressed", "satisfied", "pleased"})),
    ),
    "anxiety": (
        (re.compile(r"\b(?:what\s+if|i\s+don't\s+know\s+what\s+to\s+do|please\s+help|need\s+help|losing\s+sleep|on\s+edge)\b"), 0.6, frozenset({"if", "know", "help", "sleep", "edge"})),
    ),
    "gratitude": (
        (re.compile(r"\b(?:much\s+appreciated|you(?:'re|\s+are)\s+(?:a\s+)?(?:star|lifesaver|the\s+best)|made\s+my\s+day)\b"), 0.8, frozenset({"appreciated", "star", "lifesaver", "best", "day"})),
    ),
}

INTENSIFIERS = frozenset(
    split_words("so very really extremely incredibly absolutely totally utterly completely truly deeply beyond")
)
