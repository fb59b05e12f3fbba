"""Find the new text of an email reply: strip quoted history and signatures.

Pure functions, no Django. `split_reply(text)` returns (new_text, removed);
`strip_reply(text)` returns only the new text, or the whole text when
stripping would leave nothing (a message that is all quote is kept as is).

What counts as quoted history:
- an attribution line such as "On Mon, 3 Jun 2024, Support <s@x> wrote:"
  (also split over two or three lines, and a few other languages),
- Outlook's "-----Original Message-----" and its header block
  ("From: …" followed by "Sent:"/"Date:", "To:", "Subject:"),
  optionally after a "________" rule,
- lines starting with ">".
When the customer answered inline (text between quoted lines), the quoted
lines and the attribution are removed and the answers kept.

What counts as a signature: everything after a "-- " line, a mobile
footer ("Sent from my iPhone", "Get Outlook for Android", …), or a
sign-off line ("Thanks,", "Kind regards", …) followed only by a few short
lines such as a name, a title and a phone number.
"""

from __future__ import annotations

import re

_ATTRIBUTION_START = re.compile(
    r"^\s*(on|le|am|el|op|il|em|den|på)\s.{4,}", re.IGNORECASE
)  # fmt: skip
_ATTRIBUTION_END = re.compile(
    r"(wrote|a écrit|schrieb|escribió|schreef|ha scritto|escreveu|skrev)\b[^:]*:\s*$",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|"
    r"mensaje original|oorspronkelijk bericht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{8,}\s*$")
_HEADER = re.compile(r"^\s*\**\s*(from|von|de|van|da)\s*:\**\s*\S", re.IGNORECASE)
_HEADER_FOLLOW = re.compile(
    r"^\s*\**\s*(sent|date|to|subject|cc|gesendet|an|betreff|envoyé|objet|à|enviado|"
    r"para|asunto|verzonden|aan|onderwerp)\s*:",
    re.IGNORECASE,
)
_SIG_DELIMITER = re.compile(r"^-- ?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(sent from my \w+|sent from (mail|outlook|yahoo mail|gmail)\b.*|"
    r"get outlook for \w+|sent from my (iphone|ipad|android|samsung|galaxy|mobile|phone).*|"
    r"envoyé de mon \w+|von meinem \w+ gesendet)\s*\.?\s*$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(thanks|thank you|thanks again|many thanks|thanks in advance|cheers|best|"
    r"best regards|best wishes|kind regards|warm regards|warmest regards|regards|"
    r"sincerely|yours sincerely|yours truly|respectfully|all the best|take care|"
    r"with thanks|mit freundlichen grüßen|viele grüße|cordialement|saludos)"
    r"\s*[,.!]*\s*$",
    re.IGNORECASE,
)
_MAX_SIGNATURE_LINES = 5
_MAX_SIGNATURE_LINE_CHARS = 60


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_at(lines: list[str], i: int) -> int:
    """Number of lines (1–3) of an "On … wrote:" attribution starting at i, or 0."""
    if not _ATTRIBUTION_START.match(lines[i]):
        return 0
    joined = lines[i]
    for n in range(1, 4):
        if _ATTRIBUTION_END.search(joined):
            # Real attributions carry a date or an address, not just words.
            return n if re.search(r"[0-9@]", joined) else 0
        if i + n >= len(lines) or not lines[i + n].strip():
            return 0
        joined += " " + lines[i + n].strip()
    return 0


def _outlook_header_at(lines: list[str], i: int) -> bool:
    """True when lines[i] starts a "From: … Sent: … To: …" block."""
    if not _HEADER.match(lines[i]):
        return False
    follow = [line for line in lines[i + 1 : i + 6] if line.strip()]
    return sum(1 for line in follow if _HEADER_FOLLOW.match(line)) >= 2


def _only_quotes_below(lines: list[str]) -> bool:
    """True when nothing but quoted, blank or signature lines follow."""
    rest = [line for line in lines if line.strip() and not _is_quote(line)]
    return not _strip_signature(rest)[0].strip()


def _find_history(lines: list[str]) -> tuple[int, int]:
    """(index where quoted history starts, length of its attribution), or (-1, 0)."""
    for i, line in enumerate(lines):
        if _ORIGINAL_MESSAGE.match(line):
            return i, 1
        if _RULE.match(line) and i + 1 < len(lines) and _outlook_header_at(lines, i + 1):
            return i, 1
        if _outlook_header_at(lines, i):
            return i, 0
        n = _attribution_at(lines, i)
        if n:
            return i, n
    return -1, 0


def _strip_signature(lines: list[str]) -> tuple[str, str]:
    """Split lines into (text, signature) at the first signature marker."""
    for i, line in enumerate(lines):
        if _SIG_DELIMITER.match(line.rstrip("\r")) or _MOBILE_FOOTER.match(line):
            return "\n".join(lines[:i]), "\n".join(lines[i:])
    # A sign-off followed by a short block (name, title, phone) ends the text.
    for i in range(len(lines) - 1, -1, -1):
        if not _SIGN_OFF.match(lines[i]):
            continue
        tail = [line for line in lines[i + 1 :] if line.strip()]
        if len(tail) <= _MAX_SIGNATURE_LINES and all(
            len(line.strip()) <= _MAX_SIGNATURE_LINE_CHARS for line in tail
        ):
            return "\n".join(lines[:i]), "\n".join(lines[i:])
        break
    return "\n".join(lines), ""


def split_reply(text: str) -> tuple[str, str]:
    """Split an email body into (new text, removed quotes and signature).

    Both parts are trimmed of blank lines at the ends; the new text may be
    empty (see `strip_reply`).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    removed: list[str] = []
    start, attribution = _find_history(lines)
    if start >= 0:
        below = lines[start + attribution :]
        if attribution == 0 or _only_quotes_below(below) or not any(map(_is_quote, below)):
            removed.extend(lines[start:])
            lines = lines[:start]
        else:  # inline answers between quoted lines: keep the answers
            removed.extend(lines[start : start + attribution])
            lines = lines[:start] + below
    kept = []
    for line in lines:
        (removed if _is_quote(line) else kept).append(line)
    body, signature = _strip_signature(kept)
    if signature:
        removed.insert(0, signature)
    return body.strip("\n").rstrip(), "\n".join(removed).strip("\n")


def strip_reply(text: str) -> str:
    """The new text of an email reply; the whole text if nothing new is left."""
    new, _removed = split_reply(text)
    return new if new.strip() else text.strip()
