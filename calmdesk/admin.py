"""Django admin: the settings pages for admins (teams, agents, locations, mailboxes)
and a read-only view of the audit log.

Configuration rows are edited here directly; conversations, messages and
customers are not (they change only through calmdesk.actions, so every
change is in the audit log). Users with the admin role get is_staff.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from calmdesk.models import Agent, ApiToken, Event, Location, Mailbox, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "username", "role", "team_list", "active")
    list_filter = ("role", "teams", "user__is_active")
    search_fields = ("user__username", "display_name", "user__email")
    filter_horizontal = ("teams",)
    raw_id_fields = ("user",)
    list_select_related = ("user",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("teams")

    @admin.display(ordering="user__username")
    def username(self, obj: Agent) -> str:
        return obj.user.get_username()

    @admin.display(description="teams")
    def team_list(self, obj: Agent) -> str:
        return ", ".join(t.name for t in obj.teams.all()) or "all (by role)"

    @admin.display(boolean=True, ordering="user__is_active")
    def active(self, obj: Agent) -> bool:
        return obj.user.is_active


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "team", "contact_email", "contact_phone")
    list_filter = ("team",)
    search_fields = ("name", "slug", "address")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("team",)


class MailboxForm(forms.ModelForm):
    """The IMAP password is write-only: never shown, kept when left empty."""

    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Leave empty to keep the current password.",
    )

    class Meta:
        model = Mailbox
        fields = (
            "name",
            "team",
            "host",
            "port",
            "use_ssl",
            "username",
            "password",
            "folder",
            "active",
        )

    def clean_password(self) -> str:
        value = self.cleaned_data.get("password", "")
        if not value and self.instance.pk:
            return self.instance.password
        if not value:
            raise forms.ValidationError("A new mailbox needs a password.")
        return value


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = (
        "name",
        "team",
        "host",
        "username",
        "folder",
        "active",
        "last_polled_at",
        "has_error",
    )
    list_filter = ("active", "team")
    search_fields = ("name", "host", "username")
    readonly_fields = ("last_uid", "last_polled_at", "last_error")
    list_select_related = ("team",)

    @admin.display(boolean=True, description="error")
    def has_error(self, obj: Mailbox) -> bool:
        return bool(obj.last_error)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit log: append-only, so read-only here."""

    list_display = ("created_at", "kind", "actor", "conversation_id", "customer_id")
    list_filter = ("kind",)
    search_fields = ("kind",)
    date_hierarchy = "created_at"
    list_select_related = ("actor__user",)
    readonly_fields = (
        "kind",
        "actor",
        "conversation",
        "customer",
        "before",
        "after",
        "data",
        "created_at",
    )


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created with `calmdesk token`; only their prefix is shown.

    Read-only except for one action, "Revoke selected tokens", which goes
    through calmdesk.actions.do_revoke_token (so it is in the audit log).
    """

    list_display = ("prefix", "agent", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("agent__user",)
    search_fields = ("prefix", "name", "agent__user__username")
    fields = ("prefix", "agent", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke_tokens",)

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke_tokens(self, request, queryset) -> None:
        from calmdesk.actions import do_revoke_token

        actor = Agent.objects.filter(user=request.user).first()
        revoked = sum(do_revoke_token(actor, token) for token in queryset)
        already = len(queryset) - revoked
        self.message_user(
            request,
            f"Revoked {revoked} token(s)."
            + (f" {already} already revoked, left as they were." if already else ""),
            messages.SUCCESS,
        )
