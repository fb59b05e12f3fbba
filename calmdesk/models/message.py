from django.db import models
from django.db.models import Q

from calmdesk.models.choices import Channel, Delivery, Direction, Level


class Message(models.Model):
    """One message in a conversation: from the customer, a reply, or a note.

    (channel, external_id) is unique when external_id is set: intake is
    idempotent by this constraint, not by a read-then-write.
    """

    conversation = models.ForeignKey(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    author = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    body = models.TextField()
    body_html = models.TextField(blank=True)  # sanitized with nh3 at intake
    external_id = models.CharField(max_length=300, blank=True)
    email_message_id = models.CharField(max_length=300, blank=True, db_index=True)
    auto_submitted = models.BooleanField(default=False)
    sent_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    assessment = models.JSONField(null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    level = models.CharField(max_length=16, choices=Level.choices, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=16, choices=Delivery.choices, blank=True, default="")
    delivery_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="message_channel_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "sent_at"], name="msg_conv_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} #{self.pk}"
