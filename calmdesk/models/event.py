from django.db import models


class Event(models.Model):
    """The append-only audit log: who did what, when, with before and after.

    Written only by calmdesk.actions; rows are never updated or deleted.
    """

    kind = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    conversation = models.ForeignKey(
        "calmdesk.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    customer = models.ForeignKey(
        "calmdesk.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Events are append-only")
