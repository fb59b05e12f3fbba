"""Mounted at /escalation/ by calmdesk/urls.py. Every pattern has a rule in
tests/escalation/test_permissions.py."""

from django.urls import path

from calmdesk.web.escalation import actions, handoff, views

app_name = "escalation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("approvals/", views.approvals, name="approvals"),
    path("boundaries/", views.boundaries, name="boundaries"),
    path("exposure/", views.exposure, name="exposure"),
    path("break/", actions.take_break, name="break"),
    path("c/<int:pk>/panel/", actions.panel, name="panel"),
    path("c/<int:pk>/escalate/", actions.escalate, name="escalate"),
    path("c/<int:pk>/deescalate/", actions.deescalate, name="deescalate"),
    path("c/<int:pk>/promise/", actions.add_promise, name="add_promise"),
    path("c/<int:pk>/compensation/", actions.propose, name="propose"),
    path("c/<int:pk>/block/", actions.block, name="block"),
    path("c/<int:pk>/handoff/", handoff.request_form, name="handoff"),
    path("promises/<int:pk>/close/", actions.close_promise, name="close_promise"),
    path("compensation/<int:pk>/decide/", actions.decide, name="decide"),
    path("compensation/<int:pk>/outcome/", actions.outcome, name="outcome"),
    path("warnings/<int:pk>/dismiss/", actions.dismiss_warning, name="dismiss_warning"),
    path("blocks/<int:pk>/lift/", actions.lift, name="lift"),
    path("handoffs/<int:pk>/", handoff.acknowledge_page, name="handoff_page"),
    path("handoffs/<int:pk>/acknowledge/", handoff.acknowledge, name="acknowledge"),
    path("handoffs/<int:pk>/decline/", handoff.decline, name="decline"),
    path("handoffs/<int:pk>/cancel/", handoff.cancel, name="cancel"),
]
