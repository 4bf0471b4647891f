from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


# --- The safety committee office (安委办): member units, 督办 tasks, assessments, activities ---


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Member department")
    TOWNSHIP = "township", _("Township / subdistrict")


class TaskPriority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class TaskState(models.TextChoices):
    """A 督办 task as a whole. An open task is overdue when its deadline has passed with an
    assignment not yet accepted (derived, never stored)."""

    OPEN = "open", pgettext_lazy("task state", "Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("Awaiting feedback")
    SUBMITTED = "submitted", _("Feedback submitted")
    RETURNED = "returned", _("Returned for more work")
    ACCEPTED = "accepted", _("Accepted")


ASSIGNMENT_STATE_CSS = {
    AssignmentState.PENDING: "secondary",
    AssignmentState.SUBMITTED: "primary",
    AssignmentState.RETURNED: "warning",
    AssignmentState.ACCEPTED: "success",
}


class AssessmentPeriod(models.TextChoices):
    MONTH = "month", _("Monthly")
    HALF_YEAR = "half", _("Half-year")
    YEAR = "year", _("Annual")


class SchemeAppliesTo(models.TextChoices):
    ALL = "all", _("All member units")
    DEPARTMENT = "department", _("Member departments")
    TOWNSHIP = "township", _("Townships")


class IndicatorKind(models.TextChoices):
    GROUP = "group", _("Group of items")
    SCORED = "scored", _("Scored item")
    BONUS = "bonus", _("Bonus item")
    DEDUCTION = "deduction", _("Deduction item")
    VETO = "veto", _("One-vote veto (一票否决)")


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("Entered with evidence")
    COMPUTED = "computed", _("Computed from the platform's records")
    ROLLUP = "rollup", _("Average of the monthly totals")


class ScoringRule(models.TextChoices):
    """How an item's value becomes points (parameters in ``Indicator.params``)."""

    # points = weight × clamp((value − floor) / (target − floor), 0, 1); for "lower is better"
    # metrics ``target`` < ``floor``.
    LINEAR = "linear", _("In proportion between a floor and a target")
    # points = weight − per_unit × value, never below 0 (deduction items: −per_unit × value,
    # down to −cap).
    PER_UNIT = "per_unit", _("Points per occurrence")
    # full weight when the condition holds (value ≥ threshold, or ≤ with "at_most"), else 0
    THRESHOLD = "threshold", _("All or nothing at a threshold")
    # the points are entered directly (0 … weight) by the assessor
    DIRECT = "direct", _("Points entered directly")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Under review")
    SIGNED = "signed", _("Signed off")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优秀)")
    PASS = "pass", _("Pass (合格)")
    FAIL = "fail", _("Fail (不合格)")


GRADE_CSS = {Grade.EXCELLENT: "success", Grade.PASS: "primary", Grade.FAIL: "danger"}


class TrainingKind(models.TextChoices):
    PRINCIPAL_LECTURE = "principal_lecture", _("Principal person's lecture (主要负责人讲安全)")
    THEMATIC = "thematic", _("Thematic training")
    SKILLS = "skills", _("Skills training")
    OUTSOURCED = "outsourced", _("Outsourced workers")
    DISPATCHED = "dispatched", _("Dispatched workers")
    FLEXIBLE = "flexible", _("Flexible-employment workers")


class ExpertDomain(models.TextChoices):
    CONFINED_SPACE = "confined_space", _("Confined space")
    DUST = "dust", _("Combustible dust")
    METAL_SMELTING = "metal_smelting", _("Metal smelting")
    HAZCHEM = "hazchem", _("Hazardous chemicals")
    GAS = "gas", _("Gas (燃气)")
    MINING = "mining", _("Mining")
    FIRE = "fire", _("Fire safety")
    ELECTRICAL = "electrical", _("Electrical safety")
    OTHER = "other", _("Other")


class ActivityKind(models.TextChoices):
    INTO_ENTERPRISES = "into_enterprises", _("Into enterprises (进企业)")
    INTO_RURAL = "into_rural", _("Into villages (进农村)")
    INTO_COMMUNITIES = "into_communities", _("Into communities (进社区)")
    INTO_SCHOOLS = "into_schools", _("Into schools (进学校)")
    INTO_FAMILIES = "into_families", _("Into families (进家庭)")
    CONSULTATION_DAY = "consultation_day", _("Consultation day (咨询日)")
    OPEN_CLASS = "open_class", _("Open class (公开课)")
    DRILL = "drill", _("Emergency drill")
    OTHER = "other", _("Other")


class ItemState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
