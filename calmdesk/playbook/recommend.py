"""Next steps for the agent on one conversation, most urgent first.

Combines what the analysis found (abuse, a repeat contact, a request for
someone senior, threats), the policy's escalation rules, the agent's
wellbeing and the framework's next step into a short ordered list.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from calmdesk.playbook.drafts import boundary_text, is_abusive
from calmdesk.playbook.policy import Policy
from calmdesk.playbook.registry import (
    EscalateParams,
    OfferCompensationTierParams,
    RequireApprovalParams,
    ScheduleFollowUpParams,
    SendBoundaryMessageParams,
)
from calmdesk.playbook.rules import evaluate_rules
from calmdesk.playbook.steps import track_steps
from calmdesk.playbook.views import AgentView, ConversationView, signal_kinds

_LADDER = {"none": 0, "lead": 1, "manager": 2}
_FOLLOW_UP_TITLES = {"survey": "Schedule a satisfaction survey", "callback": "Schedule a call back"}


@dataclass(frozen=True)
class Recommendation:
    kind: str  # set_boundary, escalate, establish_equality, next_step, ...
    title: str
    detail: str
    priority: int  # 1 = do this first
    source: str  # the policy rule or path behind it
    action: str | None = None  # a registry action name, when it comes from a rule
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _from_rules(conversation: ConversationView, policy: Policy) -> list[Recommendation]:
    out: list[Recommendation] = []
    for match in evaluate_rules(conversation, policy):
        src = f"rules.{match.index} ({match.name})"
        for name, p in match.actions:
            params = p.model_dump()
            if isinstance(p, EscalateParams):
                if _LADDER[conversation.escalation_level] >= _LADDER[p.to]:
                    continue
                why = f": {p.reason}" if p.reason else ""
                out.append(
                    Recommendation(
                        "escalate",
                        f"Escalate to a {p.to}",
                        f"{match.name}{why}. Hand over with a brief.",
                        2,
                        src,
                        name,
                        params,
                    )
                )
            elif isinstance(p, RequireApprovalParams):
                out.append(
                    Recommendation(
                        "require_approval",
                        f"Get a {p.role}'s approval",
                        f"Before {p.subject.replace('_', ' ')}, a {p.role} must approve ({match.name}).",
                        3,
                        src,
                        name,
                        params,
                    )
                )
            elif isinstance(p, OfferCompensationTierParams):
                tier = policy.compensation.tiers[p.tier]
                cap = (
                    f" up to {policy.compensation.symbol}{tier.max_amount:g}"
                    if tier.max_amount
                    else ""
                )
                options = ", ".join(o.replace("_", " ") for o in tier.options)
                out.append(
                    Recommendation(
                        "offer_compensation_tier",
                        f"Offer the {p.tier} tier",
                        f"Options: {options}{cap}.",
                        4,
                        src,
                        name,
                        params,
                    )
                )
            elif isinstance(p, ScheduleFollowUpParams):
                out.append(
                    Recommendation(
                        "schedule_follow_up",
                        _FOLLOW_UP_TITLES.get(p.kind, "Schedule a follow-up"),
                        f"{p.kind.replace('_', ' ')} in {p.after_business_days} business day(s).",
                        5,
                        src,
                        name,
                        params,
                    )
                )
            elif isinstance(p, SendBoundaryMessageParams) and not any(
                r.kind == "set_boundary" for r in out
            ):
                out.append(
                    Recommendation(
                        "set_boundary",
                        "Set a boundary first",
                        boundary_text(conversation, policy),
                        1,
                        src,
                        name,
                        params,
                    )
                )
    return out


def _merge_rule_actions(ruled: list[Recommendation], policy: Policy) -> list[Recommendation]:
    """One suggestion per decision when several matching rules ask for the same thing.

    Approvals for the same subject: the highest role asked for. Compensation:
    the highest tier asked for (tiers rank in the policy's order). Follow-ups:
    one per kind, the soonest. Every rule that asked stays named in `source`.
    """
    tiers = list(policy.compensation.tiers)

    def key(r: Recommendation) -> tuple:
        if r.kind == "require_approval":
            return (r.kind, r.params.get("subject"))
        if r.kind == "schedule_follow_up":
            return (r.kind, r.params.get("kind"))
        if r.kind == "offer_compensation_tier":
            return (r.kind,)
        return (r.kind, r.title, r.detail)

    def rank(r: Recommendation) -> tuple:
        if r.kind == "require_approval":
            return (_LADDER.get(r.params.get("role", ""), 0),)
        if r.kind == "offer_compensation_tier":
            tier = r.params.get("tier")
            return (tiers.index(tier) if tier in tiers else -1,)
        if r.kind == "schedule_follow_up":
            return (-int(r.params.get("after_business_days", 0)),)
        return (0,)

    groups: dict[tuple, list[Recommendation]] = {}
    for r in ruled:
        groups.setdefault(key(r), []).append(r)
    out = []
    for same in groups.values():
        best = max(same, key=rank)  # max keeps the first of equals
        sources = list(dict.fromkeys(r.source for r in same))
        out.append(
            dataclasses.replace(best, source="; ".join(sources)) if len(sources) > 1 else best
        )
    return out


def recommend(
    conversation: ConversationView,
    policy: Policy,
    agent: AgentView | None = None,
    now: datetime | None = None,
) -> list[Recommendation]:
    """What the agent should do next, most urgent first."""
    recs: list[Recommendation] = []
    signals = signal_kinds(conversation, latest_only=True)
    if is_abusive(conversation, policy):
        recs.append(
            Recommendation(
                "set_boundary",
                "Set a boundary first",
                boundary_text(conversation, policy) + " Do not answer the abuse itself.",
                1,
                "boundary.message",
            )
        )
        if conversation.abuse_warnings > policy.boundary.warnings_before_final:
            deciders = ", ".join(policy.boundary.deciders)
            recs.append(
                Recommendation(
                    "decide_pause_or_block",
                    "Ask for a pause or block decision",
                    f"The final warning was given; a {deciders} decides whether to pause the channel or block the contact, with a reason and a duration.",
                    1,
                    "boundary.deciders",
                )
            )
    if (
        agent
        and conversation.level in policy.wellbeing.count_levels
        and agent.hostile_this_shift >= policy.wellbeing.hostile_per_shift
    ):
        recs.append(
            Recommendation(
                "take_break",
                "Take a break; hand this one over",
                f"You have handled {agent.hostile_this_shift} hostile conversations this shift (threshold {policy.wellbeing.hostile_per_shift}). Take {policy.wellbeing.break_minutes} minutes and hand over with a brief.",
                1,
                "wellbeing.hostile_per_shift",
            )
        )
    if "legal_threat" in signals or "chargeback_threat" in signals:
        recs.append(
            Recommendation(
                "legal",
                "Do not discuss liability",
                "They mention legal action or a chargeback: stay factual, admit nothing about liability, involve a manager.",
                3,
                "rules",
            )
        )
    if "escalation_request" in signals:
        recs.append(
            Recommendation(
                "establish_equality",
                "Show you can solve it",
                "They asked for someone senior: say that you can resolve this yourself and what you will do; hand over with a brief only if they still want it or approval is needed.",
                3,
                "framework",
            )
        )
    if "repeat_contact" in signals or conversation.customer.contact_count >= 2:
        recs.append(
            Recommendation(
                "acknowledge_repeat",
                "Acknowledge the repeat contact",
                "They have written before: say you have read the history, and do not ask them to repeat anything.",
                3,
                "framework.steps.0",
            )
        )
    if "review_threat" in signals:
        recs.append(
            Recommendation(
                "resolve_privately",
                "Resolve it before it goes public",
                "They may post a review: fix it privately, now, and follow up.",
                4,
                "public_reply",
            )
        )
    if "churn_threat" in signals:
        recs.append(
            Recommendation(
                "retain",
                "Give them a reason to stay",
                "They may leave: offer options within policy and a concrete time.",
                4,
                "compensation",
            )
        )
    if policy.is_public(conversation.channel):
        target = policy.sla_target(conversation.channel, conversation.level)
        contact = (
            conversation.location.contact
            if conversation.location and conversation.location.contact
            else policy.public_reply.default_contact
        )
        recs.append(
            Recommendation(
                "move_private",
                "Reply publicly, then take it private",
                f"Answer within {target.public_response} business minutes: thank, apologize, never argue, no personal data; invite them to {contact}.",
                3,
                "public_reply",
            )
        )
    if conversation.customer.habitual:
        recs.append(
            Recommendation(
                "habitual",
                "Check the history before offering",
                f"The history points to a habitual claimant: limits are {policy.compensation.habitual_factor:g}x the usual.",
                4,
                "compensation.habitual_factor",
            )
        )
    ruled = [
        r
        for r in _from_rules(conversation, policy)
        if not (r.kind == "set_boundary" and any(x.kind == "set_boundary" for x in recs))
    ]
    top = max((_LADDER[r.params["to"]] for r in ruled if r.kind == "escalate"), default=0)
    ups = [r for r in ruled if r.kind == "escalate" and _LADDER[r.params["to"]] == top]
    if ups:  # one escalation, to the highest rung asked for, with every reason
        reasons = "; ".join(r.params.get("reason") or r.source for r in ups)
        recs.append(dataclasses.replace(ups[0], detail=f"{reasons}. Hand over with a brief."))
    recs += _merge_rule_actions([r for r in ruled if r.kind != "escalate"], policy)
    progress = track_steps(conversation, policy, agent, now)
    if progress.current:
        recs.append(
            Recommendation(
                "next_step",
                f"Next step: {progress.title}",
                progress.sample or progress.goal,
                6,
                f"framework.steps ({progress.current})",
            )
        )
    return sorted(recs, key=lambda r: r.priority)
