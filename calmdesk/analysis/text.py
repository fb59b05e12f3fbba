"""The analysed text: one lower-cased copy with the SAME offsets as the original.

Every evidence span the engine reports points into the caller's original
string, so all matching runs on `Doc.low`, a copy of the same length:
lower-cased character by character, with curly quotes, fullwidth letters
and similar look-alikes folded to ASCII one-for-one. Helpers here answer the
questions the signal rules ask about a match: is it negated, inside quotes,
or reported speech ("your agent said I should cancel")?
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from calmdesk.analysis.types import Span

# Work is capped: beyond this many characters the text is not read (the
# reasons say so). Every pattern below is linear, so this bounds the time.
MAX_CHARS = 100_000

WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
ELONG_RE = re.compile(r"([^\W\d_])\1{2,}")

_FOLD = {
    0x2019: "'",
    0x2018: "'",
    0x02BC: "'",
    0x201C: '"',
    0x201D: '"',
    0x201E: '"',
    0x00AB: '"',
    0x00BB: '"',
    0xFF02: '"',
    0xFF07: "'",
}
_FOLD.update({c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})  # fullwidth ASCII
_FOLD_TABLE = str.maketrans(_FOLD)

# Words that cancel what follows them in the same clause.
NEGATION_RE = re.compile(
    r"\b(?:not|no|never|nobody|none|nothing|neither|nor|without|"
    r"don't|dont|doesn't|doesnt|didn't|didnt|won't|wont|wouldn't|wouldnt|"
    r"isn't|isnt|aren't|arent|wasn't|wasnt|shouldn't|shouldnt|"
    r"haven't|havent|hasn't|hasnt|hadn't|hadnt|ain't|aint)\b"
)
# "won't let me cancel", "don't hesitate": the negation is of the obstacle, not the intent.
NEGATION_EXCEPT_RE = re.compile(
    r"\b(?:let|allow|allowing|lets|hesitate|stop|help|understand|know|care|tell\s+me)\b"
)
CLAUSE_BREAK_RE = re.compile(
    r"[.!?;,:\n()]|\b(?:but|and|or|otherwise|unless|so|because|if|then|yet)\b"
)
SENTENCE_BREAK_RE = re.compile(r"[.!?;\n]")
REPORT_RE = re.compile(
    r"\b(?:said|says|told|tells|suggested|suggests|recommended|recommends|advised|"
    r"advises|claimed|claims|mentioned|according\s+to|asked\s+me|wants\s+me)\b"
)
OWN_REPORT_RE = re.compile(
    r"\b(?:i|i've|i\s+have|i\s+had|i\s+already|i\s+just|i've\s+already)\s+"
    r"(?:said|told|suggested|mentioned|claimed|asked)\b"
)
QUOTED_RE = re.compile(r'"[^"\n]{1,500}"')


def fold(text: str) -> str:
    """Lower-case `text` without changing its length (so offsets stay valid)."""
    if text.isascii():
        return text.lower()
    low = text.translate(_FOLD_TABLE).lower()
    if len(low) != len(text):  # a few letters lower-case to two characters
        low = "".join(
            c if len(c) == 1 else ch for ch, c in zip(text, map(str.lower, text), strict=True)
        )
        low = low.translate(_FOLD_TABLE)
    return low


@dataclass
class Doc:
    """One text prepared for the rules: original, folded copy, and word set."""

    text: str
    low: str = ""
    words: frozenset[str] = frozenset()
    n_words: int = 0
    truncated: bool = False
    elongated: bool = False
    n_caps: int = -1  # words in capitals, when known (-1: not counted)
    _quoted: list[tuple[int, int]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, text: str) -> Doc:
        truncated = len(text) > MAX_CHARS
        if truncated:
            text = text[:MAX_CHARS]
        low = fold(text)
        tokens = WORD_RE.findall(low)
        words = set(tokens)
        elongated = ELONG_RE.search(low) is not None
        if elongated:  # "sooooo" also counts as "so"/"soo"
            words.update(WORD_RE.findall(ELONG_RE.sub(r"\1", low)))
            words.update(WORD_RE.findall(ELONG_RE.sub(r"\1\1", low)))
        return cls(text, low, frozenset(words), len(tokens), truncated, elongated)

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    # --- questions about a match at [start, end) -------------------------
    def clause_before(self, start: int, limit: int = 60) -> str:
        """The folded text from the last clause break before `start` up to it."""
        window = self.low[max(0, start - limit) : start]
        last = None
        for last in CLAUSE_BREAK_RE.finditer(window):  # noqa: B007 - want the last one
            pass
        return window[last.end() :] if last else window

    def sentence_before(self, start: int, limit: int = 80) -> str:
        window = self.low[max(0, start - limit) : start]
        last = None
        for last in SENTENCE_BREAK_RE.finditer(window):  # noqa: B007
            pass
        return window[last.end() :] if last else window

    def negated(self, start: int, limit: int = 40) -> bool:
        """Is there a negation shortly before `start` in the same clause?"""
        before = self.clause_before(start, limit)
        neg = None
        for neg in NEGATION_RE.finditer(before):  # noqa: B007
            pass
        if neg is None:
            return False
        return not NEGATION_EXCEPT_RE.search(before, neg.end())

    def quoted(self, start: int, end: int) -> bool:
        """Is [start, end) inside double quotes?"""
        if self._quoted is None:
            self._quoted = (
                [m.span() for m in QUOTED_RE.finditer(self.low)] if '"' in self.low else []
            )
        return any(a < start and end < b for a, b in self._quoted)

    def reported(self, start: int) -> bool:
        """Is the match what someone else said ("the agent told me to cancel")?"""
        before = self.sentence_before(start)
        report = None
        for report in REPORT_RE.finditer(before):  # noqa: B007
            pass
        if report is None:
            return False
        own = OWN_REPORT_RE.search(before, max(0, report.start() - 20))
        return not (own and own.end() >= report.end())

    def not_own(self, start: int, end: int) -> bool:
        """Negated, quoted or reported: not the customer's own statement."""
        return self.negated(start) or self.quoted(start, end) or self.reported(start)


def find_words(
    low: str, words: Iterable[str], limit: int = 50, *, stretchy: bool = False
) -> list[tuple[int, int, str]]:
    """Whole-word occurrences of `words` in `low`, in text order (at most `limit` each).

    str.find plus a boundary check: no regex per message. With `stretchy`
    (the text has elongations), a word not found as such is looked for with
    its letters repeated ("fuuuck" for "fuck").
    """
    out: list[tuple[int, int, str]] = []
    n = len(low)
    for word in words:
        size = len(word)
        pos = low.find(word)
        found = 0
        while pos != -1 and found < limit:
            end = pos + size
            # whole word: no letter, digit, "_" or "'" on either side (_is_word_char, inlined)
            before = low[pos - 1] if pos else " "
            after = low[end] if end < n else " "
            if not (before.isalnum() or before in "_'" or after.isalnum() or after in "_'"):
                out.append((pos, end, word))
                found += 1
            pos = low.find(word, pos + 1)
        if not found and stretchy:
            for m in _stretchy(word).finditer(low):
                out.append((m.start(), m.end(), word))
                found += 1
                if found >= limit:
                    break
    out.sort()
    return out


@functools.lru_cache(maxsize=2048)
def _stretchy(word: str) -> re.Pattern[str]:
    """'fuck' -> a pattern for f+u+c+k+ as a whole word (lexicon words only)."""
    return re.compile(r"(?<![\w'])" + "".join(re.escape(c) + "+" for c in word) + r"(?![\w'])")


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_'"
