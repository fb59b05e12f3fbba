"""The boundary protocol: warnings to abusive customers, and pause/block decisions."""

from django.db import models
from django.db.models import Q


class WarningStage(models.TextChoices):
    WARNING = "warning", "Boundary message"
    FINAL = "final_warning", "Final warning"


class WarningState(models.TextChoices):
    OFFERED = "offered", "Offered to the agent"
    SENT = "sent", "Sent to the customer"
    DISMISSED = "dismissed", "Dismissed by the agent"


class AbuseWarning(models.Model):
    """Abuse aimed at staff, and the boundary message it called for.

    Recorded when the analysis finds abuse in an inbound message (one per
    message); the agent is offered the policy's boundary message (or the
    final warning once `warnings_before_final` warnings were given) and
    sends it in their reply. Nothing is blocked automatically.
    """

    conversation = models.ForeignKey(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="abuse_warnings"
    )
    customer = models.ForeignKey(
        "calmdesk.Customer", on_delete=models.CASCADE, related_name="abuse_warnings"
    )
    message = models.OneToOneField(
        "calmdesk.Message", on_delete=models.CASCADE, related_name="abuse_warning"
    )
    stage = models.CharField(max_length=16, choices=WarningStage.choices)
    state = models.CharField(
        max_length=16, choices=WarningState.choices, default=WarningState.OFFERED
    )
    signals = models.JSONField(default=list)  # the abuse signal kinds found
    evidence = models.JSONField(default=list)  # the words, as spans' text
    text = models.TextField()  # the boundary message offered
    sent_in = models.ForeignKey(
        "calmdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.stage} on #{self.conversation_id} ({self.state})"


class BlockKind(models.TextChoices):
    PAUSE = "pause", "Pause this conversation's channel"
    BLOCK = "block", "Block the contact"


class ContactBlock(models.Model):
    """A lead's or manager's decision to pause a channel or block a contact.

    With a reason, a duration and an audit record. Messages keep arriving and
    are stored (visible to managers); the response clock stops and nobody is
    asked to answer until the block ends or is lifted. The case itself stays
    open: a genuine grievance behind the abuse is still handled.
    """

    customer = models.ForeignKey(
        "calmdesk.Customer", on_delete=models.CASCADE, related_name="blocks"
    )
    conversation = models.ForeignKey(
        "calmdesk.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blocks",
    )
    kind = models.CharField(max_length=8, choices=BlockKind.choices)
    channel = models.CharField(max_length=16, blank=True)  # a pause: that channel only
    reason = models.CharField(max_length=500)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    decided_by = models.ForeignKey("calmdesk.Agent", on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(
                fields=["customer", "ends_at"],
                condition=Q(lifted_at__isnull=True),
                name="block_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} customer #{self.customer_id} until {self.ends_at:%Y-%m-%d %H:%M}"
