from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "anlan.patrols"
    verbose_name = _("Online patrols and spot checks")
    default_auto_field = "django.db.models.BigAutoField"
