from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKind(models.TextChoices):
    CITY_BRIGADE = "city_brigade", _("City rescue brigade")
    COUNTY_SQUAD = "county_squad", _("County squad (co-built with enterprises)")
    ENTERPRISE = "enterprise", _("Enterprise team")
    TOWNSHIP = "township", _("Township team")
    SOCIAL = "social", _("Social rescue force")
