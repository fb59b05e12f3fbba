from django.db import models
from django.db.models import F

from calmdesk.models.choices import LEVEL_RANK_EXPR, Channel, Level, Status
from calmdesk.models.sla import EscalationLevel, SlaState

QUEUE_ORDER = (
    F("status"),
    LEVEL_RANK_EXPR.desc(),
    F("priority").desc(),
    F("difficulty").desc(),
    F("last_inbound_at").asc(),
    F("id").asc(),
)


class Conversation(models.Model):
    """One case with one customer on one channel: the unit an agent works on.

    difficulty and level follow from the messages' assessments (the current
    difficulty is the latest inbound message's; peak_difficulty the highest).
    `thread_key` is the channel's own thread id (chat thread, review id) used
    to attach later messages. `started_at` is when the customer first wrote
    (the earliest inbound message's sent_at, kept by `receive`; null until
    there is one): the time insights files the conversation under, stored so
    that no insights query aggregates over the messages.
    """

    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    team = models.ForeignKey(
        "calmdesk.Team", on_delete=models.PROTECT, related_name="conversations"
    )
    assignee = models.ForeignKey(
        "calmdesk.Agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    customer = models.ForeignKey(
        "calmdesk.Customer", on_delete=models.PROTECT, related_name="conversations"
    )
    location = models.ForeignKey(
        "calmdesk.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    subject = models.CharField(max_length=300, blank=True)
    thread_key = models.CharField(max_length=300, blank=True, db_index=True)
    difficulty = models.PositiveSmallIntegerField(default=0)
    peak_difficulty = models.PositiveSmallIntegerField(default=0)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.CALM)
    top_reason = models.CharField(max_length=300, blank=True)
    # The agent's framework step override (issue 5): 1-6 in the policy's order; 0 = inferred.
    framework_step = models.PositiveSmallIntegerField(default=0)
    # The customer wrote last and nobody has answered yet.
    awaiting_reply = models.BooleanField(default=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # reviews
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_outbound_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # SLA, escalation and the boundary protocol (calmdesk.actions.sla, .escalation,
    # .abuse; docs/escalation.md). sla_due_at is the earliest open deadline.
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_state = models.CharField(max_length=16, choices=SlaState.choices, default=SlaState.OK)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=0)  # raised by SLA risk, broken promises
    escalation_level = models.CharField(
        max_length=16, choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    escalation_reason = models.CharField(max_length=300, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)  # paused or blocked until

    class Meta:
        ordering = ["-last_inbound_at", "-id"]
        indexes = [
            models.Index(fields=["team", "status", "-difficulty"], name="conv_team_status_diff"),
            models.Index(fields=["status", "-difficulty"], name="conv_status_diff"),
            models.Index(fields=["customer", "-created_at"], name="conv_customer_created"),
            models.Index(fields=["channel", "thread_key"], name="conv_channel_thread"),
            # The inbox order (calmdesk/web/queue.py PRIORITY), for all teams and per team.
            models.Index(*QUEUE_ORDER, name="conv_queue_order"),
            models.Index(F("team"), *QUEUE_ORDER, name="conv_team_queue_order"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject or self.channel}"

    @property
    def reference(self) -> str:
        """The token put in email subjects so replies thread back here."""
        return f"[#CD-{self.pk}]"
