"""Find the customer-service signals in a text, each with its evidence spans.

Cue-based kinds (threats, requests, repeat contact, urgency, sarcasm,
complaint) run the patterns in lexicon/cues.py; shouting, profanity and
insults have small detectors of their own here. A cue marked `own` is
dropped when it is negated ("I do not want to cancel"), inside quotes, or
reported speech ("your agent said I should cancel").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from calmdesk.analysis.lexicon import split_words
from calmdesk.analysis.lexicon.cues import (
    ABUSE_GATE,
    ACCUSATIONS,
    CUES,
    INSULT_TARGETS,
    INSULTS,
    MASKED_PROFANITY_RE,
    PROFANITY,
    Cue,
)
from calmdesk.analysis.text import WORD_RE, Doc, find_words
from calmdesk.analysis.types import Signal, Span

MAX_EVIDENCE = 5
MAX_MATCHES = 50  # per cue: bounds the work on huge or repetitive texts

# gate word -> the (kind, cue) pairs it opens; a message runs only the cues its words open.
CUE_INDEX: dict[str, list[tuple[str, Cue]]] = {}
for _kind, _cues in CUES.items():
    for _cue in _cues:
        for _word in _cue.gate:
            CUE_INDEX.setdefault(_word, []).append((_kind, _cue))
ALL_GATES = frozenset(CUE_INDEX)
CUE_ORDER = {id(c): n for n, c in enumerate(c for cues in CUES.values() for c in cues)}

CAPS_RUN_RE = re.compile(r"[A-Z][A-Z']{2,}(?:[ \t,]+[A-Z][A-Z']*)*\b")
PUNCT_RUN_RE = re.compile(r"[!?]{2,}|[!?](?:\s[!?]){2,}")
ACRONYMS = frozenset(
    split_words("""USA UK EU ID PIN SMS FAQ URL API PDF USB TV DVD GPS CEO CFO HR IT ATM VAT GST UPS DHL
    FEDEX USPS TNT LOL OMG BTW IMO FYI NYC PM AM OK AKA ETA NFL NBA MLB NHL BBC CNN ABC NBC ESPN
    HBO ISP VPN WIFI SSN IRS DMV BBB FTC FCC CFPB IOS RSVP DIY TBH SMH LMAO LMFAO ROFL GOP MSNBC
    FBI CIA NASA UN UFC WWE NYPD LAPD PS4 XBOX IPHONE HD FM AC DC NHS UAE USSR NATO ASAP""")
)
SELF_RE = re.compile(
    r"\b(?:i'm|im|i\s+am|i\s+feel|i\s+felt|me\s+feel|i\s+was|i\s+look|myself|i\s+must\s+be)\s+(?:\w+\s+){0,2}$"
)
CALLED_ME_RE = re.compile(
    r"\bcalled\s+(?:me|us|my\s+\w+)\s+(?:an?\s+)?$|\b(?:said|told)\s+(?:me|us)\b"
)


def _merge(kind: str, hits: list[tuple[float, Span]]) -> Signal | None:
    if not hits:
        return None
    hits.sort(key=lambda h: h[1].start)
    spans: list[Span] = []
    miss = 1.0
    for weight, span in hits:
        if spans and span.start < spans[-1].end:  # overlapping: keep the longer
            if span.end - span.start > spans[-1].end - spans[-1].start:
                spans[-1] = span
            miss *= 1.0 - weight * 0.5
            continue
        spans.append(span)
        miss *= 1.0 - weight
    return Signal(kind, round(min(1.0, 1.0 - miss), 4), spans[:MAX_EVIDENCE])


def _run_cues(doc: Doc, cues: Iterable[Cue]) -> list[tuple[float, Span]]:
    hits: list[tuple[float, Span]] = []
    for c in cues:
        for n, m in enumerate(c.pattern.finditer(doc.low)):
            if n >= MAX_MATCHES:
                break
            s, e = m.span()
            if e <= s or (c.word_start and s and _word_char(doc.low[s - 1])):
                continue
            if c.own and doc.not_own(s, e):
                continue
            if not c.own and doc.quoted(s, e) and c.pattern.pattern[0] != '"':
                continue
            hits.append((c.weight, doc.span(s, e)))
    return hits


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ch == "'"


def _target_near(doc: Doc, s: int, e: int) -> bool:
    window = doc.low[max(0, s - 40) : min(len(doc.low), e + 25)]
    return bool(INSULT_TARGETS.intersection(WORD_RE.findall(window)))


def _abusive_words(doc: Doc, words: frozenset[str]) -> tuple[list, list, float]:
    """Profanity and insults: signal hits plus an abuse score."""
    profane: list[tuple[float, Span]] = []
    insults: list[tuple[float, Span]] = []
    abuse_miss = 1.0
    found = words & PROFANITY.keys()
    matches: list[tuple[int, int, str]] = []
    if found:
        matches += find_words(doc.low, found, MAX_MATCHES, stretchy=doc.elongated)
    if "*" in doc.low or "$" in doc.low or "!" in doc.low:
        for n, m in enumerate(MASKED_PROFANITY_RE.finditer(doc.low)):
            if n >= MAX_MATCHES:
                break
            matches.append((m.start(), m.end(), "fuck"))
    for s, e, word in matches:
        if doc.quoted(s, e):
            continue
        weight = PROFANITY.get(word, 0.9)
        aimed = _target_near(doc, s, e)
        profane.append((weight, doc.span(s, e)))
        abuse_miss *= 1.0 - weight * (0.9 if aimed else 0.55)
    found = words & INSULTS.keys()
    if found:
        for s, e, word in find_words(doc.low, found, MAX_MATCHES, stretchy=doc.elongated):
            before = doc.clause_before(s, 40)
            if SELF_RE.search(before) or CALLED_ME_RE.search(before) or doc.not_own(s, e):
                continue
            weight = INSULTS[word]
            aimed = _target_near(doc, s, e)
            if aimed or word in ACCUSATIONS:
                insults.append((weight if aimed else weight * 0.8, doc.span(s, e)))
                abuse_miss *= 1.0 - weight * 0.9
            else:  # an insult at someone else: abusive language, not aimed at us
                abuse_miss *= 1.0 - weight * 0.5
    return profane, insults, 1.0 - abuse_miss


def shouting(doc: Doc) -> Signal | None:
    text = doc.text
    hits: list[tuple[float, Span]] = []
    upper = text.isupper()
    if upper and len(WORD_RE.findall(text, 0, 200)) >= 3:  # the whole message in capitals
        hits.append((0.8, doc.span(0, len(text.rstrip()))))
    elif doc.n_caps < 0 or doc.n_caps >= 2:
        runs = []
        for n, m in enumerate(CAPS_RUN_RE.finditer(text)):
            if n >= MAX_MATCHES:
                break
            if m.start() and _word_char(text[m.start() - 1]):
                continue
            caps = [
                w for w in m.group().replace(",", " ").split() if len(w) >= 3 and w not in ACRONYMS
            ]
            if caps:
                runs.append((len(caps), m))
        if sum(n for n, _ in runs) >= 2:
            for n, m in runs:
                hits.append((min(0.9, 0.3 + 0.15 * n), doc.span(*m.span())))
    if "!!" in text or "??" in text or "?!" in text or "!?" in text:
        for n, m in enumerate(PUNCT_RUN_RE.finditer(text)):
            if n >= MAX_MATCHES:
                break
            hits.append((0.7 if len(m.group()) >= 3 else 0.5, doc.span(*m.span())))
    return _merge("shouting", hits)


def detect(doc: Doc, context: Mapping[str, Any] | None = None) -> tuple[list[Signal], float]:
    """All signals in `doc` (strongest first) and the abuse score 0..1."""
    words = doc.words
    out: list[Signal] = []
    gated = words & ALL_GATES
    if gated:
        todo: dict[str, dict[int, Cue]] = {}
        for word in gated:
            for kind, c in CUE_INDEX[word]:
                if not c.need or c.need & words:
                    todo.setdefault(kind, {})[CUE_ORDER[id(c)]] = c
        for kind in CUES:
            if kind in todo:
                cues = [todo[kind][k] for k in sorted(todo[kind])]
                sig = _merge(kind, _run_cues(doc, cues))
                if sig:
                    out.append(sig)
    abuse = 0.0
    if words & ABUSE_GATE or "*" in doc.low or "$" in doc.low:
        profane, insults, abuse = _abusive_words(doc, words)
        for kind, hits in (("profanity", profane), ("insult", insults)):
            sig = _merge(kind, hits)
            if sig:
                out.append(sig)
    shout = shouting(doc)
    if shout:
        out.append(shout)
    harm = next((s for s in out if s.kind == "threat_of_harm"), None)
    if harm:
        abuse = 1.0 - (1.0 - abuse) * (1.0 - harm.score)
    prior = prior_contacts(context)
    if prior:
        out = _with_prior_contacts(out, prior)
    out.sort(key=lambda s: -s.score)
    return out, round(min(1.0, abuse), 4)


def prior_contacts(context: Mapping[str, Any] | None) -> int:
    if not context:
        return 0
    try:
        return max(0, int(context.get("prior_contacts") or 0))
    except (TypeError, ValueError):
        return 0


def _with_prior_contacts(signals: list[Signal], prior: int) -> list[Signal]:
    """Context says the customer wrote before: raise (or add) repeat_contact."""
    boost = min(0.9, 0.35 + 0.2 * prior)
    rest = [s for s in signals if s.kind != "repeat_contact"]
    old = next((s for s in signals if s.kind == "repeat_contact"), None)
    if old is None:
        return [*rest, Signal("repeat_contact", boost, [])]
    score = 1.0 - (1.0 - old.score) * (1.0 - boost)
    return [*rest, Signal("repeat_contact", round(score, 4), old.evidence)]
