"""Pages of the escalation area: the manager's queue, approvals, boundaries, exposure,
the conversation panel and the hand-over form and acknowledgement (docs/escalation.md)."""
