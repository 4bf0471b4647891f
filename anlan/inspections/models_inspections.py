"""Checklists (versioned templates of items, most citing a clause), inspections that answer
them item by item, and plans that generate inspection tasks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlan.core.models import user_ref
from anlan.core.scoping import filter_by_scope, scope_of


class InspectionType(models.TextChoices):
    SELF = "self", _("Enterprise self-inspection (自查)")
    MUTUAL = "mutual", _("Mutual inspection (互查)")
    DEPARTMENT_PATROL = "department_patrol", _("Department patrol (巡查)")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement (执法检查)")
    SPECIAL_CAMPAIGN = "special_campaign", _("Special campaign (专项检查)")
    EXPERT = "expert", _("Expert assistance (专家指导服务)")
    ONLINE = "online", _("Online inspection (线上巡查)")


# The three-level network (厂内自查、各厂互查、职能部门巡查): which level each type counts for.
DEPARTMENT_TYPES = {
    InspectionType.DEPARTMENT_PATROL,
    InspectionType.LAW_ENFORCEMENT,
    InspectionType.SPECIAL_CAMPAIGN,
    InspectionType.EXPERT,
    InspectionType.ONLINE,
}


class ItemResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("In progress")
    COMPLETED = "completed", _("Completed")


class PlanFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class ChecklistTemplate(models.Model):
    """A named checklist, e.g. "有色金属（铝深井铸造）", whose items live in numbered versions."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    industry = models.CharField(_("industry"), max_length=30, blank=True)
    risk_flags = models.JSONField(_("risk flags"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> ChecklistVersion | None:
        return self.versions.order_by("-number").first()


class ChecklistVersion(models.Model):
    """One version of a checklist. A version an inspection used is never changed: editing the
    checklist makes the next version."""

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = user_ref(_("created by"), null=True, blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def in_use(self) -> bool:
        return self.inspections.exists()


class ChecklistItem(models.Model):
    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"))
    clause = models.ForeignKey(
        "inspections.Clause",
        verbose_name=_("clause"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklist_items",
    )
    text = models.TextField(_("what to check"), max_length=2000)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionQuerySet:
        return filter_by_scope(
            self, user, region_field="enterprise__region", enterprise_field="enterprise_id"
        )


class Inspection(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=InspectionType.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    peer = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("inspecting enterprise (互查)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="peer_inspections",
    )
    checklist = models.ForeignKey(
        ChecklistVersion,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("inspected on"), default=timezone.localdate)
    inspectors = models.CharField(_("inspectors"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
        editable=False,
    )
    created_by = user_ref(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    task = models.OneToOneField(
        "InspectionTask",
        verbose_name=_("task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspection",
    )

    objects = InspectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "kind", "inspected_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on} {self.get_kind_display()}"


def answer_photo_path(instance, filename: str) -> str:
    stamp = timezone.now()
    return f"inspections/{stamp:%Y/%m}/{instance.photo_sha256[:2]}/{instance.photo_sha256}{instance.photo_extension}"


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers"
    )
    result = models.CharField(_("result"), max_length=4, choices=ItemResult.choices, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    photo = models.FileField(_("photo"), upload_to=answer_photo_path, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    photo_extension = models.CharField(max_length=10, blank=True)
    photo_content_type = models.CharField(max_length=100, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        verbose_name=_("hazard"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspection_answer",
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["inspection", "item__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.result or '—'}"


class InspectionPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionPlanQuerySet:
        scope = scope_of(user)
        if scope.enterprise_id:
            return self.filter(enterprise_id=scope.enterprise_id)
        return filter_by_scope(self, user, enterprise_field="enterprise_id")


class InspectionPlan(models.Model):
    """Recurring inspections: a checklist applied to the enterprises of a region (optionally of
    one industry) or to one enterprise, at a frequency; each period yields one task per
    enterprise."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=20, choices=InspectionType.choices)
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("industry"), max_length=30, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inspection_plans",
        help_text=_("Only this enterprise (e.g. its own self-inspection plan)."),
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=PlanFrequency.choices)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = user_ref(_("created by"))

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InspectionTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionTaskQuerySet:
        return filter_by_scope(
            self, user, region_field="enterprise__region", enterprise_field="enterprise_id"
        )


class InspectionTask(models.Model):
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    period_start = models.DateField(_("period from"))
    due_on = models.DateField(_("due on"))

    objects = InspectionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "enterprise", "period_start"], name="one_task_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.name}: {self.enterprise} ≤ {self.due_on}"
