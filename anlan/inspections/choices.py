from django.db import models
from django.utils.translation import gettext_lazy as _


class ClauseGroup(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    INDUSTRY = "industry", _("Industry")
    SPECIAL = "special", _("Special (cross-cutting)")
    CATEGORY = "category", _("Category")  # coal-mine standard: the 15 categories
    DEVICE = "device", _("Failed safety device")  # 工贸 Art. 14
