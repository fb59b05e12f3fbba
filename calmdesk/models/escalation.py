"""Escalations up the ladder (lead, then manager) and hand-overs with a brief."""

from django.db import models
from django.db.models import Q

from calmdesk.models.sla import EscalationLevel


class Escalation(models.Model):
    """One step up the ladder, with the reason and the rule (or person) that took it.

    Open while the conversation is escalated; resolved when it is resolved,
    closed or explicitly de-escalated. A conversation has at most one open
    escalation per level.
    """

    conversation = models.ForeignKey(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="escalations"
    )
    level = models.CharField(max_length=16, choices=EscalationLevel.choices)
    reason = models.CharField(max_length=300)
    rule = models.CharField(max_length=200, blank=True)  # the policy rule's name, if a rule
    raised_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "level"],
                condition=Q(resolved_at__isnull=True),
                name="escalation_one_open_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.conversation_id} → {self.level}: {self.reason}"


class HandoffState(models.TextChoices):
    PENDING = "pending", "Waiting for the receiver"
    ACCEPTED = "accepted", "Acknowledged"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class Handoff(models.Model):
    """A hand-over to another agent (or team) with a brief the receiver acknowledges.

    The conversation stays with its current owner until the receiver has read
    the brief and acknowledged it; then it is theirs, and (if asked) the
    customer gets the policy's continuity message from them.
    """

    conversation = models.ForeignKey(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="handoffs"
    )
    from_agent = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_agent = models.ForeignKey(
        "calmdesk.Agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handoffs_in",
    )
    to_team = models.ForeignKey("calmdesk.Team", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    brief = models.JSONField(default=dict)  # playbook.brief(...).to_dict(), as drafted
    brief_text = models.TextField()  # what the sender sent, edited or not
    send_continuity = models.BooleanField(default=True)
    state = models.CharField(
        max_length=16, choices=HandoffState.choices, default=HandoffState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=300, blank=True)
    continuity_message = models.ForeignKey(
        "calmdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=Q(state="pending"),
                name="handoff_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"hand-over of #{self.conversation_id} ({self.state})"
