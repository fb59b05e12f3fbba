from django.urls import path

from calmdesk.web.reputation import views

urlpatterns = [
    path("", views.dashboard, name="reputation"),
    path("export.csv", views.export, name="reputation_export"),
    path("reputation.js", views.script, name="reputation_js"),
    path("r/<int:pk>/", views.review_page, name="reputation_review"),
    path("r/<int:pk>/reply/", views.reply, name="reputation_reply"),
    path("r/<int:pk>/link/", views.link, name="reputation_link"),
    path("alerts/<int:pk>/ack/", views.acknowledge, name="reputation_alert_ack"),
]
