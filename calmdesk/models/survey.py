"""Private feedback: CSAT and NPS surveys, campaigns, and customers' opt-outs."""

from django.db import models


class SurveyKind(models.TextChoices):
    CSAT = "csat", "Satisfaction (1-5)"
    NPS = "nps", "Recommend (0-10)"


SCALE = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}


class SurveyState(models.TextChoices):
    SENT = "sent", "Sent"
    ANSWERED = "answered", "Answered"
    SKIPPED = "skipped", "Not sent"


class CampaignState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"


class SurveyCampaign(models.Model):
    """A survey sent to a filtered set of customers, previewed (count and sample)
    before sending. `filters` holds the validated filter values (see
    actions.surveys.CampaignFilters); sending is a conditional UPDATE
    draft -> sent, so a double click sends once."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=SurveyKind.choices, default=SurveyKind.CSAT)
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=8, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    created_by = models.ForeignKey(
        "calmdesk.Agent", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    """One survey sent to one customer, answered at most once.

    The link's token is never stored: it is derived (HMAC with the secret key)
    from `token_nonce`, and only its SHA-256 (`token_hash`) is kept for the
    lookup. It expires at `expires_at`; one reminder at most (`reminded_at`).
    """

    kind = models.CharField(max_length=8, choices=SurveyKind.choices)
    customer = models.ForeignKey(
        "calmdesk.Customer", on_delete=models.CASCADE, related_name="surveys"
    )
    conversation = models.ForeignKey(
        "calmdesk.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    campaign = models.ForeignKey(
        SurveyCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    follow_up = models.ForeignKey(
        "calmdesk.FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    channel = models.CharField(max_length=16)  # email / sms
    state = models.CharField(max_length=8, choices=SurveyState.choices, default=SurveyState.SENT)
    token_nonce = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.SmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    assessment = models.JSONField(null=True, blank=True)  # the comment, judged by the engine
    low = models.BooleanField(default=False)  # low score or upset comment: a recovery case
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "answered_at"], name="survey_customer_answered"),
            models.Index(fields=["state", "sent_at"], name="survey_state_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} survey #{self.pk}"

    @property
    def scale(self) -> tuple[int, int]:
        return SCALE[SurveyKind(self.kind)]


class ContactPreference(models.Model):
    """A customer's opt-out of surveys, reminders, campaigns and automatic
    follow-ups, on every channel. Created when a first unsubscribe link is
    needed; the link's token is derived from `token_nonce` like a survey's."""

    customer = models.OneToOneField(
        "calmdesk.Customer", on_delete=models.CASCADE, related_name="contact_preference"
    )
    token_nonce = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_via = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"preferences of customer {self.customer_id}"
