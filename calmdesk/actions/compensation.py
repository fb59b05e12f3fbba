"""Compensation governance: offers within each role's limit, approvals above it, outcomes.

Limits come from `policy.compensation.limits` (times `habitual_factor` for a
customer whose history shows a habitual claimant). Within the proposer's
limit an offer is made at once; above it, or when a policy rule asks for
approval, someone whose role and limit cover it approves or rejects it with
a reason. Every offer keeps its outcome, so insights can tell which remedies
recover customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import notify
from calmdesk.models import (
    AbuseWarning,
    Agent,
    Compensation,
    CompensationState,
    Conversation,
    Customer,
    Level,
    Role,
)
from calmdesk.models.compensation import GIVEN
from calmdesk.playbook import Policy, evaluate_rules, load_policy
from calmdesk.playbook.judgement import CustomerHistory, Judgement, judge_customer
from calmdesk.playbook.registry import RequireApprovalParams

LADDER = (Role.AGENT, Role.LEAD, Role.MANAGER, Role.ADMIN)
RANK = {role: i for i, role in enumerate(LADDER)}
OUTCOMES = (
    CompensationState.OFFERED,
    CompensationState.ACCEPTED,
    CompensationState.DECLINED,
    CompensationState.WITHDRAWN,
)


# --- the customer's history -------------------------------------------------
def customer_history(customer: Customer, policy: Policy | None = None) -> CustomerHistory:
    """Counts over CALMDESK_HABITUAL_WINDOW_DAYS (four queries)."""
    policy = policy or load_policy()
    days = settings.CALMDESK_HABITUAL_WINDOW_DAYS
    since = timezone.now() - timedelta(days=days)
    convs = Conversation.objects.filter(customer=customer, created_at__gte=since).aggregate(
        n=Count("id"),
        hard=Count("id", filter=Q(level__in=[Level.DIFFICULT, Level.HOSTILE])),
    )
    abusive = (
        AbuseWarning.objects.filter(customer=customer, created_at__gte=since)
        .values("conversation")
        .distinct()
        .count()
    )
    comp = Compensation.objects.filter(customer=customer, state__in=GIVEN, created_at__gte=since)
    agg = comp.aggregate(n=Count("id"), total=Sum("amount"))
    return CustomerHistory(
        conversations=convs["n"] or 1,
        difficult=convs["hard"] or 0,
        abusive=abusive,
        compensations=agg["n"] or 0,
        compensation_total=float(agg["total"] or 0),
        currency_symbol=policy.compensation.symbol,
        vip=customer.vip,
        window_days=days,
    )


def judge_history(history: CustomerHistory) -> Judgement:
    return judge_customer(history, min_claims=settings.CALMDESK_HABITUAL_MIN_CLAIMS)


def judge(customer: Customer, policy: Policy | None = None) -> Judgement:
    """Genuine grievance or habitual claimant, with its reasons."""
    return judge_history(customer_history(customer, policy))


# --- limits and approval ----------------------------------------------------
@dataclass(frozen=True)
class Approval:
    limit: Decimal  # the proposer's limit for this option
    required_role: str  # "" when no approval is needed
    reason: str


def _limit(policy: Policy, role: str, kind: str, habitual: bool) -> Decimal:
    return Decimal(str(policy.limit(role, kind, habitual))).quantize(Decimal("0.01"))


def approval_for(
    agent: Agent,
    conversation: Conversation,
    kind: str,
    amount: Decimal,
    policy: Policy,
    habitual: bool,
) -> Approval:
    """Whether `agent` may offer this alone and, if not, who must approve and why."""
    limit = _limit(policy, agent.role, kind, habitual)
    needed, reasons = "", []
    if amount > limit:
        covering = [r for r in LADDER if _limit(policy, r, kind, habitual) >= amount]
        needed = covering[0] if covering else Role.ADMIN
        factor = " (habitual claimant: reduced limits)" if habitual else ""
        reasons.append(
            f"above the {agent.role} limit of {limit} for {kind.replace('_', ' ')}{factor}"
        )
    from calmdesk.services.playbook_views import conversation_view

    for match in evaluate_rules(conversation_view(conversation, rules=policy), policy):
        for _name, params in match.actions:
            if (
                isinstance(params, RequireApprovalParams)
                and params.subject == "compensation"
                and RANK[params.role] > RANK[agent.role]
            ):
                if not needed or RANK[params.role] > RANK[needed]:
                    needed = params.role
                reasons.append(f"policy rule: {match.name}")
    return Approval(limit, needed, "; ".join(reasons))


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError("Give the amount as a number, e.g. 25 or 12.50.") from None
    if not amount.is_finite() or amount <= 0 or amount > Decimal("1000000"):
        raise ValidationError("The amount must be more than 0 and at most 1,000,000.")
    return amount


def _approvers(conversation: Conversation, role: str) -> list[Agent]:
    qs = Agent.objects.select_related("user").filter(user__is_active=True)
    higher = [r for r in LADDER if RANK[r] >= RANK[role]]
    team = Q(role__in=[Role.MANAGER, Role.ADMIN]) | Q(teams=conversation.team_id)
    return list(qs.filter(team, role__in=higher).distinct())


@transaction.atomic
def do_propose_compensation(
    agent: Agent,
    conversation: Conversation,
    kind: str,
    amount,
    note: str = "",
    *,
    policy: Policy | None = None,
) -> Compensation:
    """Record an offer; above the agent's limit it waits for approval."""
    policy = policy or load_policy()
    if kind not in policy.compensation.options:
        raise ValidationError(f"Unknown compensation option {kind!r}.")
    amount = _amount(amount)
    habitual = judge(conversation.customer, policy).habitual
    approval = approval_for(agent, conversation, kind, amount, policy, habitual)
    comp = Compensation.objects.create(
        conversation=conversation,
        customer=conversation.customer,
        kind=kind,
        amount=amount,
        currency=policy.compensation.currency,
        state=CompensationState.PENDING if approval.required_role else CompensationState.OFFERED,
        note=note.strip()[:500],
        proposed_by=agent,
        limit=approval.limit,
        required_role=approval.required_role,
        approval_reason=approval.reason[:300],
    )
    log_event(
        EventKind.COMPENSATION_PROPOSED,
        actor=agent,
        conversation=conversation,
        compensation=comp.pk,
        option=kind,
        amount=str(amount),
        state=comp.state,
        required_role=comp.required_role,
    )
    if comp.required_role:
        who = conversation.customer.name or f"conversation #{conversation.pk}"
        notify(
            _approvers(conversation, comp.required_role),
            "compensation.approval",
            f"Approval needed: {kind.replace('_', ' ')} {policy.compensation.symbol}{amount} for {who}",
            f"Proposed by {agent.name}: {approval.reason}. {comp.note}".strip(),
            conversation=conversation,
            url="/escalation/approvals/",
        )
    return comp


def check_can_decide(approver: Agent, comp: Compensation, policy: Policy) -> None:
    if comp.state != CompensationState.PENDING:
        raise ValidationError("This offer is not waiting for approval.")
    if RANK.get(approver.role, 0) < RANK.get(comp.required_role, 0):
        raise PermissionDenied(f"A {comp.required_role} or above must decide this offer.")
    if _limit(policy, approver.role, comp.kind, False) < comp.amount:
        raise PermissionDenied("The amount is above your own limit for this option.")
    if comp.proposed_by_id == approver.pk:
        raise PermissionDenied("Someone else must approve your own offer.")


@transaction.atomic
def do_decide_compensation(
    approver: Agent,
    comp: Compensation,
    approve: bool,
    reason: str = "",
    *,
    policy: Policy | None = None,
) -> Compensation:
    """Approve or reject a pending offer; a rejection needs a reason."""
    policy = policy or load_policy()
    comp = (
        Compensation.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .get(pk=comp.pk)
    )
    check_can_decide(approver, comp, policy)
    reason = " ".join(reason.split())[:500]
    if not approve and not reason:
        raise ValidationError("Say why the offer is rejected.")
    comp.state = CompensationState.APPROVED if approve else CompensationState.REJECTED
    comp.decided_by, comp.decided_at, comp.decision_reason = approver, timezone.now(), reason
    comp.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    kind = EventKind.COMPENSATION_APPROVED if approve else EventKind.COMPENSATION_REJECTED
    log_event(
        kind, actor=approver, conversation=comp.conversation, compensation=comp.pk, reason=reason
    )
    verdict = "approved" if approve else "rejected"
    notify(
        [comp.proposed_by],
        f"compensation.{verdict}",
        f"Your {comp.get_kind_display().lower()} of {comp.amount} {comp.currency} was {verdict}",
        f"{approver.name}: {reason}".strip(": "),
        conversation=comp.conversation,
    )
    return comp


@transaction.atomic
def do_compensation_outcome(agent: Agent, comp: Compensation, outcome: str) -> Compensation:
    """Record what happened to an offer: offered, accepted, declined or withdrawn."""
    comp = (
        Compensation.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .get(pk=comp.pk)
    )
    if outcome not in OUTCOMES:
        raise ValidationError(f"Unknown outcome {outcome!r}.")
    if comp.state in (CompensationState.PENDING, CompensationState.REJECTED):
        raise ValidationError("This offer was not approved; it cannot be offered.")
    before = comp.state
    comp.state = outcome
    comp.outcome_at = timezone.now()
    comp.save(update_fields=["state", "outcome_at"])
    log_event(
        EventKind.COMPENSATION_OUTCOME,
        actor=agent,
        conversation=comp.conversation,
        compensation=comp.pk,
        before={"state": before},
        after={"state": outcome},
    )
    return comp
