from django.db import models


class Location(models.Model):
    """A store, branch or listing that reviews and conversations belong to."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    team = models.ForeignKey(
        "calmdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    address = models.CharField(max_length=300, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
