"""CSV downloads of every insights table (formula-safe: see calmdesk.insights.export)."""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from calmdesk.insights.export import to_csv
from calmdesk.web.auth import SUPERVISORS, agent_required

PATTERN_TABLES = {
    "weekly",
    "causes",
    "customers",
    "by-cause",
    "by-channel",
    "by-team",
    "by-location",
}
TEAM_TABLES = {"service", "qa", "findings"}
CAUSE_TABLE = re.compile(r"cause-([1-9]\d{0,11})-weekly")  # one cause's weekly table


@require_safe
@agent_required(roles=SUPERVISORS)
def export_table(request, name: str):
    if name in PATTERN_TABLES:
        from calmdesk.web.insights.views import overview_data, pattern_tables

        found = {t.name: t for t in pattern_tables(overview_data(request))}
    elif name in TEAM_TABLES:
        from calmdesk.web.insights.team import team_data

        data = team_data(request.agent)
        found = {t.name: data[t.name] for t in (data["service"], data["qa"], data["findings"])}
    elif match := CAUSE_TABLE.fullmatch(name):
        from calmdesk.access import visible_conversations
        from calmdesk.models import RootCause
        from calmdesk.web.insights.drill import weeks_param
        from calmdesk.web.insights.views import cause_weekly

        cause = get_object_or_404(RootCause, pk=int(match[1]))
        visible = visible_conversations(request.agent)
        table = cause_weekly(visible, cause, weeks_param(request), timezone.now())[3]
        found = {table.name: table}
    else:
        raise Http404("No such table.")
    table = found[name]
    body = to_csv(table.header, table.csv_rows())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="calmdesk-{name}-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
