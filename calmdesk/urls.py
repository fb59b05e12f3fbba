from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from calmdesk.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
]

# Feature areas with pages of their own: calmdesk/web/<area>/urls.py.
for _prefix, _module in (
    ("escalation/", "calmdesk.web.escalation.urls"),
    ("follow-up/", "calmdesk.web.followup.urls"),
    ("reputation/", "calmdesk.web.reputation.urls"),
    ("insights/", "calmdesk.web.insights.urls"),
):
    if find_spec(_module.rsplit(".", 1)[0]) is not None and find_spec(_module) is not None:
        urlpatterns.append(path(_prefix, include(_module)))

urlpatterns.append(path("", include("calmdesk.web.urls")))
