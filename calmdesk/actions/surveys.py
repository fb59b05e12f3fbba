"""Private feedback surveys: tokens, sending, answers, reminders and unsubscribing.

Links carry a token of 256 bits derived with HMAC (the secret key) from a
random nonce stored on the row; only the token's SHA-256 is stored, for the
lookup. A token is single-purpose (survey and unsubscribe tokens are derived
and hashed under different labels) and a survey's expires. A low score or
an upset comment (judged by the analysis engine) reopens the case as a
private recovery opportunity and alerts the assignee.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.outbox import enqueue
from calmdesk.models import (
    ContactPreference,
    Conversation,
    Customer,
    IdentityKind,
    OutboxChannel,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Survey,
    SurveyKind,
    SurveyState,
)
from calmdesk.playbook.followup import DraftContext, FollowUpPlan, load_plan, render
from calmdesk.sms import sms_enabled

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_COMMENT = 5000


# -- tokens -------------------------------------------------------------------
def _derive(purpose: str, nonce: str) -> str:
    digest = salted_hmac(f"calmdesk.{purpose}", nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(purpose: str, raw: str) -> str:
    return hashlib.sha256(f"{purpose}:{raw}".encode()).hexdigest()


def _new_token(purpose: str) -> tuple[str, str]:
    nonce = secrets.token_hex(16)
    return nonce, _hash(purpose, _derive(purpose, nonce))


def survey_token(survey: Survey) -> str:
    return _derive("survey", survey.token_nonce)


def survey_url(survey: Survey) -> str:
    path = reverse("followup:survey", args=[survey_token(survey)])
    return f"{settings.CALMDESK_BASE_URL.rstrip('/')}{path}"


def unsubscribe_url(customer: Customer) -> str:
    pref = preference_for(customer)
    path = reverse("followup:unsubscribe", args=[_derive("unsubscribe", pref.token_nonce)])
    return f"{settings.CALMDESK_BASE_URL.rstrip('/')}{path}"


def find_survey(raw: str) -> Survey | None:
    """The survey this token opens, or None (malformed, tampered or guessed)."""
    if not TOKEN_SHAPE.match(raw or ""):
        return None
    return (
        Survey.objects.select_related("customer", "conversation")
        .filter(token_hash=_hash("survey", raw))
        .first()
    )


def find_preference(raw: str) -> ContactPreference | None:
    if not TOKEN_SHAPE.match(raw or ""):
        return None
    return ContactPreference.objects.filter(token_hash=_hash("unsubscribe", raw)).first()


def preference_for(customer: Customer) -> ContactPreference:
    pref = ContactPreference.objects.filter(customer=customer).first()
    if pref is not None:
        return pref
    nonce, token_hash = _new_token("unsubscribe")
    try:
        with transaction.atomic():
            return ContactPreference.objects.create(
                customer=customer, token_nonce=nonce, token_hash=token_hash
            )
    except IntegrityError:
        return ContactPreference.objects.get(customer=customer)


def unsubscribed(customer_id: int) -> bool:
    return ContactPreference.objects.filter(
        customer_id=customer_id, unsubscribed_at__isnull=False
    ).exists()


# -- where to reach a customer -----------------------------------------------
def contact_for(customer: Customer, prefer: str = "") -> tuple[str, str] | None:
    """(channel, address) for a private message: SMS when preferred and possible, else email."""
    values = dict.fromkeys((IdentityKind.EMAIL, IdentityKind.PHONE), "")
    for kind, value in customer.identities.filter(kind__in=list(values)).values_list(
        "kind", "value"
    ):
        values[kind] = values[kind] or value
    email, phone = values[IdentityKind.EMAIL], values[IdentityKind.PHONE]
    can_sms = bool(phone) and sms_enabled()
    if prefer == "sms" and can_sms:
        return OutboxChannel.SMS, phone
    if email:
        return OutboxChannel.EMAIL, email
    if can_sms:
        return OutboxChannel.SMS, phone
    return None


def draft_context(
    customer: Customer, conversation: Conversation | None, agent_name: str = ""
) -> DraftContext:
    from calmdesk.actions.followup import case_context

    if conversation is not None:
        return case_context(conversation, agent_name)
    from calmdesk.playbook.followup import first_name

    return DraftContext(
        first_name(customer.name),
        "your recent contact with us",
        (),
        agent_name or "The support team",
        "our support team",
    )


def email_headers(message_id: str) -> dict[str, str]:
    return {
        "Message-ID": message_id,
        "Auto-Submitted": "auto-generated",
        "List-Unsubscribe": "<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# -- sending --------------------------------------------------------------------
def create_survey(
    customer: Customer,
    kind: str,
    *,
    conversation=None,
    campaign=None,
    follow_up=None,
    channel: str,
    now: datetime,
    plan: FollowUpPlan,
) -> Survey:
    if kind not in SurveyKind.values:
        raise ValidationError(f"Unknown survey kind {kind!r}.")
    nonce, token_hash = _new_token("survey")
    survey = Survey.objects.create(
        kind=kind,
        customer=customer,
        conversation=conversation,
        campaign=campaign,
        follow_up=follow_up,
        channel=channel,
        token_nonce=nonce,
        token_hash=token_hash,
        sent_at=now,
        expires_at=now + timedelta(days=plan.survey_expires_days),
    )
    preference_for(customer)  # the unsubscribe link's token exists before sending
    log_event(
        EventKind.SURVEY_SENT,
        conversation=conversation,
        customer=customer,
        survey=survey.pk,
        survey_kind=kind,
        channel=channel,
    )
    return survey


@transaction.atomic
def do_send_survey(
    customer: Customer,
    kind: str = SurveyKind.CSAT,
    *,
    conversation=None,
    campaign=None,
    prefer: str = "",
    agent_name: str = "",
    now: datetime | None = None,
    plan: FollowUpPlan | None = None,
) -> Survey | None:
    """Send one survey (email or SMS) through the outbox; None if the customer
    unsubscribed or cannot be reached privately."""
    plan = plan or load_plan()
    now = now or timezone.now()
    contact = contact_for(customer, prefer or getattr(conversation, "channel", ""))
    if contact is None or unsubscribed(customer.pk):
        return None
    channel, address = contact
    survey = create_survey(
        customer,
        kind,
        conversation=conversation,
        campaign=campaign,
        channel=channel,
        now=now,
        plan=plan,
    )
    enqueue_survey(
        survey, channel, address, draft_context(customer, conversation, agent_name), plan
    )
    return survey


def send_reminders(now: datetime | None = None, plan: FollowUpPlan | None = None) -> int:
    """One reminder at most per unanswered survey, `reminder_after_hours` after sending."""
    plan = plan or load_plan()
    if plan.reminder_after_hours is None:
        return 0
    now = now or timezone.now()
    ids = list(
        Survey.objects.filter(
            state=SurveyState.SENT,
            reminded_at__isnull=True,
            answered_at__isnull=True,
            sent_at__lte=now - timedelta(hours=plan.reminder_after_hours),
            expires_at__gt=now,
        ).values_list("id", flat=True)[:500]
    )
    return sum(1 for survey_id in ids if do_remind(survey_id, now=now, plan=plan))


@transaction.atomic
def do_remind(survey_id: int, *, now: datetime, plan: FollowUpPlan) -> bool:
    # The conditional UPDATE is the claim: a second scheduler finds reminded_at set.
    if not Survey.objects.filter(
        pk=survey_id, reminded_at__isnull=True, answered_at__isnull=True
    ).update(reminded_at=now):
        return False
    survey = Survey.objects.select_related("customer", "conversation").get(pk=survey_id)
    if unsubscribed(survey.customer_id):
        return False
    contact = contact_for(survey.customer, "sms" if survey.channel == "sms" else "email")
    if contact is None:
        return False
    ctx = draft_context(survey.customer, survey.conversation)
    t = plan.templates
    if contact[0] == OutboxChannel.SMS:
        body = render(t.reminder_sms, ctx) + " " + render(t.unsubscribe_sms, ctx)
        enqueue(
            key=f"reminder:{survey.pk}",
            kind=OutboxKind.REMINDER,
            channel=contact[0],
            to=contact[1],
            body=body,
            survey=survey,
        )
    else:
        body = render(t.reminder_email, ctx) + "\n\n--\n" + render(t.unsubscribe_email, ctx)
        mid = f"<cd.survey.{survey.pk}.reminder@{settings.CALMDESK_MESSAGE_ID_DOMAIN}>"
        enqueue(
            key=f"reminder:{survey.pk}",
            kind=OutboxKind.REMINDER,
            channel=contact[0],
            to=contact[1],
            subject=render(t.reminder_subject, ctx),
            body=body,
            headers=email_headers(mid),
            survey=survey,
        )
    log_event(
        EventKind.SURVEY_REMINDED,
        conversation=survey.conversation,
        customer=survey.customer,
        survey=survey.pk,
    )
    return True


# -- answers ------------------------------------------------------------------
def check_answer(survey: Survey, score, comment: str) -> tuple[int, str]:
    low, high = survey.scale
    try:
        value = int(score)
    except (TypeError, ValueError):
        raise ValidationError("Choose a score.") from None
    if not low <= value <= high:
        raise ValidationError(f"Choose a score from {low} to {high}.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"The comment is over {MAX_COMMENT:,} characters.")
    return value, comment


@transaction.atomic
def do_answer_survey(
    survey: Survey,
    score,
    comment: str = "",
    *,
    now: datetime | None = None,
    plan: FollowUpPlan | None = None,
) -> bool:
    """Record the answer once; False when it was answered before or has expired."""
    from calmdesk.actions.followup import do_recovery_opportunity

    plan = plan or load_plan()
    now = now or timezone.now()
    value, comment = check_answer(survey, score, comment)
    judged, angry = None, False
    if comment:
        from calmdesk.analysis import assess

        assessment = assess(comment)
        judged = assessment.to_dict()
        angry = assessment.emotions.get("anger", 0.0) >= plan.angry_at or assessment.level in (
            "difficult",
            "hostile",
        )
    low = plan.is_low(survey.kind, value) or angry
    answered = Survey.objects.filter(
        pk=survey.pk, answered_at__isnull=True, expires_at__gt=now
    ).update(
        state=SurveyState.ANSWERED,
        answered_at=now,
        score=value,
        comment=comment,
        assessment=judged,
        low=low,
    )
    if not answered:
        return False
    survey.refresh_from_db()
    log_event(
        EventKind.SURVEY_ANSWERED,
        conversation=survey.conversation,
        customer=survey.customer,
        survey=survey.pk,
        score=value,
        low=low,
    )
    if low:
        do_recovery_opportunity(survey, angry=angry and not plan.is_low(survey.kind, value))
    elif survey.conversation is not None:
        from calmdesk.actions.followup import add_system_note

        add_system_note(survey.conversation, answer_text(survey))
    return True


def answer_text(survey: Survey) -> str:
    low, high = survey.scale
    label = "Satisfaction" if survey.kind == SurveyKind.CSAT else "Would recommend"
    text = f"Survey answer: {label} {survey.score}/{high}."
    return text + (f" Comment: “{survey.comment}”" if survey.comment else " No comment.")


# -- unsubscribing ------------------------------------------------------------
@transaction.atomic
def do_unsubscribe(pref: ContactPreference, via: str = "link") -> bool:
    """Stop surveys, reminders, campaigns and automatic follow-ups on every channel."""
    now = timezone.now()
    if not ContactPreference.objects.filter(pk=pref.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now, unsubscribed_via=via[:40]
    ):
        return False
    OutboxMessage.objects.filter(
        customer_id=pref.customer_id,
        state=OutboxState.PENDING,
        kind__in=[OutboxKind.SURVEY, OutboxKind.REMINDER, OutboxKind.FOLLOW_UP],
    ).update(state=OutboxState.CANCELLED, last_error="the customer unsubscribed")
    log_event(EventKind.CUSTOMER_UNSUBSCRIBED, customer=pref.customer, via=via[:40])
    return True


@transaction.atomic
def do_resubscribe(pref: ContactPreference, via: str = "sms START") -> bool:
    """The customer asked to hear from us again (SMS START): surveys and follow-ups resume."""
    if not ContactPreference.objects.filter(pk=pref.pk, unsubscribed_at__isnull=False).update(
        unsubscribed_at=None, unsubscribed_via=""
    ):
        return False
    log_event(EventKind.CUSTOMER_RESUBSCRIBED, customer=pref.customer, via=via[:40])
    return True


def enqueue_survey(survey: Survey, channel: str, address: str, ctx, plan: FollowUpPlan) -> None:
    """Put the survey invitation (with its unsubscribe line) in the outbox, once per survey."""
    t = plan.templates
    if channel == OutboxChannel.SMS:
        body = render(t.survey_sms, ctx) + " " + render(t.unsubscribe_sms, ctx)
        enqueue(
            key=f"survey:{survey.pk}",
            kind=OutboxKind.SURVEY,
            channel=channel,
            to=address,
            body=body,
            survey=survey,
        )
        return
    body = render(t.survey_email, ctx) + "\n\n--\n" + render(t.unsubscribe_email, ctx)
    mid = f"<cd.survey.{survey.pk}@{settings.CALMDESK_MESSAGE_ID_DOMAIN}>"
    enqueue(
        key=f"survey:{survey.pk}",
        kind=OutboxKind.SURVEY,
        channel=channel,
        to=address,
        subject=render(t.survey_subject, ctx),
        body=body,
        headers=email_headers(mid),
        survey=survey,
    )
