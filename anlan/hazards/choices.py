from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardCategory(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment and facilities")
    PROCESS = "process", _("Process")
    MANAGEMENT = "management", _("Management")
    ENVIRONMENT = "environment", _("Working environment")
    FIRE = "fire", _("Fire safety")
    ELECTRICAL = "electrical", _("Electrical")
    SPECIAL_OPERATIONS = "special_operations", _("Special operations")
    OTHER = "other", _("Other")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General (一般)")
    MAJOR = "major", _("Major (重大)")


LEVEL_COLOURS = {HazardLevel.GENERAL: "warning", HazardLevel.MAJOR: "danger"}


class HazardChannel(models.TextChoices):
    SELF_INSPECTION = "self_inspection", _("Enterprise self-inspection (自查)")
    MUTUAL_INSPECTION = "mutual_inspection", _("Mutual inspection (互查)")
    DEPARTMENT_PATROL = "department_patrol", _("Department patrol (巡查)")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement (执法)")
    TOWNSHIP_SUPERVISOR = "township_supervisor", _("Township supervisor (安监员)")
    GRID_MEMBER = "grid_member", _("Village grid member (网格员)")
    PUBLIC_TIP_OFF = "public_tip_off", _("Public tip-off (举报)")
    INTERNAL_REPORT = "internal_report", _("Employee internal report (内部报告)")
    ONLINE_PATROL = "online_patrol", _("Online patrol (线上巡查)")
    MONITORING_ALARM = "monitoring_alarm", _("Monitoring alarm")
    DRILL_FINDING = "drill_finding", _("Drill finding")
    WARNING_CHECK = "warning_check", _("Check during a warning (预警排查)")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged as duplicate")
    ASSIGNED = "assigned", _("Rectification assigned")
    RECTIFYING = "rectifying", _("Rectifying")
    ACCEPTANCE_REQUESTED = "acceptance_requested", _("Awaiting acceptance")
    CLOSED = "closed", _("Closed (销号)")


STATUS_COLOURS = {
    HazardStatus.REPORTED: "secondary",
    HazardStatus.VERIFIED: "info",
    HazardStatus.REJECTED: "light",
    HazardStatus.MERGED: "light",
    HazardStatus.ASSIGNED: "primary",
    HazardStatus.RECTIFYING: "warning",
    HazardStatus.ACCEPTANCE_REQUESTED: "orange",
    HazardStatus.CLOSED: "success",
}
# States in which the hazard still needs someone to act.
OPEN_STATUSES = {
    HazardStatus.REPORTED,
    HazardStatus.VERIFIED,
    HazardStatus.ASSIGNED,
    HazardStatus.RECTIFYING,
    HazardStatus.ACCEPTANCE_REQUESTED,
}
# States in which a rectification deadline runs.
DEADLINE_STATUSES = {
    HazardStatus.ASSIGNED,
    HazardStatus.RECTIFYING,
    HazardStatus.ACCEPTANCE_REQUESTED,
}


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo of the hazard")
    DOCUMENT = "document", _("Document")
    EVIDENCE = "evidence", _("Evidence of the rectified state")


class TipOffStatus(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting verification")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    UNFOUNDED = "unfounded", _("Not substantiated")
    RECHECK = "recheck", _("Reporter says it is not fixed: under review")


TIPOFF_STATUS_COLOURS = {
    TipOffStatus.RECEIVED: "secondary",
    TipOffStatus.SUBSTANTIATED: "primary",
    TipOffStatus.UNFOUNDED: "light",
    TipOffStatus.RECHECK: "warning",
}


class TipOffEventKind(models.TextChoices):
    RECEIVED = "received", _("Tip-off received")
    SUBSTANTIATED = "substantiated", _("Verified: a hazard is being rectified")
    LINKED = "linked", _("Verified: the hazard was already known and is being rectified")
    UNFOUNDED = "unfounded", _("Verified: not substantiated")
    CLOSED = "closed", _("The hazard was rectified and closed")
    NOT_FIXED = "not_fixed", _("Reporter says it is not fixed")
    CONFIRMED_FIXED = "confirmed_fixed", _("Re-checked: confirmed fixed")
    REOPENED = "reopened", _("Re-checked: still present, rectification ordered again")
    REWARD_APPROVED = "reward_approved", _("Reward approved")
    REWARD_CLAIMED = "reward_claimed", _("Reward claimed")
    REWARD_PAID = "reward_paid", _("Reward paid")


class RewardKind(models.TextChoices):
    TIP_OFF = "tip_off", _("Public tip-off reward (举报奖励)")
    INTERNAL = "internal", _("Internal-report reward (内部报告奖励)")


class RewardBasis(models.TextChoices):
    FINE = "fine", _("Share of the administrative fine")
    CONCEALED_ACCIDENT = "concealed_accident", _("Concealed or falsely reported accident")
    INTERNAL_TIER = "internal_tier", _("Enterprise scheme, by hazard level")


class AccidentLevel(models.TextChoices):
    GENERAL = "general", _("Ordinary (一般)")
    LARGER = "larger", _("Large (较大)")
    MAJOR = "major", _("Major (重大)")
    ESPECIALLY_MAJOR = "especially_major", _("Especially major (特别重大)")


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CLAIMED = "claimed", _("Claimed, awaiting payment")
    PAID = "paid", _("Paid")


REWARD_STATUS_COLOURS = {
    RewardStatus.PROPOSED: "secondary",
    RewardStatus.APPROVED: "info",
    RewardStatus.REFUSED: "light",
    RewardStatus.CLAIMED: "warning",
    RewardStatus.PAID: "success",
}
