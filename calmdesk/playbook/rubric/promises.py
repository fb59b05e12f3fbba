"""Checks on what a reply promises: a time for every action, nothing the policy forbids."""

from __future__ import annotations

import re

from calmdesk.playbook.compiled import spans
from calmdesk.playbook.rubric.state import CoachState, sentence_bounds
from calmdesk.playbook.timefmt import add_business_minutes, find_times, say_due

_PROMISE = re.compile(
    r"\b(?:will|shall|going to|can expect|should (?:arrive|receive|get|have|see|be))\b|'ll\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?P<cur>[€$£])\s?(?P<a>\d{1,3}(?:[,.]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"|(?P<b>\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\s?(?P<unit>EUR|USD|GBP|euros?|dollars?|pounds?)\b",
    re.IGNORECASE,
)
_OPTION_WORDS = (
    ("store_credit", re.compile(r"\b(?:store credit|account credit|credit)\b", re.IGNORECASE)),
    ("fee_waiver", re.compile(r"\b(?:waive\w*|fee)\b", re.IGNORECASE)),
    ("voucher", re.compile(r"\b(?:voucher|gift card|coupon|code)\b", re.IGNORECASE)),
    ("discount", re.compile(r"\b(?:discount|off)\b", re.IGNORECASE)),
    ("replacement", re.compile(r"\breplace\w*\b", re.IGNORECASE)),
    ("refund", re.compile(r"\b(?:refund\w*|reimburs\w*|money back|compensat\w*)\b", re.IGNORECASE)),
)
_LEAD_IN = re.compile(r"^(?:by|before|on|within|in|until)\b", re.IGNORECASE)


def _amount(m: re.Match[str]) -> float:
    raw = m["a"] or m["b"] or "0"
    if re.search(r"[.,]\d{3}\b", raw) and not re.search(r"[.,]\d{1,2}$", raw):
        raw = re.sub(r"[.,]", "", raw)
    return float(raw.replace(",", "")) if "." in raw else float(raw.replace(",", "."))


def check_amounts(st: CoachState) -> None:
    symbol = st.policy.compensation.symbol
    for m in _AMOUNT.finditer(st.reply):
        s0, e0 = sentence_bounds(st.reply, m.start())
        sentence = st.reply[s0:e0]
        option = next((key for key, rx in _OPTION_WORDS if rx.search(sentence)), None)
        if option is None or option not in st.policy.compensation.options:
            continue
        limit = st.policy.limit(st.role, option, st.habitual)
        if _amount(m) <= limit:
            continue
        shown = f"{symbol}{limit:g}"
        st.add(
            "unauthorized_promise",
            m.start(),
            m.end(),
            f"compensation.limits.{st.role}.{option}",
            shown,
            f"Above the {st.role} limit for {option.replace('_', ' ')} ({shown}): "
            "offer up to the limit, or ask for approval before promising more.",
        )


def check_times(st: CoachState) -> None:
    cal, now = st.ctx.calendar, st.ctx.now
    mentions = find_times(st.reply, now, cal)
    next_due = add_business_minutes(now, st.target.next_response, cal)
    for t in mentions:
        s0, e0 = sentence_bounds(st.reply, t.start)
        sentence = st.reply[s0:e0]
        if not _PROMISE.search(sentence):
            continue
        if t.deadline >= next_due:
            continue
        when = say_due(next_due, now, cal)
        st.add(
            "unauthorized_promise",
            t.start,
            t.end,
            f"sla.targets.{st.ctx.channel}.next_response",
            f"by {when}" if _LEAD_IN.match(t.text) else when,
            "A shorter time than the SLA can keep: under-promise and over-deliver.",
        )
    if mentions or st.has("vague_time"):
        return
    for s, _e in spans(st.rx.commitment, st.reply):
        _, end = sentence_bounds(st.reply, s)
        st.add(
            "no_time",
            end,
            end,
            "coaching.commitment_cues",
            f" by {st.ctx.time}",
            "Say by when: a concrete day the SLA can keep.",
        )
        return
    if st.required("time") and not st.public and "?" not in st.reply:
        end = len(st.reply.rstrip())
        st.add(
            "no_time",
            end,
            end,
            "coaching.required.time",
            f"\n\nI will update you by {st.ctx.time}.",
            "Tell them what happens next and by when.",
        )
