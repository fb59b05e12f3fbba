"""Checks for what a reply must contain: acknowledgement, name, issue, options, boundary."""

from __future__ import annotations

import re

from calmdesk.playbook.compiled import any_match
from calmdesk.playbook.context import render
from calmdesk.playbook.rubric.state import CoachState
from calmdesk.playbook.text import mentions_any


def check_acknowledgement(st: CoachState) -> None:
    if not st.required("acknowledgement"):
        return
    if any_match(st.rx.step_cues["listen_acknowledge"], st.reply):
        return
    sample = render(st.policy.sample("listen_acknowledge", st.ctx.channel, st.ctx.tone), st.ctx)
    st.add(
        "missing_acknowledgement",
        0,
        0,
        "coaching.required.acknowledgement",
        sample + " ",
        "Start by repeating back what you heard, so they know they were listened to.",
    )


def check_personal(st: CoachState) -> None:
    first = st.ctx.first_name
    if (
        first
        and st.required("name")
        and not re.search(rf"\b{re.escape(first)}\b", st.reply, re.IGNORECASE)
    ):
        st.add(
            "impersonal",
            0,
            0,
            "coaching.required.name",
            render(st.policy.drafts.greeting, st.ctx) + "\n\n",
            "Use the customer's name.",
        )
    if not (st.ctx.issue and st.required("issue_reference")):
        return
    if mentions_any(st.reply, st.issue_words) or st.ctx.topic.lower() in st.reply.lower():
        return
    if st.public:
        suggestion = render("{apology} for the trouble with {topic}. ", st.ctx)
    else:
        suggestion = render("I understand that {issue}. ", st.ctx)
    st.add(
        "impersonal",
        0,
        0,
        "coaching.required.issue_reference",
        suggestion,
        "Refer to their specific issue, in their words; a generic reply feels like a script.",
    )


def options_text(st: CoachState) -> str:
    lines = [render(st.policy.drafts.options_intro, st.ctx)]
    for option in st.policy.options_for(st.role):
        info = st.policy.compensation.options[option]  # type: ignore[index]
        lines.append(
            render(st.policy.drafts.option_line, st.ctx, label=info.label, explain=info.explain)
        )
    return "\n".join(lines)


def check_options(st: CoachState) -> None:
    if not st.wants_remedy or st.public:
        return
    if any_match(st.rx.step_cues["offer_options"], st.reply):
        return
    end = len(st.reply.rstrip())
    st.add(
        "no_option",
        end,
        end,
        "framework.steps.3",
        "\n\n" + options_text(st),
        "The customer wants a remedy: offer choices within policy and explain each.",
    )


def check_boundary(st: CoachState) -> None:
    if not st.known:
        return
    cfg = st.policy.boundary
    triggers = set(cfg.trigger_signals)
    abusive = False
    for a in st.conversation.assessments(latest_only=True):
        if a.abuse >= cfg.min_abuse or any(s.kind in triggers and s.score > 0 for s in a.signals):
            abusive = True
    if not abusive or any_match(st.rx.boundary, st.reply):
        return
    final = st.conversation.abuse_warnings >= cfg.warnings_before_final
    message = cfg.final_warning_message if final else cfg.message
    st.add(
        "missing_boundary",
        0,
        0,
        "boundary.final_warning_message" if final else "boundary.message",
        message + " ",
        "The customer was abusive: state the boundary calmly, and do not answer the abuse itself.",
    )
