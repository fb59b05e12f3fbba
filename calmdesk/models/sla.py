"""SLA states and the escalation ladder's rungs (the fields live on Conversation)."""

from django.db import models


class SlaState(models.TextChoices):
    OK = "ok", "On time"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


class EscalationLevel(models.TextChoices):
    NONE = "none", "Not escalated"
    LEAD = "lead", "Team lead"
    MANAGER = "manager", "Manager"


ESCALATION_RANK = {EscalationLevel.NONE: 0, EscalationLevel.LEAD: 1, EscalationLevel.MANAGER: 2}


class Priority:
    """How much each open problem adds to Conversation.priority (a score, summed)."""

    SLA_AT_RISK = 1
    SLA_BREACHED = 2
    PROMISE_BROKEN = 2
