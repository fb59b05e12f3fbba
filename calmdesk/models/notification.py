from django.db import models


class Notification(models.Model):
    """An in-app alert for one agent (escalations, broken promises, low survey
    scores, negative reviews, spikes, ...). THE one alert model: every area
    raises alerts through calmdesk.actions.notify.notify(), which also sends
    email and the Slack-compatible webhook."""

    recipient = models.ForeignKey(
        "calmdesk.Agent", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(
        max_length=64
    )  # e.g. "escalation", "survey.low_score", "review.negative"
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    conversation = models.ForeignKey(
        "calmdesk.Conversation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
