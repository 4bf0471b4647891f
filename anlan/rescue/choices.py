"""Choices of the rescue app, with badge colours beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKind(models.TextChoices):
    CITY_BRIGADE = "city_brigade", _("City rescue brigade")
    COUNTY_SQUAD = "county_squad", _("County squad (co-built with enterprises)")
    ENTERPRISE = "enterprise", _("Enterprise team")
    TOWNSHIP = "township", _("Township team")
    FIRE_BRIGADE = "fire_brigade", _("Fire and rescue brigade")
    MILITIA = "militia", _("Militia emergency company")
    SOCIAL = "social", _("Social rescue force")


class TeamTier(models.TextChoices):
    """The three tiers: the city coordinates, counties respond, enterprises co-operate."""

    CITY = "city", _("City (coordinating)")
    COUNTY = "county", _("County (responding)")
    ENTERPRISE = "enterprise", _("Enterprise (co-operating)")
    SUPPORT = "support", _("Supporting force")


KIND_TIERS = {
    TeamKind.CITY_BRIGADE: TeamTier.CITY,
    TeamKind.COUNTY_SQUAD: TeamTier.COUNTY,
    TeamKind.ENTERPRISE: TeamTier.ENTERPRISE,
    TeamKind.TOWNSHIP: TeamTier.SUPPORT,
    TeamKind.FIRE_BRIGADE: TeamTier.SUPPORT,
    TeamKind.MILITIA: TeamTier.SUPPORT,
    TeamKind.SOCIAL: TeamTier.SUPPORT,
}


class TeamStatus(models.TextChoices):
    ACTIVE = "active", _("In service")
    PLANNED = "planned", _("Planned (not yet built)")
    SUSPENDED = "suspended", _("Suspended")
    DISBANDED = "disbanded", _("Disbanded")


TEAM_STATUS_COLOURS = {
    TeamStatus.ACTIVE: "success",
    TeamStatus.PLANNED: "info",
    TeamStatus.SUSPENDED: "warning",
    TeamStatus.DISBANDED: "secondary",
}


class Staffing(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")


class Capability(models.TextChoices):
    MINE_RESCUE = "mine_rescue", _("Mine rescue")
    HAZCHEM = "hazchem", _("Hazardous chemicals")
    FIRE = "fire", _("Fire")
    FLOOD = "flood", _("Flood")
    FOREST_FIRE = "forest_fire", _("Forest fire")
    WATER_RESCUE = "water_rescue", _("Water rescue")
    HIGH_ANGLE = "high_angle", _("High-angle rescue")
    MEDICAL = "medical", _("Medical first aid")


class Readiness(models.TextChoices):
    NORMAL = "normal", _("Normal duty")
    ELEVATED = "elevated", _("Elevated readiness")
    HIGH = "high", _("High readiness (standing by)")


READINESS_COLOURS = {
    Readiness.NORMAL: "success",
    Readiness.ELEVATED: "warning",
    Readiness.HIGH: "danger",
}


class UnitKind(models.TextChoices):
    SQUADRON = "squadron", _("Squadron (中队)")
    SQUAD = "squad", _("Squad (小队)")


class MemberPost(models.TextChoices):
    BRIGADE_COMMANDER = "brigade_commander", _("Brigade commander")
    DEPUTY_BRIGADE_COMMANDER = "deputy_brigade_commander", _("Deputy brigade commander")
    SQUADRON_COMMANDER = "squadron_commander", _("Squadron commander")
    DEPUTY_SQUADRON_COMMANDER = "deputy_squadron_commander", _("Deputy squadron commander")
    SQUAD_LEADER = "squad_leader", _("Squad leader")
    DEPUTY_SQUAD_LEADER = "deputy_squad_leader", _("Deputy squad leader")
    MEMBER = "member", _("Team member")
    ENGINEER = "engineer", _("Engineer / technician")
    EQUIPMENT_KEEPER = "equipment_keeper", _("Equipment keeper")
    DRIVER = "driver", _("Driver")
    MEDIC = "medic", _("Medic")


# Which age and experience rule a post follows (the rule names in ANLAN_RESCUE_POST_RULES).
POST_RULE = {
    MemberPost.BRIGADE_COMMANDER: "brigade_commander",
    MemberPost.DEPUTY_BRIGADE_COMMANDER: "brigade_commander",
    MemberPost.SQUADRON_COMMANDER: "squadron_commander",
    MemberPost.DEPUTY_SQUADRON_COMMANDER: "squadron_commander",
    MemberPost.SQUAD_LEADER: "squad_leader",
    MemberPost.DEPUTY_SQUAD_LEADER: "squad_leader",
    MemberPost.MEMBER: "member",
}

COMMANDER_POSTS = {
    MemberPost.BRIGADE_COMMANDER,
    MemberPost.DEPUTY_BRIGADE_COMMANDER,
    MemberPost.SQUADRON_COMMANDER,
    MemberPost.DEPUTY_SQUADRON_COMMANDER,
    MemberPost.SQUAD_LEADER,
}


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PROBATION = "probation", _("Probation")
    LEFT = "left", _("Left the team")


class TrainingKind(models.TextChoices):
    BASIC = "basic", _("Basic training for new members")
    REFRESHER = "refresher", _("Yearly refresher training")
    APPARATUS = "apparatus", _("Exercise wearing breathing apparatus")
    HIGH_TEMPERATURE = "high_temperature", _("High-temperature and dense-smoke drill")
    FIRST_AID = "first_aid", _("First aid")
    OTHER = "other", _("Other")


class AssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


ASSESSMENT_COLOURS = {
    AssessmentResult.EXCELLENT: "success",
    AssessmentResult.PASS: "primary",
    AssessmentResult.FAIL: "danger",
}


class EquipmentCategory(models.TextChoices):
    BREATHING = "breathing", _("Breathing apparatus")
    GAS_DETECTION = "gas_detection", _("Gas detection")
    COMMUNICATION = "communication", _("Communications")
    LIFE_DETECTION = "life_detection", _("Life detection")
    DRONE = "drone", _("Drone")
    VEHICLE = "vehicle", _("Vehicle")
    FIREFIGHTING = "firefighting", _("Firefighting")
    MEDICAL = "medical", _("Medical")
    TOOLS = "tools", _("Rescue tools")
    OTHER = "other", _("Other")


class CheckKind(models.TextChoices):
    DAILY = "daily", _("Daily duty check")
    WEEKLY = "weekly", _("Weekly maintenance check")
    MONTHLY = "monthly", _("Monthly maintenance check")
    CALIBRATION = "calibration", _("Calibration with a tester")
    MAINTENANCE = "maintenance", _("Maintenance")


class ItemStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    UNDER_REPAIR = "under_repair", _("Under repair")
    RETIRED = "retired", _("Retired")


ITEM_STATUS_COLOURS = {
    ItemStatus.IN_SERVICE: "success",
    ItemStatus.UNDER_REPAIR: "warning",
    ItemStatus.RETIRED: "secondary",
}


class CheckResult(models.TextChoices):
    PASS = "pass", _("Pass")
    REPAIRED = "repaired", _("Fault fixed on the spot")
    FAIL = "fail", _("Fail (sent for repair)")


class Shift(models.TextChoices):
    FULL_DAY = "full_day", _("24 hours")
    DAY = "day", _("Day shift")
    NIGHT = "night", _("Night shift")


class DrillKind(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop exercise")
    FUNCTIONAL = "functional", _("Functional drill")
    FULL_SCALE = "full_scale", _("Full-scale drill")
    JOINT = "joint", _("Joint drill with enterprises")
    TRAINING = "training", _("Squad training drill")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("Not yet held")
    DONE = "done", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class IncidentKind(models.TextChoices):
    GAS_EXPLOSION = "gas_explosion", _("Gas explosion")
    OUTBURST = "outburst", _("Coal and gas outburst")
    MINE_FIRE = "mine_fire", _("Mine fire")
    WATER_INRUSH = "water_inrush", _("Water inrush")
    ROOF_FALL = "roof_fall", _("Roof fall")
    ROCK_BURST = "rock_burst", _("Rock burst")
    HAZCHEM_LEAK = "hazchem_leak", _("Hazardous chemical leak")
    EXPLOSION = "explosion", _("Explosion (non-mine)")
    FIRE = "fire", _("Fire")
    FLOOD = "flood", _("Flood disaster")
    FOREST_FIRE = "forest_fire", _("Forest fire")
    OTHER = "other", _("Other")


# The capability a team needs to be recommended for an incident of each kind.
KIND_CAPABILITY = {
    IncidentKind.GAS_EXPLOSION: Capability.MINE_RESCUE,
    IncidentKind.OUTBURST: Capability.MINE_RESCUE,
    IncidentKind.MINE_FIRE: Capability.MINE_RESCUE,
    IncidentKind.WATER_INRUSH: Capability.MINE_RESCUE,
    IncidentKind.ROOF_FALL: Capability.MINE_RESCUE,
    IncidentKind.ROCK_BURST: Capability.MINE_RESCUE,
    IncidentKind.HAZCHEM_LEAK: Capability.HAZCHEM,
    IncidentKind.EXPLOSION: Capability.HAZCHEM,
    IncidentKind.FIRE: Capability.FIRE,
    IncidentKind.FLOOD: Capability.FLOOD,
    IncidentKind.FOREST_FIRE: Capability.FOREST_FIRE,
}

# Mine incidents need teams wearing breathing apparatus: a recommended team must have some in
# service.
BREATHING_KINDS = {
    IncidentKind.GAS_EXPLOSION,
    IncidentKind.OUTBURST,
    IncidentKind.MINE_FIRE,
    IncidentKind.HAZCHEM_LEAK,
}


class IncidentSeverity(models.TextChoices):
    GENERAL = "general", _("General (一般)")
    LARGER = "larger", _("Larger (较大)")
    MAJOR = "major", _("Major (重大)")
    ESPECIALLY_MAJOR = "especially_major", _("Especially major (特别重大)")


SEVERITY_COLOURS = {
    IncidentSeverity.GENERAL: "primary",
    IncidentSeverity.LARGER: "warning",
    IncidentSeverity.MAJOR: "orange",
    IncidentSeverity.ESPECIALLY_MAJOR: "danger",
}


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Reported")
    RESPONDING = "responding", _("Rescue under way")
    CLOSED = "closed", _("Closed")


INCIDENT_STATUS_COLOURS = {
    IncidentStatus.OPEN: "danger",
    IncidentStatus.RESPONDING: "warning",
    IncidentStatus.CLOSED: "secondary",
}


class DispatchStage(models.TextChoices):
    """Dispatch events in their order (闻警出动、到达现场和返回驻地)."""

    NOTIFIED = "notified", _("Notified")
    TURNED_OUT = "turned_out", _("Turned out")
    ARRIVED = "arrived", _("Arrived on site")
    RETURNED = "returned", _("Returned to base")


STAGE_FIELDS = {
    DispatchStage.NOTIFIED: "notified_at",
    DispatchStage.TURNED_OUT: "turned_out_at",
    DispatchStage.ARRIVED: "arrived_at",
    DispatchStage.RETURNED: "returned_at",
}
