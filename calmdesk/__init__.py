"""Calmdesk: a self-hosted service-recovery desk for difficult customer conversations."""

__version__ = "0.1.0"
