"""`{{ moment|when }}`: a date and time people read at a glance, with the year when it matters.

'Wed 12 Mar 15:00' for a time within about six months of now in this year;
'Wed 1 Jan 2020 10:00' otherwise, so an old or far-off due time is not
mistaken for a near one. In the current time zone, like Django's `date`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import formats, timezone

register = template.Library()

NEAR = timedelta(days=183)


@register.filter
def when(value: datetime | None) -> str:
    if not isinstance(value, datetime):
        return ""
    now = timezone.now()
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    near = abs(value - now) <= NEAR if timezone.is_aware(value) else False
    same_year = local.year == timezone.localtime(now).year
    return formats.date_format(local, "D j M H:i" if near and same_year else "D j M Y H:i")
