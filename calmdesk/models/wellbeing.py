"""Agent wellbeing: exposure to hostile and abusive conversations, per shift."""

from django.db import models


class ShiftExposure(models.Model):
    """One agent's shift: the hostile and abusive conversations they handled.

    A shift starts with the agent's first counted conversation and lasts
    `policy.wellbeing.shift_hours`, or ends earlier where the agent's next
    shift begins: one agent's shifts never overlap (actions.wellbeing). Past `hostile_per_shift` the agent is
    offered a break and the next hostile conversation goes to someone else.
    """

    agent = models.ForeignKey("calmdesk.Agent", on_delete=models.CASCADE, related_name="shifts")
    started_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    hostile = models.PositiveSmallIntegerField(default=0)  # distinct conversations counted
    abusive = models.PositiveSmallIntegerField(default=0)  # of which with abuse at staff
    conversation_ids = models.JSONField(default=list)
    break_offered_at = models.DateTimeField(null=True, blank=True)
    break_taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "started_at"], name="shift_agent_start_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} from {self.started_at:%Y-%m-%d %H:%M}: {self.hostile} hostile"
