from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "anlan.commitments"
    verbose_name = _("Safety commitments")
    default_auto_field = "django.db.models.BigAutoField"
