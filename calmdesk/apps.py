from django.apps import AppConfig


class CalmdeskConfig(AppConfig):
    name = "calmdesk"
    verbose_name = "Calmdesk"
    default_auto_field = "django.db.models.BigAutoField"
