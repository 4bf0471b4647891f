from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "anlan.commitments"
    verbose_name = _("Safety commitments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anlan.supervision.strict import register_provider

        from .services import strict_list_reasons

        register_provider(
            "commitment", strict_list_reasons, label=_("No safety commitment by the due time")
        )
