from django.db import models
from django.utils.translation import gettext_lazy as _


class ClauseGroup(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    INDUSTRY = "industry", _("Industry")
    SPECIAL = "special", _("Special (cross-cutting)")
    CATEGORY = "category", _("Category")  # coal-mine standard: the 15 categories
    DEVICE = "device", _("Failed safety device")  # 工贸 Art. 14


class StandardNumbering(models.TextChoices):
    """How a standard's clauses are cited."""

    ARTICLE = "article", _("Articles and items (第N条第（M）项)")
    LIST = "list", _("Numbered list under headings (…第M项)")
