from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseIndustry(models.TextChoices):
    COAL_MINE = "coal_mine", _("Coal mine")
    NON_COAL_MINE = "non_coal_mine", _("Non-coal mine")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
    METALLURGY = "metallurgy", _("Metallurgy")
    NON_FERROUS = "non_ferrous", _("Non-ferrous metals")
    BUILDING_MATERIALS = "building_materials", _("Building materials")
    MACHINERY = "machinery", _("Machinery")
    LIGHT_INDUSTRY = "light_industry", _("Light industry")
    TEXTILES = "textiles", _("Textiles")
    TOBACCO = "tobacco", _("Tobacco")
    COMMERCE_TRADE = "commerce_trade", _("Commerce and trade")
    FIREWORKS = "fireworks", _("Fireworks")
    CROWDED_VENUE = "crowded_venue", _("Crowded public venue")
    GAS_SUPPLY = "gas_supply", _("Town gas supply")
    HEATING = "heating", _("Heating supply")
    CONSTRUCTION = "construction", _("Construction site")
    AQUACULTURE = "aquaculture", _("Aquaculture")
    OTHER = "other", _("Other")


class EnterpriseRiskFlag(models.TextChoices):
    HIGH_GAS = "high_gas", _("High-gas mine")
    OUTBURST = "outburst", _("Coal and gas outburst")
    ROCK_BURST = "rock_burst", _("Rock burst")
    DUST_EXPLOSION = "dust_explosion", _("Combustible dust")
    AMMONIA_REFRIGERATION = "ammonia_refrigeration", _("Ammonia refrigeration")
    CONFINED_SPACE = "confined_space", _("Confined spaces")
    DEEP_WELL_CASTING = "deep_well_casting", _("Deep-well casting")
    MAJOR_HAZARD_SOURCE = "major_hazard_source", _("Major hazard source")
    TAILINGS_POND = "tailings_pond", _("Tailings pond")
    LOW_LYING = "low_lying", _("Low-lying, flood-prone site")


RISK_FLAG_COLOURS = {
    EnterpriseRiskFlag.HIGH_GAS: "danger",
    EnterpriseRiskFlag.OUTBURST: "danger",
    EnterpriseRiskFlag.ROCK_BURST: "danger",
    EnterpriseRiskFlag.DUST_EXPLOSION: "warning",
    EnterpriseRiskFlag.AMMONIA_REFRIGERATION: "warning",
    EnterpriseRiskFlag.CONFINED_SPACE: "warning",
    EnterpriseRiskFlag.DEEP_WELL_CASTING: "danger",
    EnterpriseRiskFlag.MAJOR_HAZARD_SOURCE: "danger",
    EnterpriseRiskFlag.TAILINGS_POND: "danger",
    EnterpriseRiskFlag.LOW_LYING: "warning",
}


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    SUSPENDED = "suspended", _("Production suspended")
    CLOSED = "closed", _("Closed")


STATUS_COLOURS = {
    EnterpriseStatus.OPERATING: "success",
    EnterpriseStatus.UNDER_CONSTRUCTION: "info",
    EnterpriseStatus.SUSPENDED: "warning",
    EnterpriseStatus.CLOSED: "secondary",
}


class PersonPost(models.TextChoices):
    PRINCIPAL = "principal", _("Principal (主要负责人)")
    SAFETY_CHIEF = "safety_chief", _("Head of safety")
    TECHNICAL_LEAD = "technical_lead", _("Technical lead (技术负责人)")
    OPERATIONS_LEAD = "operations_lead", _("Operations lead (操作负责人)")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    OTHER = "other", _("Other")


class HazardSourceLevel(models.IntegerChoices):
    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")
    LEVEL_3 = 3, _("Level 3")
    LEVEL_4 = 4, _("Level 4")


HAZARD_LEVEL_COLOURS = {1: "danger", 2: "orange", 3: "warning", 4: "primary"}


# ---------------------------------------------------------------- risk points (双重预防)


class RiskPointKind(models.TextChoices):
    PLACE = "place", _("Place")
    ACTIVITY = "activity", _("Work activity")
    EQUIPMENT = "equipment", _("Equipment or facility")


class AssessmentMethod(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    LS = "ls", _("Risk matrix (R = L × S)")


class RiskGrade(models.TextChoices):
    """The four colours, most serious first (REFERENCE §0.3 / §5.2)."""

    RED = "red", _("Major risk (red)")
    ORANGE = "orange", _("Large risk (orange)")
    YELLOW = "yellow", _("General risk (yellow)")
    BLUE = "blue", _("Low risk (blue)")


# Most serious first; the enterprise's level is the first grade any of its points has.
RISK_GRADE_ORDER = (RiskGrade.RED, RiskGrade.ORANGE, RiskGrade.YELLOW, RiskGrade.BLUE)
RISK_GRADE_HEX = {
    RiskGrade.RED: "#d9001b",
    RiskGrade.ORANGE: "#ff7d00",
    RiskGrade.YELLOW: "#ffd400",
    RiskGrade.BLUE: "#1e6fd9",
}
UNGRADED_HEX = "#8c8c8c"


class CheckFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    EVERY_N_DAYS = "every_n_days", _("Every N days")


class CheckResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


CHECK_RESULT_COLOURS = {CheckResult.PASS: "success", CheckResult.FAIL: "danger"}
