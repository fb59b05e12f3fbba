from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from calmdesk.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api-docs"),
    path("", include("calmdesk.web.urls")),
]
