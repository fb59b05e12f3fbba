"""Compensation offers, their approvals and their outcomes."""

from django.db import models


class CompensationKind(models.TextChoices):
    REFUND = "refund", "Refund"
    REPLACEMENT = "replacement", "Replacement"
    STORE_CREDIT = "store_credit", "Store credit"
    VOUCHER = "voucher", "Voucher"
    DISCOUNT = "discount", "Discount"
    FEE_WAIVER = "fee_waiver", "Fee waiver"


class CompensationState(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved, not yet offered"
    REJECTED = "rejected", "Rejected"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined by the customer"
    WITHDRAWN = "withdrawn", "Withdrawn"


# States that count as compensation given or on the table (for the history).
GIVEN = (CompensationState.OFFERED, CompensationState.ACCEPTED)


class Compensation(models.Model):
    """One offer: kind, amount, who proposed it, who approved it, and what came of it.

    Within the proposer's limit (policy.compensation.limits, halved for a
    habitual claimant by habitual_factor) it is offered at once; above it,
    or when a rule requires approval, it waits for someone whose limit
    covers the amount (`required_role`) to approve or reject with a reason.
    """

    conversation = models.ForeignKey(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="compensations"
    )
    customer = models.ForeignKey(
        "calmdesk.Customer", on_delete=models.CASCADE, related_name="compensations"
    )
    kind = models.CharField(max_length=16, choices=CompensationKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=16, choices=CompensationState.choices)
    note = models.CharField(max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    limit = models.DecimalField(max_digits=10, decimal_places=2)  # the proposer's, when proposed
    required_role = models.CharField(max_length=16, blank=True)  # who must approve; "" none
    approval_reason = models.CharField(max_length=300, blank=True)  # why approval is needed
    decided_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="comp_state_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.state})"
