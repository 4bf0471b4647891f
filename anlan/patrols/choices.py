from django.db import models
from django.utils.translation import gettext_lazy as _

from anlan.core.choices import RegionLevel, UserRole


class PatrolKind(models.TextChoices):
    PATROL = "patrol", _("Online patrol (巡查)")
    SPOT_CHECK = "spot_check", _("Spot check (抽查)")


class PatrolLevel(models.TextChoices):
    """The tier of the regulator who patrolled (MEM's tiered patrol and spot-check measures)."""

    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")


class PatrolResult(models.TextChoices):
    OK = "ok", _("No problems found")
    PROBLEMS = "problems", _("Problems found")


class PatrolItem(models.TextChoices):
    """What the regulator looked at online."""

    READINGS = "readings", _("Real-time readings")
    ALARMS = "alarms", _("Alarms and their disposal")
    OFFLINE = "offline", _("Offline and data quality")
    COMMITMENT = "commitment", _("Daily safety commitment")
    DUTIES = "duties", _("包保 duties")
    VIDEO = "video", _("Video")


RESULT_COLOURS = {PatrolResult.OK: "success", PatrolResult.PROBLEMS: "danger"}
KIND_COLOURS = {PatrolKind.PATROL: "primary", PatrolKind.SPOT_CHECK: "info"}

# The role of the regulators at each level (who is told of a missed patrol at that level).
ROLE_OF_LEVEL = {
    PatrolLevel.CITY: UserRole.CITY_ADMIN,
    PatrolLevel.COUNTY: UserRole.COUNTY_REGULATOR,
    PatrolLevel.TOWNSHIP: UserRole.TOWNSHIP_SUPERVISOR,
}
# The enterprise regions that have a regulator at each level: an enterprise registered directly
# under a county has no township supervisor, so no township-level patrol is due for it.
REGION_LEVELS_UNDER = {
    PatrolLevel.CITY: (
        RegionLevel.CITY,
        RegionLevel.COUNTY,
        RegionLevel.TOWNSHIP,
        RegionLevel.VILLAGE,
    ),
    PatrolLevel.COUNTY: (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE),
    PatrolLevel.TOWNSHIP: (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE),
}
