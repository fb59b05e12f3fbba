"""Small display helpers shared by the pages (pure functions)."""

from __future__ import annotations

from datetime import datetime


def duration(seconds: float) -> str:
    """A compact age: '< 1 min', '12 min', '3 h', '2 d 4 h', '5 d'."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "< 1 min"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if days < 3 and hours else f"{days} d"


def waiting(conversation, now: datetime) -> str:
    """How long the customer has waited for an answer; empty when nobody is waiting."""
    if not conversation.awaiting_reply or conversation.last_inbound_at is None:
        return ""
    return duration((now - conversation.last_inbound_at).total_seconds())


def first_line(text: str | None, limit: int = 120) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""
