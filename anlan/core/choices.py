from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


# Digits of the code that identify a region at each level (GB/T 2260 and the 9/12-digit
# statistical extension). A region's subtree is every code that starts with its prefix.
REGION_PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
REGION_CODE_LENGTH = {
    RegionLevel.PROVINCE: 6,
    RegionLevel.CITY: 6,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
REGION_DEPTH = {level: depth for depth, level in enumerate(RegionLevel)}


class UserRole(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    COUNTY_REGULATOR = "county_regulator", _("County regulator")
    TOWNSHIP_SUPERVISOR = "township_supervisor", _("Township safety supervisor")
    GRID_MEMBER = "grid_member", _("Village grid member")
    ENTERPRISE_SAFETY = "enterprise_safety", _("Enterprise safety manager")
    GUARANTOR = "guarantor", _("Guarantee (包保) responsible person")
    RESCUE_COMMANDER = "rescue_commander", _("Rescue team commander")
    MEMBER_UNIT_LIAISON = "member_unit_liaison", _("Committee member-unit liaison")
    TIPOFF_VERIFIER = "tipoff_verifier", _("Tip-off verifier (举报核查)")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil-affairs officer (民政)")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# What kind of scope each role carries, and for region roles the levels the region may have.
REGION_ROLES = {
    UserRole.CITY_ADMIN: (RegionLevel.CITY,),
    UserRole.COUNTY_REGULATOR: (RegionLevel.COUNTY,),
    UserRole.TOWNSHIP_SUPERVISOR: (RegionLevel.TOWNSHIP,),
    UserRole.GRID_MEMBER: (RegionLevel.VILLAGE,),
    UserRole.MEMBER_UNIT_LIAISON: (RegionLevel.CITY,),
    # Tip-offs reach the city's or a county's reporting office (12350).
    UserRole.TIPOFF_VERIFIER: (RegionLevel.CITY, RegionLevel.COUNTY),
    # Civil affairs keeps the register of vulnerable households (重点人群) with the villages.
    UserRole.CIVIL_AFFAIRS: (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP),
}
ENTERPRISE_ROLES = {UserRole.ENTERPRISE_SAFETY, UserRole.GUARANTOR}
TEAM_ROLES = {UserRole.RESCUE_COMMANDER}
# Roles that may create and edit enterprise records within their scope.
REGISTRY_EDITOR_ROLES = {
    UserRole.SYSTEM_ADMIN,
    UserRole.CITY_ADMIN,
    UserRole.COUNTY_REGULATOR,
    UserRole.TOWNSHIP_SUPERVISOR,
}

# Who may manage whose accounts: a manager creates and edits accounts of these roles, with a
# scope inside the manager's own. (The system administrator manages every role.)
MANAGEABLE_ROLES = {
    UserRole.CITY_ADMIN: {
        UserRole.COUNTY_REGULATOR,
        UserRole.TOWNSHIP_SUPERVISOR,
        UserRole.GRID_MEMBER,
        UserRole.ENTERPRISE_SAFETY,
        UserRole.GUARANTOR,
        UserRole.RESCUE_COMMANDER,
        UserRole.MEMBER_UNIT_LIAISON,
        UserRole.TIPOFF_VERIFIER,
        UserRole.CIVIL_AFFAIRS,
    },
    UserRole.COUNTY_REGULATOR: {
        UserRole.TOWNSHIP_SUPERVISOR,
        UserRole.GRID_MEMBER,
        UserRole.ENTERPRISE_SAFETY,
        UserRole.GUARANTOR,
        UserRole.RESCUE_COMMANDER,
        UserRole.TIPOFF_VERIFIER,
        UserRole.CIVIL_AFFAIRS,
    },
}
USER_MANAGER_ROLES = {UserRole.SYSTEM_ADMIN, *MANAGEABLE_ROLES}


class NotificationKind(models.TextChoices):
    HAZARD_REPORTED = "hazard_reported", _("Hazard reported")
    HAZARD_ASSIGNED = "hazard_assigned", _("Rectification assigned")
    ACCEPTANCE_REQUESTED = "acceptance_requested", _("Acceptance requested")
    HAZARD_CLOSED = "hazard_closed", _("Hazard closed")
    ACCEPTANCE_FAILED = "acceptance_failed", _("Acceptance failed")
    DEADLINE_REMINDER = "deadline_reminder", _("Deadline reminder")
    ESCALATION = "escalation", _("Overdue escalation")
    TIPOFF = "tipoff", _("Tip-off to handle")
    REWARD = "reward", _("Reward to decide or pay")
    ALARM = "alarm", _("Monitoring alarm")
    COMMITMENT = "commitment", _("Daily safety commitment")
    DUTY = "duty", _("Duty check or patrol due")
    SUPERVISION = "supervision", _("Strict-supervision list")
    WARNING = "warning", _("Warning to act on")
    WELFARE_CHECK = "welfare_check", _("Welfare check due")
    TASK = "task", _("Supervision task (督办)")
    ASSESSMENT = "assessment", _("Assessment to review or sign off")
    BULLETIN = "bulletin", _("Bulletin published")
    OTHER = "other", _("Other")


# Notifications that also go out by SMS (they need someone to act soon).
URGENT_NOTIFICATION_KINDS = {
    NotificationKind.DEADLINE_REMINDER,
    NotificationKind.ESCALATION,
    NotificationKind.ALARM,
    # A weather or safety warning reaches its targets by SMS too (where a mobile is on file).
    NotificationKind.WARNING,
}


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


DELIVERY_STATUS_COLOURS = {
    DeliveryStatus.PENDING: "secondary",
    DeliveryStatus.SENT: "success",
    DeliveryStatus.FAILED: "danger",
}
