"""Follow-ups after a resolved case, recovery opportunities, customer events and alerts.

A resolved conversation gets one FollowUp row per resolution (planned from
the policy's follow-up plan by channel and level); the periodic job sends due
ones. Every send is claimed with a conditional UPDATE (scheduled -> sent) in
the same transaction that writes the outbound message and its outbox row,
so a retried job or a second scheduler sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.outbox import enqueue
from calmdesk.actions.surveys import contact_for, create_survey, email_headers, unsubscribed
from calmdesk.models import (
    Agent,
    Conversation,
    Customer,
    CustomerEvent,
    CustomerEventKind,
    Delivery,
    Direction,
    FollowUp,
    FollowUpMessage,
    FollowUpMode,
    FollowUpState,
    Level,
    Message,
    OutboxChannel,
    OutboxKind,
    Status,
    Survey,
)
from calmdesk.playbook.followup import (
    DraftContext,
    FollowUpPlan,
    first_name,
    issue_phrase,
    load_plan,
    render,
)

DONE = (Status.RESOLVED, Status.CLOSED)
LEVEL_FLOORS = ((75, Level.HOSTILE), (50, Level.DIFFICULT), (25, Level.TENSE))
_RANK = {Level.CALM: 0, Level.TENSE: 1, Level.DIFFICULT: 2, Level.HOSTILE: 3}
PLAN_LOOKBACK = timedelta(days=14)


def case_level(conversation: Conversation) -> str:
    """The case's level at its worst: the peak difficulty's level, or the current one."""
    peak = next(
        (lv for floor, lv in LEVEL_FLOORS if conversation.peak_difficulty >= floor), Level.CALM
    )
    return max(peak, conversation.level or Level.CALM, key=lambda lv: _RANK.get(lv, 0))


def _causes() -> dict[str, tuple[str, list[str]]]:
    try:
        from calmdesk.playbook import load_policy

        return {k: (v.phrase, list(v.cues)) for k, v in load_policy().root_causes.items()}
    except Exception:  # a policy being edited must not stop follow-ups  # noqa: BLE001
        return {}


def case_context(conversation: Conversation, agent_name: str = "") -> DraftContext:
    """What a personal follow-up needs: their name, their issue, what was done."""
    from calmdesk.insights.recovery import case_remedies

    inbound = list(
        conversation.messages.filter(direction=Direction.IN).values_list("body", flat=True)[:20]
    )
    agent = conversation.assignee
    return DraftContext(
        first_name=first_name(conversation.customer.name),
        issue=issue_phrase(inbound, _causes(), conversation.subject),
        remedies=tuple(case_remedies([conversation.pk]).get(conversation.pk, [])),
        agent_name=agent_name or (agent.name if agent else "The support team"),
        team=conversation.team.name,
    )


def _due(conversation: Conversation, resolved: datetime, rule) -> datetime:
    if rule.after_hours is not None:
        return resolved + timedelta(hours=rule.after_hours)
    from calmdesk.playbook.timefmt import TeamCalendar, add_business_days

    cal = TeamCalendar(timezone=conversation.team.timezone or "UTC")
    day = add_business_days(resolved, rule.after_business_days or 0, cal)
    at = datetime.combine(day, time(10, 0), tzinfo=cal.tz)  # mid-morning, the team's time
    return max(at, resolved)


@transaction.atomic
def do_plan_follow_up(
    conversation: Conversation, *, plan: FollowUpPlan | None = None
) -> FollowUp | None:
    """Plan what follows this resolution (once per resolution). None if not resolved."""
    if conversation.status not in DONE or conversation.resolved_at is None:
        return None
    existing = FollowUp.objects.filter(
        conversation=conversation, resolution_at=conversation.resolved_at
    ).first()
    if existing is not None:
        return existing
    plan = plan or load_plan()
    level = case_level(conversation)
    rule = plan.rule_for(conversation.channel, level)
    contact = contact_for(conversation.customer, conversation.channel)
    fields = {"rule": rule.describe()[:200] if rule else "no rule matches"}
    if rule is None or rule.message == FollowUpMessage.NONE:
        fields.update(state=FollowUpState.SKIPPED, reason="the policy plans nothing here")
    elif contact is None:
        fields.update(state=FollowUpState.SKIPPED, reason="no private way to reach the customer")
    if rule is not None and rule.message != FollowUpMessage.NONE:
        ctx = case_context(conversation)
        channel = contact[0] if contact else ""
        t = plan.templates
        draft = render(t.check_in_sms if channel == OutboxChannel.SMS else t.check_in_email, ctx)
        fields.update(
            mode=rule.send,
            message_kind=rule.message,
            channel=channel,
            survey_kind="" if rule.survey == "none" else rule.survey,
            subject=render(t.check_in_subject, ctx)[:300],
            draft=draft if rule.message == FollowUpMessage.CHECK_IN else "",
            due_at=_due(conversation, conversation.resolved_at, rule),
        )
    fields.setdefault("due_at", conversation.resolved_at)
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                conversation=conversation, resolution_at=conversation.resolved_at, **fields
            )
    except IntegrityError:  # planned concurrently by another process
        return FollowUp.objects.get(
            conversation=conversation, resolution_at=conversation.resolved_at
        )
    log_event(
        EventKind.FOLLOW_UP_PLANNED,
        conversation=conversation,
        follow_up=follow_up.pk,
        state=follow_up.state,
        due_at=follow_up.due_at.isoformat(),
        mode=follow_up.mode,
    )
    if follow_up.state == FollowUpState.SCHEDULED and follow_up.mode == FollowUpMode.REVIEW:
        from calmdesk.actions.notify import notify

        when = timezone.localtime(follow_up.due_at).strftime("%a %d %b %H:%M")
        notify(
            [conversation.assignee],
            "follow_up.review",
            f"Glance at the follow-up to {conversation.customer} before {when}",
            "It goes out when you approve it.",
            conversation=conversation,
            url="/follow-up/",
            email=False,
            chat=False,
        )
    return follow_up


def plan_resolved(now: datetime | None = None, plan: FollowUpPlan | None = None) -> int:
    """Plan follow-ups for recently resolved conversations that have none yet."""
    now = now or timezone.now()
    planned = FollowUp.objects.filter(
        conversation=OuterRef("pk"), resolution_at=OuterRef("resolved_at")
    )
    conversations = (
        Conversation.objects.filter(status__in=DONE, resolved_at__gte=now - PLAN_LOOKBACK)
        .exclude(Exists(planned))
        .select_related("customer", "team", "assignee__user")[:500]
    )
    plan = plan or load_plan()
    return sum(1 for c in conversations if do_plan_follow_up(c, plan=plan) is not None)


@transaction.atomic
def do_approve_follow_up(agent: Agent, follow_up: FollowUp, body: str | None = None) -> bool:
    """An agent glanced at (and maybe edited) the draft: it may go out when due."""
    fields = {"approved_by": agent, "approved_at": timezone.now()}
    if body is not None:
        body = body.strip()
        if not body:
            raise ValidationError("The follow-up is empty.")
        fields["draft"] = body[:10000]
    if not FollowUp.objects.filter(pk=follow_up.pk, state=FollowUpState.SCHEDULED).update(**fields):
        return False
    log_event(
        EventKind.FOLLOW_UP_APPROVED,
        actor=agent,
        conversation=follow_up.conversation,
        follow_up=follow_up.pk,
        edited=body is not None,
    )
    return True


@transaction.atomic
def do_cancel_follow_up(actor: Agent | None, follow_up: FollowUp, reason: str) -> bool:
    if not FollowUp.objects.filter(pk=follow_up.pk, state=FollowUpState.SCHEDULED).update(
        state=FollowUpState.CANCELLED, reason=reason[:300]
    ):
        return False
    log_event(
        EventKind.FOLLOW_UP_CANCELLED,
        actor=actor,
        conversation=follow_up.conversation,
        follow_up=follow_up.pk,
        reason=reason[:300],
    )
    return True


def send_due_follow_ups(now: datetime | None = None, plan: FollowUpPlan | None = None) -> int:
    now = now or timezone.now()
    ids = list(
        FollowUp.objects.filter(state=FollowUpState.SCHEDULED, due_at__lte=now).values_list(
            "id", flat=True
        )[:500]
    )
    plan = plan or load_plan()
    return sum(1 for pk in ids if do_send_follow_up(pk, now=now, plan=plan))


READY = Q(mode=FollowUpMode.AUTO) | Q(approved_at__isnull=False)


@transaction.atomic
def do_send_follow_up(follow_up_id: int, *, now: datetime, plan: FollowUpPlan) -> bool:
    """Send one due follow-up, exactly once; True if this call sent it."""
    fu = FollowUp.objects.select_related(
        "conversation__customer",
        "conversation__team",
        "conversation__assignee__user",
        "approved_by__user",
    ).get(pk=follow_up_id)
    conv = fu.conversation
    if conv.status not in DONE or conv.resolved_at != fu.resolution_at:
        do_cancel_follow_up(None, fu, "the conversation was reopened")
        return False
    if unsubscribed(conv.customer_id):
        FollowUp.objects.filter(pk=fu.pk, state=FollowUpState.SCHEDULED).update(
            state=FollowUpState.SKIPPED, reason="the customer unsubscribed"
        )
        return False
    claimed = FollowUp.objects.filter(
        READY, pk=fu.pk, state=FollowUpState.SCHEDULED, due_at__lte=now
    ).update(state=FollowUpState.SENT, sent_at=now)
    if not claimed:
        return False  # not approved yet, not due, or another sender won
    contact = contact_for(conv.customer, fu.channel)
    if contact is None:
        raise ValidationError("The customer can no longer be reached privately.")
    survey = None
    if fu.survey_kind:
        survey = create_survey(
            conv.customer,
            fu.survey_kind,
            conversation=conv,
            follow_up=fu,
            channel=contact[0],
            now=now,
            plan=plan,
        )
    if fu.message_kind == FollowUpMessage.SURVEY_ONLY:
        _send_survey_only(fu, survey, contact, plan)
    else:
        _send_check_in(fu, survey, contact, plan, now)
    log_event(
        EventKind.FOLLOW_UP_SENT,
        conversation=conv,
        follow_up=fu.pk,
        channel=contact[0],
        survey=getattr(survey, "pk", None),
    )
    return True


def _send_survey_only(fu: FollowUp, survey: Survey | None, contact, plan: FollowUpPlan) -> None:
    if survey is None:
        return
    from calmdesk.actions.surveys import draft_context, enqueue_survey

    channel, address = contact
    enqueue_survey(
        survey, channel, address, draft_context(fu.conversation.customer, fu.conversation), plan
    )


def _send_check_in(fu: FollowUp, survey: Survey | None, contact, plan: FollowUpPlan, now) -> None:
    from calmdesk.actions.delivery import _email_envelope

    conv, t = fu.conversation, plan.templates
    channel, address = contact
    ctx = case_context(conv)
    body = fu.draft
    if channel == OutboxChannel.SMS:
        extra = (
            (" Tell us how we did: {survey_url}" if survey else "")
            + " "
            + render(t.unsubscribe_sms, ctx)
        )
    else:
        extra = "\n\n" + render(t.survey_line_email, ctx) if survey else ""
        extra += "\n\n--\n" + render(t.unsubscribe_email, ctx)
    author = fu.approved_by or conv.assignee
    shown = (
        (body + extra)
        .replace("{survey_url}", "[survey link]")
        .replace("{unsubscribe_url}", "[unsubscribe link]")
    )
    message = Message.objects.create(
        conversation=conv,
        channel=conv.channel,
        direction=Direction.OUT,
        author=author,
        body=shown,
        sent_at=now,
        delivery=Delivery.QUEUED,
    )
    Conversation.objects.filter(pk=conv.pk).update(last_outbound_at=now)
    FollowUp.objects.filter(pk=fu.pk).update(sent_message=message)
    common = {
        "key": f"followup:{fu.pk}",
        "kind": OutboxKind.FOLLOW_UP,
        "message": message,
        "survey": survey,
        "customer": conv.customer,
        "channel": channel,
        "to": address,
        "body": body + extra,
    }
    if channel == OutboxChannel.SMS:
        enqueue(**common)
        return
    _, subject, headers = _email_envelope(message)
    message.email_message_id = headers["Message-ID"].strip("<>")
    message.save(update_fields=["email_message_id"])
    headers.update({k: v for k, v in email_headers("").items() if k.startswith("List-")})
    enqueue(subject=subject, headers=headers, **common)


# -- recovery opportunities ---------------------------------------------------
def add_system_note(conversation: Conversation, text: str) -> Message:
    note = Message.objects.create(
        conversation=conversation,
        channel=conversation.channel,
        direction=Direction.NOTE,
        author=None,
        body=text,
        sent_at=timezone.now(),
    )
    log_event(EventKind.NOTE_ADDED, conversation=conversation, message=note.pk, system=True)
    return note


def _recipients(conversation: Conversation | None) -> list[Agent]:
    """The assignee; with nobody assigned, the team's leads and the managers."""
    from calmdesk.actions.notify import managers_of

    if conversation is not None and conversation.assignee_id:
        return [conversation.assignee]
    return managers_of(conversation)


@transaction.atomic
def do_recovery_opportunity(survey: Survey, *, angry: bool = False) -> list:
    """A low score or an upset comment: reopen the case privately and alert its owner
    (an in-app notification and an email)."""
    from calmdesk.actions import do_set_status
    from calmdesk.actions.notify import notify
    from calmdesk.actions.surveys import answer_text

    conv = survey.conversation or (
        Conversation.objects.filter(customer=survey.customer).order_by("-created_at", "-id").first()
    )
    if conv is not None:
        if conv.status in DONE:
            do_set_status(None, conv, Status.OPEN)
        Conversation.objects.filter(pk=conv.pk).update(awaiting_reply=True)
        add_system_note(conv, "Private recovery opportunity. " + answer_text(survey))
    agents = _recipients(conv)
    log_event(
        EventKind.RECOVERY_OPPORTUNITY,
        conversation=conv,
        customer=survey.customer,
        survey=survey.pk,
        score=survey.score,
        angry=angry,
        alerted=[a.pk for a in agents],
    )
    kind = "survey.angry_comment" if angry else "survey.low_score"
    title = f"{survey.customer} answered {survey.score}/{survey.scale[1]}"
    title += " with an upset comment" if angry else ""
    body = answer_text(survey) + "\n\nThe case is open again: a private chance to put it right."
    return notify(
        agents, kind, title, body, conversation=conv, url=f"/c/{conv.pk}/" if conv else ""
    )


# -- later behaviour ------------------------------------------------------------
@transaction.atomic
def do_record_customer_event(
    customer: Customer,
    kind: str,
    occurred_at: datetime,
    *,
    external_id: str = "",
    value=None,
    currency: str = "",
    data: dict | None = None,
) -> tuple[CustomerEvent, bool]:
    """Record a purchase, renewal, cancellation... once per external_id."""
    if kind not in CustomerEventKind.values:
        raise ValidationError(
            f"Unknown kind {kind!r}; expected one of {', '.join(CustomerEventKind.values)}."
        )
    if occurred_at.tzinfo is None:
        raise ValidationError("occurred_at must include a time zone.")
    if external_id:
        found = CustomerEvent.objects.filter(external_id=external_id).first()
        if found is not None:
            return found, False
    try:
        with transaction.atomic():
            event = CustomerEvent.objects.create(
                customer=customer,
                kind=kind,
                occurred_at=occurred_at,
                external_id=external_id[:200],
                value=value,
                currency=(currency or "")[:3].upper(),
                data=data or {},
            )
    except IntegrityError:
        return CustomerEvent.objects.get(external_id=external_id), False
    log_event(EventKind.CUSTOMER_EVENT, customer=customer, event=event.pk, event_kind=kind)
    return event, True
