from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "anlan.supervision"
    verbose_name = _("Duties and strict supervision")
    default_auto_field = "django.db.models.BigAutoField"
