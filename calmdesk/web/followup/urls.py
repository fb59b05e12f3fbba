"""Mounted at /follow-up/ by calmdesk/urls.py. `s/` and `u/` are public (token links)."""

from django.urls import path

from calmdesk.web.followup import public, views

app_name = "followup"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("recovery/", views.recovery, name="recovery"),
    path("customers/<int:pk>/", views.customer, name="customer"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("s/<str:token>/", public.survey, name="survey"),
    path("u/<str:token>/", public.unsubscribe, name="unsubscribe"),
]
