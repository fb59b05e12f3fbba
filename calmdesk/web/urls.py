"""The desk's pages. Every pattern here has a rule in tests/web/test_permissions.py."""

from django.urls import path

from calmdesk.web import (
    account,
    conversation,
    customers,
    inbox,
    manager,
    notifications,
    playbook,
    policy,
)

urlpatterns = [
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("", inbox.inbox, name="inbox"),
    path("c/<int:pk>/", conversation.conversation_page, name="conversation"),
    path("c/<int:pk>/timeline/", conversation.conversation_timeline, name="conversation_timeline"),
    path("c/<int:pk>/reply/", conversation.reply, name="conversation_reply"),
    path("c/<int:pk>/note/", conversation.add_note, name="conversation_note"),
    path("c/<int:pk>/assign/", conversation.assign, name="conversation_assign"),
    path("c/<int:pk>/status/", conversation.set_status, name="conversation_status"),
    path("c/<int:pk>/playbook/", playbook.panel, name="conversation_playbook"),
    path("c/<int:pk>/draft/", playbook.draft, name="conversation_draft"),
    path("c/<int:pk>/coach/", playbook.coach_view, name="conversation_coach"),
    path("c/<int:pk>/step/", playbook.set_step, name="conversation_step"),
    path("customers/<int:pk>/", customers.customer_page, name="customer"),
    path("customers/<int:pk>/merge/", customers.merge, name="customer_merge"),
    path("manager/", manager.manager, name="manager"),
    path("notifications/", notifications.notifications_page, name="notifications"),
    path("notifications/read/", notifications.mark_all_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", notifications.open_notification, name="notification_open"),
    path("settings/policy/", policy.policy_page, name="policy"),
]
