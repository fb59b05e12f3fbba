from django.apps import AppConfig


class WebConfig(AppConfig):
    """The desk's pages. An app of its own so its templates and static files are found."""

    name = "calmdesk.web"
    label = "calmdesk_web"
    verbose_name = "Calmdesk web"
