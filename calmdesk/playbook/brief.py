"""The hand-over brief: everything the next agent needs so the customer never repeats themselves.

Built from the conversation (the customer's own words, what our replies
covered and promised, how the customer's mood moved) plus the promise
ledger and compensation records the desk passes in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from calmdesk.playbook.compiled import compiled, spans
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.recommend import recommend
from calmdesk.playbook.rubric.coach import coach
from calmdesk.playbook.steps import track_steps
from calmdesk.playbook.text import conversation_issue, customer_wants, extract_issue
from calmdesk.playbook.views import (
    CommitmentView,
    CompensationView,
    ConversationView,
    signal_kinds,
)

_OPTION_WORDS = {
    "refund": "refund",
    "replacement": "replacement",
    "store credit": "store credit",
    "voucher": "voucher",
    "discount": "discount",
    "waive": "fee waiver",
}


@dataclass(frozen=True)
class Brief:
    issue: str
    wants: str
    tried: list[str]
    promises: list[str]
    compensation: list[str]
    trajectory: str
    avoid: list[str]
    next_step: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_text(self) -> str:
        def block(title: str, items: list[str]) -> str:
            body = "\n".join(f"  - {i}" for i in items) if items else "  - none"
            return f"{title}:\n{body}"

        return "\n".join(
            [
                f"Issue: {self.issue}",
                f"Wants: {self.wants}",
                block("Tried so far", self.tried),
                block("Promises", self.promises),
                block("Compensation", self.compensation),
                f"Emotional trajectory: {self.trajectory}",
                block("Avoid saying", self.avoid),
                f"Next step: {self.next_step}",
            ]
        )


def _issue(conversation: ConversationView) -> str:
    who = conversation.customer.first_name or "The customer"
    first = extract_issue(conversation.inbound()[:2]) or conversation_issue(conversation)
    if first:
        return f'{who} says: "{first.customer_words}".'
    body = conversation.inbound()[0].body if conversation.inbound() else ""
    words = " ".join(body.split()[:25]) or conversation.subject or "not stated yet"
    return f'{who} wrote: "{words}" (no clear problem statement yet).'


def _trajectory(conversation: ConversationView) -> str:
    points = [
        (m.assessment.level, m.assessment.difficulty)
        for m in conversation.inbound()
        if m.assessment
    ]
    if not points:
        return f"{conversation.level} (no analysis per message)"
    path = " -> ".join(level for level, _ in points)
    delta = points[-1][1] - points[0][1]
    trend = "escalating" if delta >= 10 else "calming" if delta <= -10 else "steady"
    return f"{path} ({trend}; difficulty {points[0][1]} -> {points[-1][1]})"


def _tried(conversation: ConversationView, policy: Policy) -> list[str]:
    out = conversation.outbound()
    if not out:
        return ["No reply sent yet."]
    items = [f"{len(out)} repl{'y' if len(out) == 1 else 'ies'} sent."]
    covered = [s.title for s in track_steps(conversation, policy).steps if s.covered]
    if covered:
        items.append("Steps covered: " + ", ".join(covered) + ".")
    text = " ".join(m.body.lower() for m in out)
    offered = sorted({label for word, label in _OPTION_WORDS.items() if word in text})
    if offered:
        items.append("Options mentioned: " + ", ".join(offered) + ".")
    for note in conversation.notes()[-2:]:
        items.append("Note: " + " ".join(note.body.split()[:30]))
    return items


def _promises(
    conversation: ConversationView, policy: Policy, commitments: Iterable[CommitmentView]
) -> list[str]:
    listed = [
        f"{c.text} (due {c.due_at:%a %d %b %H:%M %Z}, {c.state})"
        if c.due_at
        else f"{c.text} ({c.state})"
        for c in commitments
    ]
    if listed:
        return listed
    found = []
    for msg in conversation.outbound():
        body = msg.body.replace("\u2019", "'")
        for s, _ in spans(compiled(policy).commitment, body):
            end = min((i for i in (body.find(c, s) for c in ".!?\n") if i >= 0), default=len(body))
            found.append(f"{body[s:end].strip()} (said {msg.sent_at:%a %d %b})")
    return found


def _avoid(conversation: ConversationView, policy: Policy) -> list[str]:
    signals = signal_kinds(conversation)
    items = [
        "Do not ask them to explain the problem again; it is all above.",
        "Do not contradict their account of what happened.",
    ]
    if signals & {"insult", "profanity", "threat_of_harm"}:
        items.append(
            "Do not answer the abuse itself; use the boundary statement if it happens again."
        )
    if signals & {"legal_threat", "chargeback_threat"}:
        items.append("Do not admit liability or discuss legal matters; a manager handles that.")
    if "escalation_request" in signals:
        items.append("Do not refuse to involve someone senior; say what you can do yourself.")
    said: set[str] = set()
    for msg in conversation.outbound():
        for f in coach(msg.body, None, policy, now=msg.sent_at).findings:
            if (
                f.kind in {"blame", "contradiction", "emotional_reaction"}
                and f.text.lower() not in said
            ):
                said.add(f.text.lower())
                items.append(
                    f'Already said, do not repeat: "{f.text}" ({f.kind.replace("_", " ")}).'
                )
    return items


def brief(
    conversation: ConversationView,
    policy: Policy,
    commitments: Iterable[CommitmentView] = (),
    compensations: Iterable[CompensationView] = (),
    now: datetime | None = None,
) -> Brief:
    """A structured hand-over summary of the conversation."""
    wants = customer_wants(conversation)
    comp = [
        f"{c.kind.replace('_', ' ')}"
        + (f" {c.amount:g} {c.currency}" if c.amount is not None else "")
        + f" ({c.state}{', approved by ' + c.approved_by if c.approved_by else ''})"
        for c in compensations
    ]
    recs = recommend(conversation, policy, now=now)
    firsts = [r for r in recs if r.kind != "next_step"][:2]
    step = next((r for r in recs if r.kind == "next_step"), None)
    parts = [f"{r.title}: {r.detail}" for r in firsts] + (
        [f"Then: {step.title.removeprefix('Next step: ')}."] if step else []
    )
    next_step = " ".join(parts) or "Close the conversation and record the root cause."
    return Brief(
        issue=_issue(conversation),
        wants=", ".join(wants) if wants else "not stated yet",
        tried=_tried(conversation, policy),
        promises=_promises(conversation, policy, commitments),
        compensation=comp,
        trajectory=_trajectory(conversation),
        avoid=_avoid(conversation, policy),
        next_step=next_step,
    )
