from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RescueConfig(AppConfig):
    name = "anlan.rescue"
    label = "rescue"
    verbose_name = _("Emergency rescue forces")
