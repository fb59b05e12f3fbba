"""Checks on the words themselves: phrases to avoid, shouting, apologies, personal data."""

from __future__ import annotations

import re

from calmdesk.playbook.compiled import spans
from calmdesk.playbook.context import render
from calmdesk.playbook.rubric.state import CoachState, at_sentence_start, match_case

_CAPS = re.compile(r"\b[A-Z][A-Z']*[A-Z]\b(?:[ \t]+\b[A-Z][A-Z']*[A-Z]\b)*")
_BANGS = re.compile(r"[!?]*!{2,}[!?]*|\?+!+[!?]*|!+\?+[!?]*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w#])\+?\d[\d ().-]{6,}\d(?!\w)")
_ORDER = re.compile(
    r"#\s?[A-Z]{0,3}-?\d{3,}\b"
    r"|\b(?:order|ref(?:erence)?|booking|ticket|case|invoice|account)(?: (?:no\.?|number|nr\.?|id))?"
    r"[\s:#]*[A-Z]{0,3}-?\d{3,}\b",
    re.IGNORECASE,
)
_SORRY = re.compile(r"sorry", re.IGNORECASE)
_APOLOGIZE = re.compile(r"apologi[sz]e|apologies", re.IGNORECASE)
_WE = re.compile(r"^(?:we|we're|we are)\b", re.IGNORECASE)


def check_phrases(st: CoachState) -> None:
    """Blame, contradiction, sarcasm and vague times, from the policy's avoid lists."""
    taken: list[tuple[int, int]] = []
    for rule in st.rx.avoid:
        for m in rule.regex.finditer(st.reply):
            s, e = m.start(), m.end()
            if e <= s or any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            suggestion = render(rule.rule.rewrite, st.ctx) if rule.rule.rewrite else ""
            suggestion = match_case(suggestion, at_sentence_start(st.reply, s))
            if suggestion.endswith(",") and st.reply[e : e + 1] in {",", ".", ";", ":"}:
                suggestion = suggestion[:-1]
            why = rule.rule.why or f"Avoid this ({rule.kind.replace('_', ' ')})."
            st.add(rule.kind, s, e, rule.path, suggestion, why)


def check_emotion(st: CoachState) -> None:
    cfg = st.policy.coaching.emotional_reaction
    for m in _CAPS.finditer(st.reply):
        words = [w for w in m.group(0).split() if w not in st.rx.acronyms]
        if not any(len(w.replace("'", "")) >= cfg.caps_min_letters for w in words):
            continue
        st.add(
            "emotional_reaction",
            m.start(),
            m.end(),
            "coaching.emotional_reaction.caps_min_letters",
            m.group(0).lower(),
            "Capitals read as shouting; write it in normal case.",
        )
    for m in _BANGS.finditer(st.reply):
        if m.group(0).count("!") > cfg.max_exclamations:
            st.add(
                "emotional_reaction",
                m.start(),
                m.end(),
                "coaching.emotional_reaction.max_exclamations",
                ".",
                "Several exclamation marks read as an emotional reaction.",
            )


def check_apologies(st: CoachState) -> None:
    cfg = st.policy.coaching.apology
    found = spans(st.rx.apology, st.reply)
    for s, e in found[cfg.limit :]:
        st.add(
            "over_apology",
            s,
            e,
            "coaching.apology.limit",
            "",
            f"Apologize once (the policy allows {cfg.limit}); repeating it sounds insincere.",
        )
    wrong = _SORRY if cfg.preferred == "I apologize" else _APOLOGIZE
    for s, e in found[: cfg.limit]:
        text = st.reply[s:e]
        if wrong.search(text):
            we = bool(_WE.match(text.strip()))
            if cfg.preferred == "I apologize":
                better = "We apologize" if we else "I apologize"
            else:
                better = "We're sorry" if we else "I'm sorry"
            st.add(
                "apology_wording",
                s,
                e,
                "coaching.apology.preferred",
                match_case(better, at_sentence_start(st.reply, s) or text.strip()[:1].isupper()),
                f'The policy prefers "{cfg.preferred}".',
            )
            break
    if not found and st.required("apology"):
        sample = render(st.policy.drafts.apology, st.ctx) + " "
        st.add(
            "missing_apology",
            0,
            0,
            "coaching.required.apology",
            sample,
            "The customer is upset: apologize once, early, without blame.",
        )


def _exempt(st: CoachState) -> list[tuple[int, int]]:
    out = []
    for contact in {st.ctx.contact, st.policy.public_reply.default_contact}:
        if contact:
            start = st.reply.find(contact)
            while start >= 0:
                out.append((start, start + len(contact)))
                start = st.reply.find(contact, start + 1)
    return out


_PRIVATE = {
    "email": "A public reply shows no email address except the team's public contact "
    "(public_reply.default_contact or the location's); take details to a private channel.",
    "phone": "A public reply shows no phone number except the team's public contact "
    "(public_reply.default_contact or the location's); take details to a private channel.",
    "order_number": "A public reply must not show the customer's order number; "
    "take details to a private channel.",
    "full_name": "A public reply must not show the customer's full name; "
    "use their first name only.",
}


def check_personal_data(st: CoachState) -> None:
    if not st.public:
        return
    forbid = set(st.policy.public_reply.forbid)
    exempt = _exempt(st)
    found: list[tuple[int, int, str, str]] = []
    if "email" in forbid:
        found += [(m.start(), m.end(), "email", "") for m in _EMAIL.finditer(st.reply)]
    if "phone" in forbid:
        found += [(m.start(), m.end(), "phone", "") for m in _PHONE.finditer(st.reply)]
    if "order_number" in forbid:
        found += [
            (m.start(), m.end(), "order_number", "your order") for m in _ORDER.finditer(st.reply)
        ]
    if "full_name" in forbid:
        parts = st.conversation.customer.name.split()
        for surname in parts[1:]:
            if len(surname) < 2:
                continue
            for m in re.finditer(
                rf"(?:\b{re.escape(parts[0])}\s+)?\b{re.escape(surname)}\b", st.reply
            ):
                found.append((m.start(), m.end(), "full_name", st.ctx.first_name))
    seen: list[tuple[int, int]] = []
    for s, e, what, suggestion in sorted(found):
        if any(s < xe and xs < e for xs, xe in exempt + seen):
            continue
        seen.append((s, e))
        st.add(
            "public_personal_data",
            s,
            e,
            f"public_reply.forbid.{what}",
            suggestion,
            _PRIVATE[what],
        )
