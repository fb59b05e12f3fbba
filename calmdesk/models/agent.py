from django.conf import settings
from django.db import models

from calmdesk.models.choices import Role


class Agent(models.Model):
    """A person on the support team: a Django user with a role and teams.

    Agents and leads see their teams' conversations; managers and admins see
    every team; admins also change settings.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField("calmdesk.Team", related_name="agents", blank=True)
    display_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    @property
    def sees_all_teams(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)
