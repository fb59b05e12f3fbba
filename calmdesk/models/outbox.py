from django.db import models
from django.db.models import Q


class OutboxKind(models.TextChoices):
    REPLY = "reply", "Reply"
    FOLLOW_UP = "follow_up", "Follow-up"
    SURVEY = "survey", "Survey"
    REMINDER = "reminder", "Survey reminder"
    ALERT = "alert", "Alert to an agent"


class OutboxChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    WEBHOOK = "webhook", "Webhook"


class OutboxState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Gave up"
    CANCELLED = "cancelled", "Cancelled"


class OutboxMessage(models.Model):
    """One thing to send, written in the same transaction as the decision to send it.

    A sender (`calmdesk outbox send`, the periodic job or a Celery task)
    claims a row with a conditional UPDATE (state pending -> sending, with a
    lease and a claim token), sends it outside any transaction, and records
    the result only if it still holds the claim. A worker that dies leaves
    the row `sending`; once the lease expires another sender takes it over
    and retries with the same Message-ID / idempotency key. `key` is unique,
    so deciding to send the same thing twice adds nothing.
    """

    key = models.CharField(max_length=200, unique=True)  # e.g. "reply:42", "survey:7"
    kind = models.CharField(max_length=16, choices=OutboxKind.choices)
    channel = models.CharField(max_length=16, choices=OutboxChannel.choices)
    state = models.CharField(
        max_length=16, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    # May hold the placeholder {survey_url}/{unsubscribe_url}: filled at send time from
    # the linked survey/customer, so no usable token is ever stored.
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    message = models.ForeignKey(
        "calmdesk.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    survey = models.ForeignKey(
        "calmdesk.Survey", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    customer = models.ForeignKey(
        "calmdesk.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claim = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbox_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.state})"
