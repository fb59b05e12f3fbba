"""Signing in and out, and changing one's password (Django auth; argon2 hashes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from calmdesk.web.auth import agent_required


class LoginView(auth_views.LoginView):
    template_name = "calmdesk/account/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): the sign-out button is a small form in the header."""


@method_decorator(agent_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "calmdesk/account/password.html"
    success_url = reverse_lazy("inbox")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "agent": self.request.agent}
