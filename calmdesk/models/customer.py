from django.db import models

from calmdesk.models.choices import IdentityKind


class Customer(models.Model):
    """One person, however many channels they write on.

    A merged customer keeps its row (for the audit trail) with `merged_into`
    set; its identities and conversations move to the customer it merged into.
    """

    name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    vip = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or f"Customer #{self.pk}"


class Identity(models.Model):
    """One way to reach a customer, normalized (lower-case email, E.164 phone)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    value = models.CharField(max_length=320)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_kind_value_unique")
        ]
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
