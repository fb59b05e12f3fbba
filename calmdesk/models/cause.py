"""Root causes: why customers became difficult, who owns the fix, and whether it worked.

A RootCause is one entry of the taxonomy (seeded from the playbook policy's
`root_causes`, or accepted from a discovery proposal). Each difficult
conversation gets one primary ConversationCause, set by the taxonomy's
rules, by the trained classifier, or by an agent (an agent's correction is
a training label for the next model). A CauseProposal is a cluster of
complaints that fit no cause, waiting for a manager's decision.

ReplyReview (post-hoc QA of every reply by the playbook's coach) lives here
too because insights owns it; it can move to its own module with no change
to the table.
"""

from django.db import models


class CauseStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class CauseOrigin(models.TextChoices):
    POLICY = "policy", "From the policy"
    DISCOVERED = "discovered", "Found by discovery"
    MANUAL = "manual", "Added by a manager"


class CauseSource(models.TextChoices):
    RULE = "rule", "Taxonomy rule"
    MODEL = "model", "Classifier"
    AGENT = "agent", "Agent"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class RootCause(models.Model):
    """Something the business can fix, with the person who owns the fix.

    `fix_date` splits the complaint history into before and after, which is
    what the cause page's verdict compares.
    """

    key = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    cues = models.JSONField(default=list, blank=True)  # extra keyword cues (discovered causes)
    origin = models.CharField(
        max_length=16, choices=CauseOrigin.choices, default=CauseOrigin.MANUAL
    )
    status = models.CharField(
        max_length=16, choices=CauseStatus.choices, default=CauseStatus.ACTIVE
    )
    owner = models.ForeignKey(
        "calmdesk.Agent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_causes",
    )
    fix_description = models.TextField(blank=True)
    fix_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class ConversationCause(models.Model):
    """The root cause of one conversation, and how it was decided.

    `occurred_at` is when the customer first wrote (copied here so trends
    over causes need no join to messages).
    """

    conversation = models.OneToOneField(
        "calmdesk.Conversation", on_delete=models.CASCADE, related_name="cause_assignment"
    )
    cause = models.ForeignKey(RootCause, on_delete=models.PROTECT, related_name="assignments")
    source = models.CharField(max_length=8, choices=CauseSource.choices)
    confidence = models.FloatField(default=0.0)
    assigned_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["cause", "occurred_at"], name="convcause_cause_time"),
            models.Index(fields=["occurred_at"], name="convcause_time"),
            models.Index(fields=["source"], name="convcause_source"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.cause_id} ({self.source})"


class CauseProposal(models.Model):
    """A cluster of recent complaints that fit no cause, proposed as a new one.

    `signature` (the sorted top terms) keeps a weekly re-run from proposing
    the same cluster twice.
    """

    label = models.CharField(max_length=120)
    terms = models.JSONField(default=list)
    examples = models.JSONField(default=list)  # [{"conversation": id, "text": "..."}]
    conversation_ids = models.JSONField(default=list)
    size = models.PositiveIntegerField(default=0)
    cohesion = models.FloatField(default=0.0)
    signature = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    cause = models.ForeignKey(
        RootCause, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    decided_by = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label


class ReplyReview(models.Model):
    """The coach's verdict on one sent reply (post-hoc QA of every reply)."""

    message = models.OneToOneField(
        "calmdesk.Message", on_delete=models.CASCADE, related_name="review"
    )
    author = models.ForeignKey(
        "calmdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    findings = models.JSONField(default=list)  # finding kinds, in order
    sent_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["author", "sent_at"], name="replyreview_author_time")]

    def __str__(self) -> str:
        return f"review of message {self.message_id}: {self.score}"
