"""Agent wellbeing: count each agent's hostile and abusive conversations per shift.

A conversation counts once per shift when the agent replies to it while it
is at one of `wellbeing.count_levels` or holds abuse aimed at staff. Past
`wellbeing.hostile_per_shift` the agent is offered a break (an alert) and,
for the rest of the shift, hostile work is routed to a colleague: a
conversation they own that turns hostile is handed over with a brief, and
`pick_agent` (used for hand-over suggestions) passes them over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.notify import notify
from calmdesk.models import AbuseWarning, Agent, Conversation, Role, ShiftExposure, Status
from calmdesk.playbook import Policy, load_policy


def current_shift(agent: Agent, now: datetime | None = None) -> ShiftExposure | None:
    now = now or timezone.now()
    return ShiftExposure.objects.filter(agent=agent, started_at__lte=now, ends_at__gt=now).first()


def hostile_this_shift(agent: Agent, now: datetime | None = None) -> int:
    shift = current_shift(agent, now)
    return shift.hostile if shift else 0


def over_threshold(agent: Agent, now: datetime | None = None, policy: Policy | None = None) -> bool:
    policy = policy or load_policy()
    return hostile_this_shift(agent, now) >= policy.wellbeing.hostile_per_shift


def counts(conversation: Conversation, policy: Policy) -> bool:
    """Whether handling this conversation counts towards exposure."""
    return (
        conversation.level in policy.wellbeing.count_levels
        or AbuseWarning.objects.filter(conversation=conversation).exists()
    )


def _shift_for(agent: Agent, now: datetime, policy: Policy) -> ShiftExposure:
    """The agent's shift that `now` belongs to; one agent's shifts never overlap.

    Replies can be processed out of time order (imports, the demo, a slow
    hook): an exposure inside a shift joins it; otherwise a new shift starts
    at `now` and lasts `shift_hours`, or ends where the agent's next shift
    begins, so history recorded late never rewrites a shift already counted.
    Serialized per agent by locking the agent's row.
    """
    list(Agent.objects.select_for_update().filter(pk=agent.pk).values_list("pk", flat=True))
    shift = current_shift(agent, now)
    if shift is not None:
        return shift
    ends = now + timedelta(hours=policy.wellbeing.shift_hours)
    later = (
        ShiftExposure.objects.filter(agent=agent, started_at__gt=now, started_at__lt=ends)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            return ShiftExposure.objects.create(agent=agent, started_at=now, ends_at=later or ends)
    except IntegrityError:
        return ShiftExposure.objects.get(agent=agent, started_at=now)


def record_exposure(
    agent: Agent,
    conversation: Conversation,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> ShiftExposure | None:
    """Count `conversation` in the agent's shift (once); offer a break at the threshold."""
    policy = policy or load_policy()
    now = now or timezone.now()
    if agent.role not in (Role.AGENT, Role.LEAD) or not counts(conversation, policy):
        return None
    shift = _shift_for(agent, now, policy)
    shift = ShiftExposure.objects.select_for_update(of=("self",)).get(pk=shift.pk)
    if conversation.pk in shift.conversation_ids:
        return shift
    shift.conversation_ids = [*shift.conversation_ids, conversation.pk]
    shift.hostile += 1
    abusive = AbuseWarning.objects.filter(conversation=conversation).exists()
    shift.abusive += int(abusive)
    fields = ["conversation_ids", "hostile", "abusive"]
    if shift.hostile >= policy.wellbeing.hostile_per_shift and shift.break_offered_at is None:
        shift.break_offered_at = now
        fields.append("break_offered_at")
        log_event(EventKind.WELLBEING_THRESHOLD, actor=agent, shift=shift.pk, hostile=shift.hostile)
        notify(
            [agent],
            "wellbeing.break",
            f"Take a {policy.wellbeing.break_minutes}-minute break",
            f"You have handled {shift.hostile} hostile conversations this shift. "
            "The next hostile ones go to a colleague.",
            email=False,
            chat=False,
        )
    shift.save(update_fields=fields)
    return shift


@transaction.atomic
def do_take_break(agent: Agent, now: datetime | None = None) -> ShiftExposure | None:
    shift = current_shift(agent, now)
    if shift is None:
        return None
    shift.break_taken_at = now or timezone.now()
    shift.save(update_fields=["break_taken_at"])
    log_event(EventKind.WELLBEING_BREAK, actor=agent, shift=shift.pk)
    return shift


def candidates(
    team_id: int,
    level: str,
    *,
    exclude: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> list[Agent]:
    """The team's agents and leads, least exposed first; for hostile work, none over the threshold."""
    policy = policy or load_policy()
    now = now or timezone.now()
    agents = list(
        Agent.objects.select_related("user")
        .filter(teams=team_id, user__is_active=True, role__in=[Role.AGENT, Role.LEAD])
        .exclude(pk=exclude)
        .annotate(
            load=Count(
                "assigned_conversations", filter=Q(assigned_conversations__status=Status.OPEN)
            )
        )
        .order_by("user__username")
    )
    current = ShiftExposure.objects.filter(agent__in=agents, started_at__lte=now, ends_at__gt=now)
    # Oldest first, so that of overlapping rows (recorded before shifts could
    # not overlap) the latest wins, as in current_shift.
    shifts = {s.agent_id: s.hostile for s in current.order_by("started_at")}
    for a in agents:
        a.hostile_now = shifts.get(a.pk, 0)
        a.over_threshold = a.hostile_now >= policy.wellbeing.hostile_per_shift
    if level in policy.wellbeing.count_levels:
        agents = [a for a in agents if not a.over_threshold]
    return sorted(agents, key=lambda a: (a.role == Role.LEAD, a.hostile_now, a.load))


def pick_agent(
    team_id: int,
    level: str,
    *,
    exclude: int | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Agent | None:
    found = candidates(team_id, level, exclude=exclude, now=now, policy=policy)
    return found[0] if found else None


def reroute_if_exposed(
    conversation: Conversation, now: datetime | None = None, policy: Policy | None = None
):
    """A hostile conversation owned by an agent past the threshold goes to a colleague.

    Done as a hand-over with a brief, so the colleague starts fully informed;
    returns the Handoff, or None when nothing was needed or nobody is free.
    """
    policy = policy or load_policy()
    owner = conversation.assignee
    if (
        owner is None
        or conversation.status != Status.OPEN
        or conversation.level not in policy.wellbeing.count_levels
        or not over_threshold(owner, now, policy)
        or conversation.handoffs.filter(state="pending").exists()
    ):
        return None
    other = pick_agent(
        conversation.team_id, conversation.level, exclude=owner.pk, now=now, policy=policy
    )
    if other is None:
        return None
    from calmdesk.actions.handoff import do_request_handoff

    handoff = do_request_handoff(
        owner,
        conversation,
        to_agent=other,
        reason=f"wellbeing: {owner.name} is past the hostile-conversation threshold",
    )
    log_event(
        EventKind.WELLBEING_REROUTED,
        conversation=conversation,
        handoff=handoff.pk,
        before={"assignee": owner.pk},
        after={"to": other.pk},
    )
    return handoff
