"""Every choice field's values, in one place. Never bare strings or numbers."""

from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    LEAD = "lead", "Team lead"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    SMS = "sms", "SMS"
    REVIEW = "review", "Review"
    SOCIAL = "social", "Social"
    API = "api", "API"


PUBLIC_CHANNELS = frozenset({Channel.REVIEW, Channel.SOCIAL})


class Status(models.TextChoices):
    OPEN = "open", "Open"
    PENDING = "pending", "Waiting on customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Level(models.TextChoices):
    CALM = "calm", "Calm"
    TENSE = "tense", "Tense"
    DIFFICULT = "difficult", "Difficult"
    HOSTILE = "hostile", "Hostile"


LEVEL_RANK = {Level.CALM: 0, Level.TENSE: 1, Level.DIFFICULT: 2, Level.HOSTILE: 3}
# The same ranking as a database expression (the inbox orders by it, and an index matches it).
LEVEL_RANK_EXPR = models.Case(
    *[models.When(level=level, then=models.Value(rank)) for level, rank in LEVEL_RANK.items()],
    default=models.Value(0),
    output_field=models.IntegerField(),
)


class Direction(models.TextChoices):
    IN = "in", "From the customer"
    OUT = "out", "Reply"
    NOTE = "note", "Internal note"


class IdentityKind(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    HANDLE = "handle", "Social handle"
    REVIEW_NAME = "review_name", "Review-site name"


class Delivery(models.TextChoices):
    NONE = "", "Not sent"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    RECORDED = "recorded", "Recorded (no delivery configured)"
