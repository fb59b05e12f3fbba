"""Survey campaigns: a survey to a filtered set of customers, previewed before sending.

The filter picks customers by their resolved conversations (when, where,
which team, channel, how hard); customers who unsubscribed, were surveyed in
the last `min_days_between_surveys` days, or cannot be reached privately are
left out. Sending re-counts and refuses when the count changed since the
preview, and claims the campaign with a conditional UPDATE (draft -> sent).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from calmdesk.actions.events import EventKind, log_event
from calmdesk.actions.surveys import do_send_survey
from calmdesk.models import (
    Agent,
    CampaignState,
    Channel,
    ContactPreference,
    Conversation,
    Customer,
    IdentityKind,
    Level,
    Location,
    Status,
    Survey,
    SurveyCampaign,
    SurveyKind,
    Team,
)
from calmdesk.playbook.followup import load_plan
from calmdesk.sms import sms_enabled

LEVEL_ORDER = [Level.CALM, Level.TENSE, Level.DIFFICULT, Level.HOSTILE]
MAX_RECIPIENTS = 5000


@dataclass(frozen=True)
class CampaignFilters:
    resolved_from: date
    resolved_to: date
    location: str = ""  # slug
    team: str = ""  # slug
    channel: str = ""
    level_at_least: str = ""

    @classmethod
    def check(cls, data: dict) -> CampaignFilters:
        try:
            start = date.fromisoformat(str(data.get("resolved_from", "")))
            end = date.fromisoformat(str(data.get("resolved_to", "")))
        except ValueError:
            raise ValidationError(
                "Give the resolved-from and resolved-to dates (YYYY-MM-DD)."
            ) from None
        if end < start:
            raise ValidationError("The end date is before the start date.")
        if (end - start).days > 366:
            raise ValidationError("Choose at most a year.")
        f = cls(
            start,
            end,
            str(data.get("location") or ""),
            str(data.get("team") or ""),
            str(data.get("channel") or ""),
            str(data.get("level_at_least") or ""),
        )
        if f.location and not Location.objects.filter(slug=f.location).exists():
            raise ValidationError(f"Unknown location {f.location!r}.")
        if f.team and not Team.objects.filter(slug=f.team).exists():
            raise ValidationError(f"Unknown team {f.team!r}.")
        if f.channel and f.channel not in Channel.values:
            raise ValidationError(f"Unknown channel {f.channel!r}.")
        if f.level_at_least and f.level_at_least not in Level.values:
            raise ValidationError(f"Unknown level {f.level_at_least!r}.")
        return f

    def as_json(self) -> dict:
        d = asdict(self)
        d["resolved_from"], d["resolved_to"] = (
            self.resolved_from.isoformat(),
            self.resolved_to.isoformat(),
        )
        return d


def recipients(
    filters: CampaignFilters, conversations=None, now: datetime | None = None
) -> list[tuple[int, int]]:
    """(customer id, their latest matching conversation id), in a stable order."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    qs = (conversations if conversations is not None else Conversation.objects.all()).filter(
        status__in=[Status.RESOLVED, Status.CLOSED],
        resolved_at__gte=datetime.combine(filters.resolved_from, time.min, tzinfo=tz),
        resolved_at__lt=datetime.combine(
            filters.resolved_to + timedelta(days=1), time.min, tzinfo=tz
        ),
        customer__merged_into__isnull=True,
    )
    if filters.location:
        qs = qs.filter(location__slug=filters.location)
    if filters.team:
        qs = qs.filter(team__slug=filters.team)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.level_at_least:
        qs = qs.filter(level__in=LEVEL_ORDER[LEVEL_ORDER.index(filters.level_at_least) :])
    kinds = [IdentityKind.EMAIL] + ([IdentityKind.PHONE] if sms_enabled() else [])
    qs = qs.filter(customer__identities__kind__in=kinds)
    qs = qs.exclude(
        customer_id__in=ContactPreference.objects.filter(unsubscribed_at__isnull=False).values(
            "customer_id"
        )
    )
    gap = load_plan().min_days_between_surveys
    if gap:
        qs = qs.exclude(
            customer_id__in=Survey.objects.filter(sent_at__gte=now - timedelta(days=gap)).values(
                "customer_id"
            )
        )
    rows = qs.values("customer_id").annotate(last=Max("id")).order_by("customer_id")
    return [(r["customer_id"], r["last"]) for r in rows[: MAX_RECIPIENTS + 1]]


@transaction.atomic
def do_create_campaign(
    agent: Agent, name: str, kind: str, filters: CampaignFilters
) -> SurveyCampaign:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ValidationError("Give the campaign a name.")
    if kind not in SurveyKind.values:
        raise ValidationError("Choose CSAT or NPS.")
    return SurveyCampaign.objects.create(
        name=name, kind=kind, filters=filters.as_json(), created_by=agent
    )


@transaction.atomic
def do_send_campaign(
    agent: Agent, campaign: SurveyCampaign, expected: int, conversations=None
) -> int:
    """Send the campaign once, to exactly the previewed count; returns surveys sent."""
    found = recipients(CampaignFilters.check(campaign.filters), conversations)
    if len(found) > MAX_RECIPIENTS:
        raise ValidationError(f"More than {MAX_RECIPIENTS:,} customers: narrow the filter.")
    if len(found) != expected:
        raise ValidationError(
            f"The recipients changed since the preview ({expected} then, "
            f"{len(found)} now). Check the preview again."
        )
    if not SurveyCampaign.objects.filter(pk=campaign.pk, state=CampaignState.DRAFT).update(
        state=CampaignState.SENT, sent_at=timezone.now(), recipients=len(found)
    ):
        raise ValidationError("This campaign was already sent.")
    plan = load_plan()
    customers = Customer.objects.in_bulk([c for c, _ in found])
    conversations_by_id = Conversation.objects.select_related("team", "assignee__user").in_bulk(
        [v for _, v in found]
    )
    sent = 0
    for customer_id, conversation_id in found:
        survey = do_send_survey(
            customers[customer_id],
            campaign.kind,
            campaign=campaign,
            conversation=conversations_by_id[conversation_id],
            plan=plan,
        )
        sent += survey is not None
    log_event(EventKind.SURVEY_CAMPAIGN_SENT, actor=agent, campaign=campaign.pk, sent=sent)
    return sent
