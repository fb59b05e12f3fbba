"""Intake: one small adapter per channel, each ending in `calmdesk.actions.receive`."""
