from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed(sender, **kwargs):
    """After migrating, create the shipped checklists that are missing (idempotent)."""
    from .models import Clause
    from .seed import seed_checklists

    if Clause.objects.exists():
        seed_checklists()


class InspectionsConfig(AppConfig):
    name = "anlan.inspections"
    verbose_name = _("Inspections and determination standards")

    def ready(self):
        post_migrate.connect(_seed, sender=self, dispatch_uid="anlan.inspections.seed")
