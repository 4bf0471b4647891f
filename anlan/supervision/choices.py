from django.db import models
from django.utils.translation import gettext_lazy as _


class GuaranteeRole(models.TextChoices):
    """The three 包保 persons of a major hazard source (REFERENCE §4.5)."""

    PRINCIPAL = "principal", _("Principal (主要负责人)")
    TECHNICAL = "technical", _("Technical lead (技术负责人)")
    OPERATIONS = "operations", _("Operations lead (操作负责人)")


# The HazardSource field that names each role's person.
ROLE_FIELDS = {
    GuaranteeRole.PRINCIPAL: "principal",
    GuaranteeRole.TECHNICAL: "technical_lead",
    GuaranteeRole.OPERATIONS: "operations_lead",
}


class CheckResult(models.TextChoices):
    NO_PROBLEMS = "ok", _("No problems")
    PROBLEMS = "problems", _("Problems found")


class CheckStatus(models.TextChoices):
    """Derived from the period and the completion time, never stored."""

    DUE = "due", _("Due")
    MISSED = "missed", _("Missed")
    DONE = "done", _("Done")
    LATE = "late", _("Done late")


STATUS_COLOURS = {
    CheckStatus.DUE: "primary",
    CheckStatus.MISSED: "danger",
    CheckStatus.DONE: "success",
    CheckStatus.LATE: "warning",
}


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
