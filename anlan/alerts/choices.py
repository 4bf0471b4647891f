"""Warning vocabularies: the Chinese signal types and colour levels (REFERENCE.md §7.1), the
CAP 1.2 enumerations, and Anlan's own states for targets, households and welfare checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalType(models.TextChoices):
    # The 14 national signals of CMA Decree No. 16 …
    TYPHOON = "typhoon", _("Typhoon (台风)")
    RAINSTORM = "rainstorm", _("Rainstorm (暴雨)")
    BLIZZARD = "blizzard", _("Blizzard (暴雪)")
    COLD_WAVE = "cold_wave", _("Cold wave (寒潮)")
    GALE = "gale", _("Gale (大风)")
    SANDSTORM = "sandstorm", _("Sandstorm (沙尘暴)")
    HEAT = "heat", _("Heat (高温)")
    DROUGHT = "drought", _("Drought (干旱)")
    LIGHTNING = "lightning", _("Lightning (雷电)")
    HAIL = "hail", _("Hail (冰雹)")
    FROST = "frost", _("Frost (霜冻)")
    FOG = "fog", _("Fog (大雾)")
    HAZE = "haze", _("Haze (霾)")
    ROAD_ICING = "road_icing", _("Road icing (道路结冰)")
    # … and common local additions.
    FLOOD = "flood", _("Flood (洪水)")
    LOW_TEMPERATURE = "low_temperature", _("Low temperature (低温)")
    THUNDERSTORM_GALE = "thunderstorm_gale", _("Thunderstorm gale (雷雨大风)")
    FOREST_FIRE = "forest_fire", _("Forest fire danger (森林火险)")
    GEOLOGICAL = "geological", _("Geological hazard (地质灾害)")
    # The bureau's own safety reminders (安全提示) and anything not recognised.
    SAFETY = "safety", _("Safety reminder (安全提示)")
    OTHER = "other", _("Other warning")


class Colour(models.TextChoices):
    BLUE = "blue", _("Blue (IV, general)")
    YELLOW = "yellow", _("Yellow (III, fairly serious)")
    ORANGE = "orange", _("Orange (II, serious)")
    RED = "red", _("Red (I, extremely serious)")


COLOUR_RANK = {Colour.BLUE: 1, Colour.YELLOW: 2, Colour.ORANGE: 3, Colour.RED: 4}
COLOUR_CSS = {
    Colour.BLUE: "primary",
    Colour.YELLOW: "warning",
    Colour.ORANGE: "orange",
    Colour.RED: "danger",
}
# The Chinese word for each colour, as it appears in a warning's event or headline (寒潮黄色预警).
COLOUR_WORDS = {
    Colour.BLUE: "蓝色",
    Colour.YELLOW: "黄色",
    Colour.ORANGE: "橙色",
    Colour.RED: "红色",
}

# Which colours each national signal has (REFERENCE.md §7.1). Local signals, safety reminders
# and "other" accept all four.
_ALL = (Colour.BLUE, Colour.YELLOW, Colour.ORANGE, Colour.RED)
_YOR = (Colour.YELLOW, Colour.ORANGE, Colour.RED)
SIGNAL_COLOURS = {
    SignalType.TYPHOON: _ALL,
    SignalType.RAINSTORM: _ALL,
    SignalType.BLIZZARD: _ALL,
    SignalType.COLD_WAVE: _ALL,
    SignalType.GALE: _ALL,
    SignalType.SANDSTORM: _YOR,
    SignalType.HEAT: _YOR,
    SignalType.DROUGHT: (Colour.ORANGE, Colour.RED),
    SignalType.LIGHTNING: _YOR,
    SignalType.HAIL: (Colour.ORANGE, Colour.RED),
    SignalType.FROST: (Colour.BLUE, Colour.YELLOW, Colour.ORANGE),
    SignalType.FOG: _YOR,
    # 2007: yellow and orange; some later revisions add red, so red is accepted.
    SignalType.HAZE: _YOR,
    SignalType.ROAD_ICING: _YOR,
}


def colours_for(signal_type: str) -> tuple[str, ...]:
    return tuple(str(c) for c in SIGNAL_COLOURS.get(signal_type, _ALL))


# --- CAP 1.2 enumerations (values exactly as the standard spells them) ------------------------


class CapStatus(models.TextChoices):
    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    SYSTEM = "System", _("System")
    TEST = "Test", _("Test")
    DRAFT = "Draft", _("Draft (CAP)")


class MsgType(models.TextChoices):
    ALERT = "Alert", _("Alert")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Cancel")
    ACK = "Ack", _("Ack")
    ERROR = "Error", _("Error")


class CapScope(models.TextChoices):
    PUBLIC = "Public", _("Public")
    RESTRICTED = "Restricted", _("Restricted")
    PRIVATE = "Private", _("Private")


class Category(models.TextChoices):
    GEO = "Geo", _("Geophysical")
    MET = "Met", _("Meteorological")
    SAFETY = "Safety", _("General safety")
    SECURITY = "Security", _("Security")
    RESCUE = "Rescue", _("Rescue and recovery")
    FIRE = "Fire", _("Fire")
    HEALTH = "Health", _("Health")
    ENV = "Env", _("Environment")
    TRANSPORT = "Transport", _("Transport")
    INFRA = "Infra", _("Infrastructure")
    CBRNE = "CBRNE", _("CBRNE")
    OTHER = "Other", _("Other category")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Immediate")
    EXPECTED = "Expected", _("Expected")
    FUTURE = "Future", _("Future")
    PAST = "Past", _("Past")
    UNKNOWN = "Unknown", _("Unknown urgency")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")
    UNKNOWN = "Unknown", _("Unknown severity")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Observed")
    LIKELY = "Likely", _("Likely")
    POSSIBLE = "Possible", _("Possible")
    UNLIKELY = "Unlikely", _("Unlikely")
    UNKNOWN = "Unknown", _("Unknown certainty")


# --- Anlan's own states --------------------------------------------------------------------


class Origin(models.TextChoices):
    IMPORTED = "imported", _("Received (imported)")
    ISSUED = "issued", _("Issued by the bureau")


class Stage(models.TextChoices):
    """The bureau's issuing workflow (制作 → 审核 → 签发发布). Imported messages are published on
    arrival."""

    DRAFT = "draft", _("Being drafted")
    REVIEW = "review", _("Awaiting sign-off")
    PUBLISHED = "published", _("Published")


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    TEAM = "team", _("Rescue team")
    TOWNSHIP = "township", _("Township (安监员)")
    VILLAGE = "village", _("Village (网格员)")


class TargetState(models.TextChoices):
    WAITING = "waiting", _("Not yet acknowledged")
    ACKNOWLEDGED = "acknowledged", _("Receipt acknowledged")
    MEASURES = "measures", _("Measures reported")
    WITHDRAWN = "withdrawn", _("No longer targeted")


TARGET_STATE_CSS = {
    TargetState.WAITING: "danger",
    TargetState.ACKNOWLEDGED: "warning",
    TargetState.MEASURES: "success",
    TargetState.WITHDRAWN: "secondary",
}


class HouseholdCategory(models.TextChoices):
    RELAPSE_MONITORED = "relapse_monitored", _("Monitored for relapse into poverty (防返贫监测户)")
    ELDERLY_ALONE = "elderly_alone", _("Elderly person living alone (独居老人)")
    DISABLED = "disabled", _("Person with disabilities (残疾人)")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child (留守儿童)")
    OTHER = "other", _("Other need")


class CheckGroup(models.TextChoices):
    """What a household needs checking for; signal types map to these (a setting)."""

    COLD = "cold", _("Cold and snow")
    FLOOD = "flood", _("Rain and flood")
    HEAT = "heat", _("Heat")


class CheckOutcome(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    VISITED = "visited", _("Visited, safe")
    NEEDS_MET = "needs_met", _("Visited, needs met")
    MOVED = "moved", _("Moved to safety")
    UNREACHABLE = "unreachable", _("Unreachable")


CHECK_OUTCOME_CSS = {
    CheckOutcome.PENDING: "secondary",
    CheckOutcome.VISITED: "success",
    CheckOutcome.NEEDS_MET: "success",
    CheckOutcome.MOVED: "info",
    CheckOutcome.UNREACHABLE: "danger",
}
