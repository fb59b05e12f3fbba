"""CSV downloads of every insights table (formula-safe: see calmdesk.insights.export)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

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


@require_GET
@agent_required(roles=SUPERVISORS)
def export_table(request, name: str):
    if name in PATTERN_TABLES:
        from calmdesk.web.insights.views import overview_data, pattern_tables

        found = {t.name: t for t in pattern_tables(overview_data(request))}
    elif name in TEAM_TABLES:
        from calmdesk.web.insights.team import team_data

        data = team_data(request.agent)
        found = {t.name: data[t.name] for t in (data["service"], data["qa"], data["findings"])}
    else:
        raise Http404("No such table.")
    table = found[name]
    body = to_csv(table.header, table.csv_rows())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="calmdesk-{name}-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
