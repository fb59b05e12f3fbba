"""The promise ledger: what we told a customer we would do, and by when."""

from django.db import models
from django.db.models import Q


class CommitmentState(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"
    CANCELLED = "cancelled", "Withdrawn"


class CommitmentSource(models.TextChoices):
    DETECTED = "detected", "Found in a reply"
    MANUAL = "manual", "Added by hand"


class Commitment(models.Model):
    """A promise made to a customer, with its due time, owner and state.

    Found in outbound replies (one per promising sentence, idempotent by
    message and position) or added by hand. The sweep reminds the owner
    before the due time and marks an open promise broken after it.
    """

    conversation = models.ForeignKey(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="commitments"
    )
    message = models.ForeignKey(
        "calmdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)  # offset of the sentence in the message
    text = models.CharField(max_length=500)
    time_text = models.CharField(max_length=100, blank=True)  # "" : the SLA set the due time
    due_at = models.DateTimeField(db_index=True)
    owner = models.ForeignKey(
        "calmdesk.Agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    source = models.CharField(max_length=16, choices=CommitmentSource.choices)
    state = models.CharField(
        max_length=16, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    created_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "position"],
                condition=Q(message__isnull=False),
                name="commitment_once_per_sentence",
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="commitment_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.text[:60]} (due {self.due_at:%Y-%m-%d %H:%M}, {self.state})"
