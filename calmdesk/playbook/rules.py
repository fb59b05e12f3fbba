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


def condition_holds(cond: Condition, conversation: ConversationView) -> bool:
    c, customer = conversation, conversation.customer
    signals = signal_kinds(c, latest_only=True)
    checks = [
        cond.any_signal is None or bool(signals.intersection(cond.any_signal)),
        cond.all_signals is None or signals.issuperset(cond.all_signals),
        cond.min_difficulty is None or c.difficulty >= cond.min_difficulty,
        cond.level_at_least is None or level_at_least(c.level, cond.level_at_least),
        cond.min_contacts is None or customer.contact_count >= cond.min_contacts,
        cond.vip is None or customer.vip == cond.vip,
        cond.habitual is None or customer.habitual == cond.habitual,
        cond.channels is None or c.channel in cond.channels,
        cond.sla_breached is None or c.sla_breached == cond.sla_breached,
        cond.min_abuse_warnings is None or c.abuse_warnings >= cond.min_abuse_warnings,
    ]
    return all(checks)


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
