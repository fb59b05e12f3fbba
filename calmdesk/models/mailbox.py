from django.db import models


class Mailbox(models.Model):
    """An IMAP mailbox polled for customer email, feeding one team."""

    name = models.CharField(max_length=100, unique=True)
    team = models.ForeignKey("calmdesk.Team", on_delete=models.PROTECT, related_name="mailboxes")
    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True)
    username = models.CharField(max_length=200)
    password = models.CharField(max_length=200)
    folder = models.CharField(max_length=200, default="INBOX")
    active = models.BooleanField(default=True)
    last_uid = models.PositiveBigIntegerField(null=True, blank=True)
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.name
