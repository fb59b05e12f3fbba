"""`{% notification_badge agent %}`: the header's unread-notifications link.

One COUNT per rendering (calmdesk.web.notifications.unread_count). With
`oob=True` it renders as an htmx out-of-band swap, so a poll that returns a
partial (the inbox's) refreshes the badge too.
"""

from __future__ import annotations

from django import template

from calmdesk.web.notifications import unread_count

register = template.Library()


@register.inclusion_tag("calmdesk/notifications/_badge.html")
def notification_badge(agent, nav: str = "", oob: bool = False) -> dict:
    return {
        "unread": unread_count(agent) if agent else 0,
        "oob": oob,
        "current": nav == "notifications",
    }
