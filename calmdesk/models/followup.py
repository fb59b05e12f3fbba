"""Closing the loop after a case: follow-ups and the customer's later behaviour."""

from django.db import models
from django.db.models import Q


class FollowUpState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Not sent"  # the policy says none, no private contact, unsubscribed


class FollowUpMode(models.TextChoices):
    AUTO = "auto", "Sent automatically"
    REVIEW = "review", "Agent reviews first"


class FollowUpMessage(models.TextChoices):
    CHECK_IN = "check_in", "Personal check-in"
    SURVEY_ONLY = "survey_only", "Survey only"
    NONE = "none", "Nothing"


class FollowUp(models.Model):
    """What happens after one resolution of a conversation: one row per resolution.

    Planned when the conversation is resolved, from the policy's follow-up
    plan (channel and level). `resolution_at` is the conversation's
    `resolved_at` at planning time, unique per conversation, so planning is
    idempotent. A review-mode follow-up is sent only once an agent approved
    it; the periodic job sends approved, due ones with a conditional UPDATE
    (scheduled -> sent), so nothing is sent twice.
    """

    conversation = models.ForeignKey(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="follow_ups"
    )
    resolution_at = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=FollowUpState.choices, default=FollowUpState.SCHEDULED
    )
    mode = models.CharField(max_length=8, choices=FollowUpMode.choices, default=FollowUpMode.REVIEW)
    message_kind = models.CharField(
        max_length=16, choices=FollowUpMessage.choices, default=FollowUpMessage.CHECK_IN
    )
    survey_kind = models.CharField(max_length=8, blank=True)  # "", "csat", "nps"
    channel = models.CharField(max_length=16, blank=True)  # email / sms: how it goes out
    due_at = models.DateTimeField(db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    draft = models.TextField(blank=True)
    rule = models.CharField(max_length=200, blank=True)  # which plan rule chose this
    reason = models.CharField(max_length=300, blank=True)  # why skipped / cancelled
    approved_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_message = models.ForeignKey(
        "calmdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "resolution_at"], name="followup_one_per_resolution"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(state="scheduled"), name="followup_scheduled_due"
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up for #{self.conversation_id} ({self.state})"

    @property
    def ready(self) -> bool:
        return self.mode == FollowUpMode.AUTO or self.approved_at is not None


class CustomerEventKind(models.TextChoices):
    PURCHASE = "purchase", "Purchase"
    RENEWAL = "renewal", "Renewal"
    CANCELLATION = "cancellation", "Cancellation"
    REFUND = "refund", "Refund requested"
    OTHER = "other", "Other"


POSITIVE_EVENTS = frozenset({CustomerEventKind.PURCHASE, CustomerEventKind.RENEWAL})
NEGATIVE_EVENTS = frozenset({CustomerEventKind.CANCELLATION})


class CustomerEvent(models.Model):
    """Something the customer did elsewhere (a purchase, a cancellation), posted by
    the business's own systems to POST /api/v1/customers/{id}/events. Later
    behaviour is the strongest sign of whether a difficult case was recovered."""

    customer = models.ForeignKey(
        "calmdesk.Customer", on_delete=models.CASCADE, related_name="behaviour_events"
    )
    kind = models.CharField(max_length=16, choices=CustomerEventKind.choices)
    occurred_at = models.DateTimeField()
    external_id = models.CharField(max_length=200, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="custevent_external_id"
            ),
        ]
        indexes = [models.Index(fields=["customer", "occurred_at"], name="custevent_customer_at")]

    def __str__(self) -> str:
        return f"{self.kind} by customer {self.customer_id}"
