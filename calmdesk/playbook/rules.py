"""Evaluate the policy's escalation rules against one conversation.

Pure: this says which rules match and which registered actions they ask
for, with typed parameters. Carrying them out (escalating, scheduling...)
is the desk's job, through `registry.dispatch` and its own handlers.
Signals are read from the customer's latest messages (since our last
reply), so a rule fires on what is happening now.
"""

from __future__ import annotations

from dataclasses import dataclass

from calmdesk.playbook.policy import Policy, level_at_least
from calmdesk.playbook.registry import ActionParams
from calmdesk.playbook.schema_ops import Condition
from calmdesk.playbook.views import ConversationView, signal_kinds


@dataclass(frozen=True)
class RuleMatch:
    index: int  # position in policy.rules
    name: str
    actions: list[tuple[str, ActionParams]]  # (registered action name, typed params)


# The conditions that read more than the conversation and its messages, and
# the part of the view each reads. The desk loads those parts (a few queries
# each) only where a rule could need them: see `parts_needed`.
COSTLY = {"min_contacts": "contacts", "habitual": "history", "min_abuse_warnings": "abuse_warnings"}
PARTS = frozenset(COSTLY.values())


def _checks(cond: Condition, conversation: ConversationView) -> dict[str, bool]:
    """Each condition the rule sets, by name: does it hold?"""
    c, customer = conversation, conversation.customer
    signals = signal_kinds(c, latest_only=True)
    return {
        "any_signal": cond.any_signal is None or bool(signals.intersection(cond.any_signal)),
        "all_signals": cond.all_signals is None or signals.issuperset(cond.all_signals),
        "min_difficulty": cond.min_difficulty is None or c.difficulty >= cond.min_difficulty,
        "level_at_least": cond.level_at_least is None
        or level_at_least(c.level, cond.level_at_least),
        "min_contacts": cond.min_contacts is None or customer.contact_count >= cond.min_contacts,
        "vip": cond.vip is None or customer.vip == cond.vip,
        "habitual": cond.habitual is None or customer.habitual == cond.habitual,
        "channels": cond.channels is None or c.channel in cond.channels,
        "sla_breached": cond.sla_breached is None or c.sla_breached == cond.sla_breached,
        "min_abuse_warnings": cond.min_abuse_warnings is None
        or c.abuse_warnings >= cond.min_abuse_warnings,
    }


def condition_holds(cond: Condition, conversation: ConversationView) -> bool:
    return all(_checks(cond, conversation).values())


def parts_needed(policy: Policy, conversation: ConversationView) -> set[str]:
    """The costly parts of the view (PARTS) that the rules could match on.

    `conversation` may leave those parts at their defaults. A rule whose other
    conditions fail cannot match whatever the parts hold; every other rule
    names the parts its costly conditions read. With those parts loaded,
    evaluate_rules answers exactly as it would with all of them.
    """
    out: set[str] = set()
    for rule in policy.rules:
        checks = _checks(rule.when, conversation)
        if all(ok for name, ok in checks.items() if name not in COSTLY):
            out.update(
                part for name, part in COSTLY.items() if getattr(rule.when, name) is not None
            )
    return out


def evaluate_rules(conversation: ConversationView, policy: Policy) -> list[RuleMatch]:
    """The rules whose conditions all hold, in policy order (a matching `stop` rule ends it)."""
    out: list[RuleMatch] = []
    for i, rule in enumerate(policy.rules):
        if not condition_holds(rule.when, conversation):
            continue
        out.append(RuleMatch(i, rule.name, [(a.action, a.typed) for a in rule.then]))
        if rule.stop:
            break
    return out
