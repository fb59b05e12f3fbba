"""The insights area, mounted at /insights/ by calmdesk/urls.py."""

from django.urls import path

from calmdesk.web.insights import assets, exports, team, views

app_name = "insights"

urlpatterns = [
    path("", views.patterns_page, name="patterns"),
    path("causes/", views.causes_page, name="causes"),
    path("causes/<int:pk>/", views.cause_page, name="cause"),
    path("proposals/<int:pk>/decide/", views.decide_proposal, name="decide_proposal"),
    path("team/", team.team_page, name="team"),
    path("conversations/", views.conversations_page, name="conversations"),
    path("c/<int:pk>/cause/", views.correct_cause, name="correct_cause"),
    path("export/<slug:name>.csv", exports.export_table, name="export"),
    path("assets/<slug:ver>/<str:name>", assets.asset, name="asset"),
]
